"""Correctness under concurrency (not timing): many pollers during a running job all get valid, monotonic
answers, and nothing errors."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import httpx

from api.schemas import JobResponse
from tests.server import running_server, wait_for_job_at
from tests.test_reliability import LONG_NOTE


def test_200_concurrent_status_reads_during_a_job_are_valid_and_monotonic(tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as base:
        job_id = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": "n", "noteContent": LONG_NOTE, "userId": "u"}).json()["jobId"]
        wait_for_job_at(base, job_id, lambda job: job["progress"] >= 30, timeout=60)

        async def waves() -> list[list[httpx.Response]]:
            async with httpx.AsyncClient(base_url=base, timeout=30,
                                         limits=httpx.Limits(max_connections=50)) as client:
                rounds = []
                for _ in range(10):
                    rounds.append(await asyncio.gather(*(client.get(f"/api/podcast/jobs/{job_id}")
                                                         for _ in range(20))))
                    await asyncio.sleep(0.15)
                return rounds

        rounds = asyncio.run(waves())
        progress_by_round = []
        for responses in rounds:
            assert all(r.status_code == 200 for r in responses)
            jobs = [JobResponse.model_validate(r.json()).job for r in responses]
            assert all(job.jobId == job_id and 0 <= job.progress <= 100 for job in jobs)
            progress_by_round.append([job.progress for job in jobs])
        assert sum(len(r) for r in rounds) == 200
        for earlier, later in itertools.pairwise(progress_by_round):
            assert min(later) >= max(earlier), (earlier, later)
        assert progress_by_round[-1][0] > progress_by_round[0][0], "the job advanced while it was polled"
