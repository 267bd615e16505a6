"""Where a job's steps run: in the executor's thread (tests, custom providers), or in a separate low-priority
worker process, so generation never competes with the web server for the GIL (the default when serving)."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from errors import NotecastError
from pipeline.audio.mix import MixSettings
from pipeline.episode.produce import produce_episode
from pipeline.progress import ProgressSink
from pipeline.providers import Providers
from store import jobs, queries
from store.db import Database
from store.models import JobStatus
from store.records import ClaimedJob, FinishedEpisode

log = logging.getLogger(__name__)

# The lowest priority: the worker runs two engines' threads plus the mixer, enough to fill both cores of a small
# machine, and the web server must still answer polls at once (P3). Idle cores are still the worker's.
_WORKER_NICENESS = 19
_PR_SET_PDEATHSIG = 1
_M_ARENA_MAX = -8  # glibc's mallopt parameter
_WAIT_SLICE_SECONDS = 1.0
_WARM_UP_WAIT_SECONDS = 60.0


class Runner(Protocol):
    """Runs one claimed job to its verified episode, reporting through `sink`."""

    def run(self, job: ClaimedJob, workdir: Path, sink: ProgressSink) -> FinishedEpisode:
        """Produce the episode (raises like `produce_episode`)."""
        ...

    def stop(self) -> None:
        """Ask a running job to stop at its next segment, and release resources."""
        ...

    def warm_up(self) -> None:
        """Get ready for the first job (load the voice) without waiting for it."""
        ...


class RowSink:
    """Writes a running job's progress to its row; stops it on shutdown (`stopping` is set) or once the row says
    it is no longer processing (cancelled). Used in the server and in the worker process alike."""

    def __init__(self, db: Database, job_id: str, stopping: Any, on_report: Callable[[], None] | None = None) -> None:
        self.db, self.job_id, self.stopping = db, job_id, stopping
        self.on_report = on_report or (lambda: None)

    def report(self, percent: int, step: str) -> None:
        """Progress and step; also a sign of life."""
        self.on_report()
        jobs.report_progress(self.db, self.job_id, percent, step)

    def script_written(self, target_words: int, script_words: int, notices: list[str]) -> None:
        """Target and actual length of the script, and its notices."""
        jobs.record_script(self.db, self.job_id, target_words, script_words, notices)

    def segments_voiced(self, total: int, cached: int) -> None:
        """Segments in all and from the cache."""
        jobs.record_segments(self.db, self.job_id, total, cached)

    def should_stop(self) -> bool:
        """Shutdown or cancel."""
        return bool(self.stopping.is_set()) or queries.status_of(self.db, self.job_id) != JobStatus.PROCESSING


class InlineRunner:
    """Runs the steps in the calling thread with the given providers."""

    def __init__(self, providers: Providers, mix: MixSettings) -> None:
        self.providers, self.mix = providers, mix
        self._warming: threading.Thread | None = None

    def run(self, job: ClaimedJob, workdir: Path, sink: ProgressSink) -> FinishedEpisode:
        """Produce the episode here."""
        return produce_episode(job, self.providers, self.mix, workdir, sink)

    def warm_up(self) -> None:
        """Load the voices in a background thread; the first job waits for them only if it comes first."""
        self._warming = threading.Thread(target=_warm_up_cast, args=(self.providers,), name="voice-warm-up",
                                         daemon=True)
        self._warming.start()

    def stop(self) -> None:
        """Wait for a model still loading: onnxruntime aborts the process if it exits halfway through a load.
        A running job needs nothing: the sink's `should_stop` already stops it."""
        if self._warming is not None:
            self._warming.join(timeout=_WARM_UP_WAIT_SECONDS)


class _StopFlag:
    """The worker's stop signal: a byte in memory shared with it. A multiprocessing Event would do, but its five
    semaphores outlive every server as "leaked semaphore objects" in the log."""

    def __init__(self, context: Any) -> None:
        self._value = context.RawValue("b", 0)

    def set(self) -> None:
        """Tell the worker to stop."""
        self._value.value = 1

    def is_set(self) -> bool:
        """Whether it has been told to stop."""
        return bool(self._value.value)


