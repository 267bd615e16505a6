"""W1, W2: webhook delivery from a fresh Notecast (real defaults) to a receiver on this machine.

W1: three brief episodes, each with a callbackUrl: how long after the job's completion (its completedAt) the
    signed `job.completed` webhook arrived.
W2: the receiver is down when the job completes and stays down for a minute; it comes back, and the webhook
    must arrive soon after, once (the receiver keeps listening 30 s more for duplicates).

Usage: python bench/webhooks.py [--down-seconds 60]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime

import httpx
from harness import notecast, table
from standardwebhooks.webhooks import Webhook

from tests.notes import SHORT_NOTE
from tests.webhook_receiver import Receiver

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def _queue(base: str, callback: str) -> str:
    answer = httpx.post(f"{base}/api/podcast/generate/async", json={
        "noteId": "bench", "noteContent": SHORT_NOTE, "userId": "bench", "format": "brief",
        "callbackUrl": callback}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["jobId"])


def _completed(base: str, job_id: str) -> dict[str, object]:
    while True:
        job = httpx.get(f"{base}/api/podcast/jobs/{job_id}", timeout=30).json()["job"]
        if job["status"] in ("completed", "failed", "cancelled"):
            assert job["status"] == "completed", job
            return dict(job)
        time.sleep(0.2)


def _wait_for(receiver: Receiver, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.received) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--down-seconds", type=float, default=60)
    down_for = parser.parse_args().down_seconds
    receiver = Receiver()
    with notecast(WEBHOOK_ALLOW_PRIVATE="true", WEBHOOK_SECRET=SECRET) as server:
        delays = []
        for _ in range(3):
            before = len(receiver.received)
            job = _completed(server.url, _queue(server.url, receiver.url))
            _wait_for(receiver, before + 1, 30)
            request = receiver.received[-1]
            event = Webhook(SECRET).verify(request.body, request.headers)
            assert event["type"] == "job.completed" and event["data"]["jobId"] == job["jobId"]
            delays.append(request.at - _seconds(str(job["completedAt"])))
        receiver.down()
        job_id = _queue(server.url, receiver.url)
        job = _completed(server.url, job_id)
        time.sleep(max(0.0, _seconds(str(job["completedAt"])) + down_for - time.time()))
        before = len(receiver.received)
        receiver.up()
        back = time.time()
        _wait_for(receiver, before + 1, 3600)
        arrived = receiver.received[-1].at
        time.sleep(30)
        mine = [request for request in receiver.received[before:]
                if json.loads(request.body)["data"]["jobId"] == job_id]
        attempts = httpx.get(f"{server.url}/api/podcast/jobs/{job_id}/deliveries", timeout=30).json()
    receiver.down()
    [delivery] = attempts["deliveries"]
    print(f"W1 delays: {', '.join(f'{delay * 1000:.0f} ms' for delay in delays)}")
    outcomes = ", ".join(str(attempt.get("error") or attempt.get("statusCode")) for attempt in delivery["history"])
    print(f"W2: {delivery['attempts']} attempts ({outcomes})")
    table([("W1 completion → webhook received, worst of 3", f"{max(delays) * 1000:.0f} ms", "-", "-", "< 1 s",
            max(delays) < 1),
           (f"W2 receiver back after {down_for:.0f} s down → received", f"{arrived - back:.1f} s", "-", "-",
            "after it is back", arrived >= back),
           ("W2 times the event was received", str(len(mine)), "-", "-", "1", len(mine) == 1)])


if __name__ == "__main__":
    main()
