"""L1-L2: listening while it generates. For a medium note on a fresh Notecast (real defaults: Piper + hibari):
the time from the job starting to the first playable preview bytes, against the whole job's time; and a
simulated listener who starts at the first audio and plays in real time: does the preview ever run out before
the voicing ends?

Usage: python bench/preview.py [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from datetime import datetime

import httpx
from generation import MEDIUM_NOTE, wall_seconds
from harness import notecast, table

from pipeline.audio.preview import PREVIEW_BYTES_PER_SECOND


def one_run() -> tuple[float, float, float]:
    """(seconds from the job's start to the first preview bytes, whole job seconds, the listener's smallest
    lead over the end of the preview in seconds: negative means it ran out)."""
    with notecast() as server:
        base = server.url
        job_id = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": "bench", "noteContent": MEDIUM_NOTE, "userId": "bench", "duration": "medium"},
            timeout=30).json()["jobId"]
        while "previewUrl" not in (job := httpx.get(f"{base}/api/podcast/jobs/{job_id}", timeout=30).json()["job"]):
            time.sleep(0.02)
        arrivals: list[tuple[float, int]] = []  # (wall clock, bytes so far)
        received = 0
        with httpx.stream("GET", job["previewUrl"], timeout=60) as stream:
            for chunk in stream.iter_bytes():
                received += len(chunk)
                arrivals.append((time.time(), received))
        while (job := httpx.get(f"{base}/api/podcast/jobs/{job_id}", timeout=30).json()["job"])["status"] not in (
                "completed", "failed"):
            time.sleep(0.2)
        started = datetime.fromisoformat(job["startedAt"].replace("Z", "+00:00")).timestamp()
        first = arrivals[0][0]
        # Just before each new piece arrives, the listener (playing since the first bytes) must still have audio.
        leads = [before_bytes / PREVIEW_BYTES_PER_SECOND - (arrived - first)
                 for (_, before_bytes), (arrived, _) in itertools.pairwise(arrivals)]
        return first - started, wall_seconds(job), min(leads, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    for n, (first, whole, lead) in enumerate(runs, 1):
        print(f"  run {n}: first audio {first:.2f} s of a {whole:.2f} s job; smallest lead {lead:.2f} s")
    first = statistics.median(run[0] for run in runs)
    whole = statistics.median(run[1] for run in runs)
    lead = min(run[2] for run in runs)
    table([("L1 time to first audio, medium note", f"{first:.2f} s", f"whole job {whole:.2f} s",
            f"{first / whole:.3f}", "≤ 10 s, ≤ 0.25", first <= 10 and first / whole <= 0.25),
           ("L2 real-time listener's smallest lead", f"{lead:.2f} s", "-", "-", "> 0 (never runs out)", lead > 0)])


if __name__ == "__main__":
    main()
