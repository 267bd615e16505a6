"""Shared parts of the benchmarks: start servers on free loopback ports, drive load, print tables."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the benchmarks share the tests' sample notes and helpers

from tests.server import free_port  # noqa: E402

WRK = shutil.which("wrk")


@dataclass
class Server:
    """A started server process and its base URL."""

    url: str
    process: subprocess.Popen[bytes]
    started_in: float
    data_dir: Path | None = None


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise RuntimeError("server did not become ready")


@contextmanager
def notecast(**env: str) -> Iterator[Server]:
    """Notecast (main.py) on a free port with a fresh data dir; `started_in` is process start → first /healthz 200."""
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="notecast-bench-"))
    environment = {**os.environ, "NOTECAST_DATA_DIR": str(data / "data"), "HOST": "127.0.0.1", "PORT": str(port),
                   "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "MAX_QUEUE": "1000000",
                   "MAX_QUEUED_PER_USER": "1000000", **env}
    log = open(data / "server.log", "wb")  # noqa: SIM115  (closed below)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=environment, cwd=data, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        _wait_ready(f"http://127.0.0.1:{port}/healthz", process)
        yield Server(f"http://127.0.0.1:{port}", process, time.monotonic() - started, data / "data")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def reference(body: bytes) -> Iterator[Server]:
    """The bare FastAPI app answering `body` at /ref."""
    port = free_port()
    body_file = Path(tempfile.mkstemp(suffix=".json")[1])
    body_file.write_bytes(body)
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "reference_app.py"), str(port),
                                str(body_file)])
    try:
        started_in = _wait_ready(f"http://127.0.0.1:{port}/ref", process)
        yield Server(f"http://127.0.0.1:{port}", process, started_in)
    finally:
        process.terminate()
        process.wait(timeout=30)
        body_file.unlink(missing_ok=True)


@dataclass
class LoadResult:
    """What one load run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    completed: int
    non_2xx: int


def _ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if found is None:
        return float("nan")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[found.group(2)]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None, threads: int = 2) -> LoadResult:
    """Run wrk and parse its summary (needs Debian's `wrk`: apt-get install wrk)."""
    if WRK is None:
        raise SystemExit("wrk is not installed: run `apt-get install wrk` (Debian) and try again")
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    completed = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return LoadResult(rps, p50, p99, completed, int(non_2xx.group(1)) if non_2xx else 0)


def poller_script(every_ms: int) -> Path:
    """wrk as pollers: each connection waits `every_ms` between requests, like a client polling a job."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(f"function delay()\n  return {every_ms}\nend\n")
    return script


def median(values: list[float]) -> float:
    """Median of a few runs (the machine is shared, so single runs are noisy)."""
    return statistics.median(values)


def table(rows: list[tuple[str, str, str, str, str, bool]]) -> None:
    """Print figure, reference, ratio, target, pass/fail."""
    header = ("figure", "measured", "reference", "ratio", "target", "result")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
    print("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 6], strict=False)))
    for row in rows:
        cells = [str(c).ljust(w) for c, w in zip(row[:5], widths, strict=False)]
        print("  ".join([*cells, "PASS" if row[5] else "MISS"]))
