"""P1-P3: status reads and enqueues against a bare FastAPI ceiling, and status latency while a job generates.

Usage: python bench/api_throughput.py [--seconds 10] [--runs 3]      (needs `wrk`: apt-get install wrk)
Each ratio is the median of alternating runs of Notecast and the reference, same client and concurrency.
P1/P2 saturate the server with 20 connections; P3 models 50 clients each polling every 100 ms (a stricter
version of the seed's 3 s polling) and compares status p99 while a medium episode generates with p99 idle.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import httpx
from harness import LoadResult, median, notecast, poller_script, reference, table, wrk

NOTE = (Path(__file__).parent / "medium_note.md").read_text()
SHORT = {"noteId": "bench", "noteContent": "A short note for the benchmark. It has two sentences.",
         "userId": "bench-user", "duration": "short"}


def _post_script(body: dict[str, object]) -> Path:
    """A wrk script posting `body`, each request from a different user (as many users would)."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    before, after = json.dumps(body).split('"bench-user"')
    script.write_text('local n = 0\n'
                      'request = function()\n'
                      '  n = n + 1\n'
                      f'  local body = {json.dumps(before)} .. \'"user-\' .. math.random(1, 1000000000) .. n .. \'"\' '
                      f'.. {json.dumps(after)}\n'
                      '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)\n'
                      'end\n')
    return script


def _finished_job(base: str, body: dict[str, object]) -> str:
    job_id = httpx.post(f"{base}/api/podcast/generate/async", json=body).json()["jobId"]
    while httpx.get(f"{base}/api/podcast/jobs/{job_id}").json()["job"]["status"] not in ("completed", "failed"):
        time.sleep(0.2)
    return str(job_id)


def status_reads(seconds: int, runs: int) -> tuple[float, float, float]:
    """P1: req/s of GET /api/podcast/jobs/{id} over req/s of the constant-body reference."""
    ours: list[float] = []
    theirs: list[float] = []
    with notecast() as server:
        job_id = _finished_job(server.url, SHORT)
        body = httpx.get(f"{server.url}/api/podcast/jobs/{job_id}").content
        with reference(body) as ref:
            for _ in range(runs):
                ours.append(wrk(f"{server.url}/api/podcast/jobs/{job_id}", seconds, 20).requests_per_second)
                theirs.append(wrk(f"{ref.url}/ref", seconds, 20).requests_per_second)
    return median(ours), median(theirs), len(body)


def enqueues(seconds: int, runs: int) -> tuple[float, float, bool]:
    """P2: req/s of POST /generate/async over the reference; then every 202 must have its row."""
    ours: list[float] = []
    theirs: list[float] = []
    accepted_total = 0
    script = _post_script(SHORT)
    reply = json.dumps({"success": True, "jobId": "job_1766646278_" + "0" * 24, "status": "queued",
                        "message": "Podcast generation started. Use the jobId to check status."}).encode()
    with notecast(RUN_WORKER="false") as server, reference(reply) as ref:
        for _ in range(runs):
            result: LoadResult = wrk(f"{server.url}/api/podcast/generate/async", seconds, 20, script)
            ours.append(result.requests_per_second)
            accepted_total += result.completed - result.non_2xx
            theirs.append(wrk(f"{ref.url}/ref", seconds, 20, script).requests_per_second)
        assert server.data_dir is not None
        with sqlite3.connect(server.data_dir / "notecast.db") as db:
            rows = db.execute("SELECT count(*) FROM jobs").fetchone()[0]
    script.unlink()
    # wrk counts requests still in flight when it stops as incomplete; they may still have been stored
    return median(ours), median(theirs), rows >= accepted_total


def _listen(preview_url: str) -> None:
    try:
        with httpx.stream("GET", preview_url, timeout=60) as stream:
            for _ in stream.iter_bytes():
                pass
    except httpx.HTTPError:  # the server stops at the end of P3, while the job it listens to is still voiced
        pass


def latency_while_generating(seconds: int, poll_ms: int = 100) -> tuple[float, float]:
    """P3: status p99 for 50 pollers (each every `poll_ms`), idle and while a medium episode generates with a
    listener streaming its preview."""
    pollers = poller_script(poll_ms)
    with notecast() as server:
        job_id = _finished_job(server.url, SHORT)
        url = f"{server.url}/api/podcast/jobs/{job_id}"
        idle = wrk(url, seconds, 50, pollers).p99_ms
        busy_id = httpx.post(f"{server.url}/api/podcast/generate/async", json={
            "noteId": "medium", "noteContent": NOTE, "userId": "bench-user", "duration": "medium"}).json()["jobId"]
        while (busy_job := httpx.get(f"{server.url}/api/podcast/jobs/{busy_id}").json()["job"])["progress"] < 30:
            time.sleep(0.2)
        listener = threading.Thread(target=_listen, args=(busy_job["previewUrl"],), daemon=True)
        listener.start()  # someone listens to the episode while it is made, as the pollers poll
        busy = wrk(url, seconds, 50, pollers).p99_ms
        still = httpx.get(f"{server.url}/api/podcast/jobs/{busy_id}").json()["job"]["status"]
        if still != "processing":
            print(f"note: the medium job was {still} before the busy run ended; make --seconds shorter")
    pollers.unlink()
    return idle, busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    reads, reads_ref, size = status_reads(args.seconds, args.runs)
    posts, posts_ref, all_stored = enqueues(args.seconds, args.runs)
    idle_p99, busy_p99 = latency_while_generating(args.seconds)
    print(f"\nAPI benchmarks: {args.runs} alternating runs of {args.seconds} s, wrk, body {size} bytes\n")
    table([
        ("P1 status reads", f"{reads:.0f} req/s", f"{reads_ref:.0f} req/s", f"{reads / reads_ref:.2f}", ">= 0.5",
         reads / reads_ref >= 0.5),
        ("P2 enqueues", f"{posts:.0f} req/s", f"{posts_ref:.0f} req/s", f"{posts / posts_ref:.2f}", ">= 0.3",
         posts / posts_ref >= 0.3 and all_stored),
        ("P3 p99, 50 pollers, generating", f"{busy_p99:.1f} ms", f"{idle_p99:.1f} ms idle",
         f"{busy_p99 / idle_p99:.2f}", "< 50 ms, <= 2x", busy_p99 < 50 and busy_p99 <= 2 * idle_p99),
    ])
    print(f"\nevery 202 has its row: {'yes' if all_stored else 'NO'}")


if __name__ == "__main__":
    main()
