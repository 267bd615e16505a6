"""S1, S2: server-sent events with many listeners on one running job. A fresh Notecast (real defaults) voices a medium
note while N clients (default 1,000) listen to its events; a reader polls the job's row in the SQLite file every
10 ms to see when each change was written. For every listener: did it get the final event, how many of the
changes the reader saw did it get, and how long after the write each arrived (p99 over all listeners).
S2: while they listen, 50 pollers read the job's status every 100 ms for 10 s (P3's load): their p99. They add
their load to S1's; --no-pollers measures S1 alone.

Everything shares this machine's cores, and the 1,000 listeners' own work (reading and parsing every event)
competes with the server for them as it would not from other machines. --quiet-listeners runs the listeners
in a process at the lowest priority (nice 19), so they take only CPU time the server leaves idle: S2 then
approximates clients elsewhere (the listeners' own delays, S1, are then inflated by their wait and are not a
figure of the server).

Usage: python bench/events.py [--listeners 1000] [--no-pollers] [--quiet-listeners]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sqlite3
import statistics
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from generation import MEDIUM_NOTE
from harness import notecast, poller_script, table, wrk

Change = tuple[str, int, str]  # status, progress, step: one change (a progress value can repeat with a new step)


def _watch_row(database: str, job_id: str, seen: dict[Change, float], stop: threading.Event) -> None:
    """When each change was first in the database."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        while not stop.is_set():
            row = conn.execute("SELECT status, progress, current_step FROM jobs WHERE job_id = ?",
                               (job_id,)).fetchone()
            if row is not None:
                seen.setdefault((row[0], row[1], row[2]), time.time())
            time.sleep(0.01)


async def _listen(host: str, port: int, path: str, got: list[tuple[Change, float]]) -> None:
    """One listener on a bare asyncio connection: the request, then the chunked event stream, each `data:` line
    stamped as it arrives. (httpx costs several times the CPU per event, and the client shares two cores with
    the server and the job, so a heavy client would measure itself.)"""
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"chunked" in head.lower(), head[:200]
    pending = b""
    while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
        pending += (await reader.readexactly(size + 2))[:-2]
        *lines, pending = pending.split(b"\n")
        now = time.time()
        for line in lines:
            if line.startswith(b"data: "):
                data = json.loads(line[6:])
                got.append(((data["status"], data.get("progress", 100), data.get("currentStep", "")), now))
    writer.close()


def _poll_while_listening(base: str, job_id: str, p99: list[float]) -> None:
    """S2: once the job is a third done (every listener long connected), P3's pollers for 10 s."""
    url = f"{base}/api/podcast/jobs/{job_id}"
    while httpx.get(url, timeout=30).json()["job"]["progress"] < 30:
        time.sleep(0.5)
    pollers = poller_script(100)
    p99.append(wrk(url, 10, 50, pollers).p99_ms)
    pollers.unlink()


def _run_quietly(base: str, job_id: str, listeners: int, results: Any) -> None:
    os.nice(19)
    results.put(asyncio.run(_run(base, job_id, listeners)))


async def _run(base: str, job_id: str, listeners: int) -> list[list[tuple[Change, float]]]:
    where = urlsplit(base)
    assert where.hostname is not None and where.port is not None
    received: list[list[tuple[Change, float]]] = [[] for _ in range(listeners)]
    path = f"/api/podcast/jobs/{job_id}/events"
    await asyncio.gather(*(_listen(where.hostname, where.port, path, got) for got in received))
    return received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listeners", type=int, default=1000)
    parser.add_argument("--no-pollers", action="store_true", help="S1 alone, without S2's status reads")
    parser.add_argument("--quiet-listeners", action="store_true",
                        help="the listeners at the lowest CPU priority, as if on other machines (for S2)")
    arguments = parser.parse_args()
    listeners = arguments.listeners
    # every listener holds a connection, and the server answers 503 past MAX_CONNECTIONS; all of them come from
    # this one address, which may hold MAX_STREAMS_PER_CLIENT streams
    with notecast(MAX_CONNECTIONS=str(listeners + 200), MAX_STREAMS_PER_CLIENT=str(listeners + 10)) as server:
        assert server.data_dir is not None
        job_id = httpx.post(f"{server.url}/api/podcast/generate/async", json={
            "noteId": "bench", "noteContent": MEDIUM_NOTE, "userId": "bench", "duration": "medium"},
            timeout=30).json()["jobId"]
        written: dict[Change, float] = {}
        stop = threading.Event()
        reader = threading.Thread(target=_watch_row, args=(str(server.data_dir / "notecast.db"), job_id, written,
                                                           stop), daemon=True)
        reader.start()
        polled: list[float] = []
        poller = threading.Thread(target=_poll_while_listening, args=(server.url, job_id, polled), daemon=True)
        if not arguments.no_pollers:
            poller.start()
        if arguments.quiet_listeners:
            results: Any = multiprocessing.Queue()
            quiet = multiprocessing.Process(target=_run_quietly, args=(server.url, job_id, listeners, results))
            quiet.start()
            received = results.get()
            quiet.join()
        else:
            received = asyncio.run(_run(server.url, job_id, listeners))
        if not arguments.no_pollers:
            poller.join()
        stop.set()
    finished = sum(1 for got in received if got and got[-1][0][0] == "completed")
    changes = {key for key in written if key[0] == "processing"}
    coverage = [len({change for change, _ in got if change[0] == "processing"} & changes) / max(1, len(changes))
                for got in received]
    # only changes the 10 ms reader saw (two within 10 ms show as the second), each against its own write
    delays = sorted(at - written[change] for got in received for change, at in got
                    if change in written and at >= written[change])
    p99 = delays[int(len(delays) * 0.99) - 1] if delays else float("nan")
    print(f"{listeners} listeners; {len(changes)} changes written while processing; "
          f"each listener got {statistics.mean(coverage):.0%} of them on average (min {min(coverage):.0%}); "
          f"delay median {statistics.median(delays) * 1000:.0f} ms, p90 {delays[int(len(delays) * 0.9)] * 1000:.0f} ms")
    rows = [("S1 listeners that got the final event", f"{finished}/{listeners}", "-", "-", "all",
             finished == listeners),
            ("S1 delay write → listener, p99", f"{p99 * 1000:.0f} ms", "-", "-", "< 1 s", p99 < 1)]
    if polled:
        how = " (quiet)" if arguments.quiet_listeners else ""
        rows.append((f"S2 status p99, 50 pollers, while {listeners} listen{how}", f"{polled[0]:.1f} ms", "-", "-",
                     "< 50 ms (P3)", polled[0] < 50))
    table(rows)


if __name__ == "__main__":
    main()
