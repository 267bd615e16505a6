"""Runs the real service (`main.py`) as a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

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
def running_server(data_dir: Path, **env: str) -> Iterator[ServerURL]:
    """Start Notecast; yield its base URL (with `.process`); stop it with SIGTERM."""
    port = free_port()
    base = ServerURL(f"http://127.0.0.1:{port}")
    environment = {**os.environ, "NOTECAST_DATA_DIR": str(data_dir), "HOST": "127.0.0.1", "PORT": str(port),
                   "PUBLIC_BASE_URL": base, **env}
    log_path = data_dir.parent / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=data_dir.parent, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"server exited early:\n{log_path.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("server did not start within 60 s")
                time.sleep(0.2)
            base.process = process
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
