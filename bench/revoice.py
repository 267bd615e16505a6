"""E1: editing one line of a finished medium episode (`PUT /api/podcast/{id}/script`) against making it in the
first place. The edit voices only the changed turn; the rest comes from the segment cache, then the episode is
mixed, mastered, stored and verified as usual.

Usage: python bench/revoice.py [--runs 3]
Each run starts a fresh Notecast (empty cache) on a free loopback port, with its real defaults (Piper + hibari).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx
from generation import MEDIUM_NOTE, run_job, wall_seconds
from harness import notecast, table

TARGET = 0.15


def wait(base: str, job_id: str) -> dict[str, Any]:
    while True:
        job = httpx.get(f"{base}/api/podcast/jobs/{job_id}", timeout=30).json()["job"]
        if job["status"] in ("completed", "failed", "cancelled"):
            if job["status"] != "completed":
                raise SystemExit(f"benchmark job {job['status']}: {job.get('error')}")
            return dict(job)
        time.sleep(0.2)


def one_run() -> tuple[float, float, int, int]:
    """(first run s, re-voice s, turns voiced by the edit, turns in the episode)."""
    with notecast() as server:
        first = run_job(server.url, MEDIUM_NOTE, "medium")
        podcast = first["podcastId"]
        read = httpx.get(f"{server.url}/api/podcast/{podcast}/script", timeout=30)
        script = read.json()["script"]
        middle = script["sections"][len(script["sections"]) // 2]["turns"][0]
        middle["text"] = "Here is a sentence nobody had voiced before this edit, said once."
        queued = httpx.put(f"{server.url}/api/podcast/{podcast}/script", json=script,
                           headers={"If-Match": read.headers["etag"]}, timeout=30)
        queued.raise_for_status()
        edit = wait(server.url, queued.json()["jobId"])
        return wall_seconds(first), wall_seconds(edit), edit["voicedTurns"], edit["segments"]["total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    first = statistics.median(run[0] for run in runs)
    again = statistics.median(run[1] for run in runs)
    voiced, total = runs[0][2], runs[0][3]
    print(f"medium note, {total} turns; the edit voiced {voiced} turn(s); median of {len(runs)} runs")
    for n, (made, edited, _, _) in enumerate(runs, 1):
        print(f"  run {n}: first {made:.2f} s, edit {edited:.2f} s ({edited / made:.3f}×)")
    table([("E1 re-voice one changed line", f"{again:.2f} s", f"first run {first:.2f} s",
            f"{again / first:.3f}×", f"≤ {TARGET}×", again / first <= TARGET)])


if __name__ == "__main__":
    main()
