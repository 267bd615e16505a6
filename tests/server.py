"""Runs the real service (`main.py`) as a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerURL(str):
    """The base URL of a running server, carrying the server's process."""

    process: subprocess.Popen[bytes]


@contextmanager
def running_server(data_dir: Path, cwd: Path | None = None, **env: str) -> Iterator[ServerURL]:
    """Start Notecast in `cwd` (default: beside the data dir); yield its base URL (with `.process`); stop it with
    SIGTERM. Its log goes beside the data dir."""
    port = free_port()
    base = ServerURL(f"http://127.0.0.1:{port}")
    environment = {**os.environ, "NOTECAST_DATA_DIR": str(data_dir), "HOST": "127.0.0.1", "PORT": str(port),
                   "PUBLIC_BASE_URL": base, **env}
    log_path = data_dir.parent / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=cwd or data_dir.parent, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            def answer() -> int:
                if process.poll() is not None:
                    raise AssertionError(f"server exited early:\n{log_path.read_text()[-3000:]}")
                try:
                    return httpx.get(f"{base}/healthz", timeout=1).status_code
                except httpx.TransportError:
                    return 0

            wait_until(answer, lambda status: status == 200, timeout=60, every=0.2)
            base.process = process
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def job_at(base: str, job_id: str, **headers: str) -> dict[str, Any]:
    """The job as a running server's API shows it."""
    return dict(httpx.get(f"{base}/api/podcast/jobs/{job_id}", headers=headers, timeout=10).json()["job"])


def wait_for_job_at(base: str, job_id: str, until: Callable[[dict[str, Any]], bool] | None = None,
                    timeout: float = 180) -> dict[str, Any]:
    """The job on a running server once `until(job)` holds (by default: once it has finished)."""
    done = until or (lambda job: job["status"] in ("completed", "failed", "cancelled"))
    return wait_until(lambda: job_at(base, job_id), done, timeout, every=0.1)
