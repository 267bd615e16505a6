"""Notecast: wiring only. settings → services (engine, providers, executor) → API → pages → scheduler → server."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from typing import TYPE_CHECKING

from settings import VERSION, ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

# The web stack is imported inside the functions below, not here: the generation worker process is spawned with
# this file re-imported as "__mp_main__", and must not carry NiceGUI, FastAPI and the pages in its memory.


def build_app(settings: Settings) -> FastAPI:
    """The whole service: the JSON API app with the NiceGUI pages mounted beneath it."""
    # NiceGUI keeps each browser's storage in ./.nicegui unless told otherwise before it is imported; it belongs
    # with the rest of the state.
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.data_dir / "nicegui"))
    if settings.redis_url:  # replicas: every one of them knows every browser
        os.environ.setdefault("NICEGUI_REDIS_URL", settings.redis_url)
        os.environ.setdefault("NICEGUI_REDIS_KEY_PREFIX", "notecast:browser:")
    from nicegui import app as nicegui_app
    from nicegui import ui

    from api.app import create_api
    from api.collector import FullCollections
    from api.feeds import RedactFeedTokens
    from api.webhooks import job_event_data
    from pipeline.services import build_services
    from ui import pages
    from ui.theme import favicon_path

    services = build_services(settings)
    app = create_api(services)
    pages.create(services)
    nicegui_app.on_startup(_freeze_startup_objects)
    collections = FullCollections()
    nicegui_app.on_startup(collections.start)
    nicegui_app.on_shutdown(collections.stop)
    # after uvicorn has configured its loggers
    nicegui_app.on_startup(lambda: logging.getLogger("uvicorn.access").addFilter(RedactFeedTokens()))
    if settings.run_worker:
        nicegui_app.on_startup(services.executor.start)

        async def stop_executor() -> None:
            # not nicegui.run.io_bound: it refuses new work once the app is stopping
            await asyncio.to_thread(services.executor.shutdown)

        nicegui_app.on_shutdown(stop_executor)
    nicegui_app.on_shutdown(services.watcher.stop)
    # every replica delivers webhooks, whether or not it runs jobs
    nicegui_app.on_startup(lambda: services.webhooks.start(job_event_data(services)))
    nicegui_app.on_shutdown(services.webhooks.stop)
    ui.run_with(app, title="Notecast", favicon=favicon_path(), storage_secret=settings.effective_storage_secret,
                show_welcome_message=False, dark=None, language="en-US")  # also <html lang>
    return app


def _freeze_startup_objects() -> None:
    # Everything imported at start-up lives for the life of the process; moving it out of the collector's
    # generations keeps full collections (which would stall every request in flight) short.
    gc.collect()
    gc.freeze()


def main() -> None:
    """Run the service on HOST:PORT."""
    import uvicorn

    from api.http_limits import server_options

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs each webhook's URL, which may carry a token
    # The event loop shares the GIL with the database writer and the generation threads. CPython's default 5 ms
    # switch interval lets a busy thread make every other one wait that long per hand-off; 2 ms keeps
    # polling latency low while a job generates, at a negligible cost in throughput.
    sys.setswitchinterval(0.002)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Notecast cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    logging.getLogger("notecast").info("Notecast %s on %s:%s, data in %s", VERSION, settings.host, settings.port,
                                       settings.data_dir)
    # Browsers keep websockets open; do not let them hold up a shutdown (the job in progress is re-queued).
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, log_level="info",
                access_log=settings.access_log, timeout_graceful_shutdown=3, **server_options(settings.max_connections))


# Only "__main__": the generation worker is spawned with this file as "__mp_main__" and must not serve.
if __name__ == "__main__":
    main()