class ProcessRunner:
    """Runs the steps in one long-lived worker process that builds its own providers from the settings."""

    def __init__(self, settings: Any, on_alive: Any = None) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork: the parent has threads and an event loop
        self._stopping = _StopFlag(self._context)
        self._settings = settings
        self._on_alive = on_alive or (lambda: None)
        self._pool: ProcessPoolExecutor | None = None

    def warm_up(self) -> None:
        """Start the worker now, loading the voice in the background, so the first job does not wait for it."""
        self._get_pool().submit(_warm_up)

    def run(self, job: ClaimedJob, workdir: Path, sink: ProgressSink) -> FinishedEpisode:
        """Produce the episode in the worker; the parent waits, beating while the worker is alive."""
        future = self._get_pool().submit(_run_in_worker, job, str(workdir))
        while True:
            try:
                return future.result(timeout=_WAIT_SLICE_SECONDS)
            except TimeoutError:
                self._on_alive()
            except BrokenProcessPool:
                self._pool = None
                raise

    def stop(self) -> None:
        """Signal the worker to stop at its next segment, then wait for it to exit."""
        self._stopping.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=self._context, initializer=_init_worker,
                                             initargs=(self._settings, self._stopping))
        return self._pool


# --- in the worker process -------------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(settings: Any, stopping: Any) -> None:
    _prepare_process()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s[worker]: %(message)s")
    from pipeline.providers import build_providers, mix_settings
    from store.db import Database

    _worker.update(settings=settings, stopping=stopping, providers=build_providers(settings),
                   db=Database(settings.effective_database_url), mix=mix_settings(settings))


def _prepare_process() -> None:
    """Low priority, one malloc heap (set before any thread of ours allocates: a thread that has taken a heap of
    its own keeps it), and death with the parent."""
    # Ctrl-C in a terminal reaches the whole process group: the worker would die mid-job with a traceback.
    # The server stops it instead, after the current segment, and re-queues the job.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _one_malloc_arena()
    with contextlib.suppress(OSError):
        os.nice(_WORKER_NICENESS)
    _die_with_parent()


def _die_with_parent() -> None:
    """A worker outliving a killed server would keep writing to a job the next server has taken over."""
    parent = os.getppid()
    with contextlib.suppress(Exception):  # Linux: the kernel kills us the moment the parent dies
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:  # elsewhere: notice being orphaned within a second
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _one_malloc_arena() -> None:
    """Every thread of the worker allocates from one heap. glibc gives each thread that allocates at once an
    arena of its own, and the engines run in whichever voice thread is free, so each arena kept the high-water
    mark of a whole Piper pass (about 150 MB of tensors) for good: the worker's peak was 80 MB higher. The
    threads spend their time inside onnxruntime, not in malloc, so sharing one costs no measurable speed."""
    with contextlib.suppress(Exception):  # glibc only; elsewhere the default stands
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1)


def _return_free_memory() -> None:
    """Give the heap's free pages back to the system. The engines' passes leave 150-200 MB free but held, and a
    worker waits for its next job far longer than it works."""
    with contextlib.suppress(Exception):  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _warm_up_cast(providers: Providers) -> None:
    started = time.monotonic()
    try:
        providers.cast_for(None).warm_up()
    except NotecastError as exc:  # the first job will fail with the same message; nothing to crash over here
        log.warning("the default voices could not be loaded: %s", exc.message)
        return
    log.info("voices loaded in %.1f s", time.monotonic() - started)


def _warm_up() -> None:
    _warm_up_cast(_worker["providers"])
    _return_free_memory()  # what loading left behind: the phonemizer's own tagger, the files' text


def _run_in_worker(job: ClaimedJob, workdir: str) -> FinishedEpisode:
    sink = RowSink(_worker["db"], job.job_id, _worker["stopping"])
    try:
        return produce_episode(job, _worker["providers"], _worker["mix"], Path(workdir), sink)
    finally:
        _return_free_memory()
