"""Sends the queued webhooks (see store.deliveries) from every replica: each polls for due deliveries, claims one
attempt at a time in the database (so exactly one replica sends it), and records what came back.

Retries back off exponentially (1 s, 2 s, 4 s ... capped at an hour, with jitter) for up to 24 hours after the
event; a 2xx answer ends them, a 410 Gone stops them. The body is fixed at the first attempt, so every retry of
one webhook-id carries the same event; each attempt is signed with its own timestamp.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from errors import InputError
from pipeline.metrics import Metrics
from pipeline.webhooks import guard, sender
from store import deliveries
from store.db import Database
from store.deliveries import Attempt, Delivery
from store.models import DeliveryState
from store.records import iso_utc, utcnow

log = logging.getLogger(__name__)

# The job as the API shows it (None when it no longer exists); given by the API layer at start-up.
Describe = Callable[[str], dict[str, Any] | None]
_ATTEMPT_SECONDS = 30.0  # an attempt's whole budget: lookup, connect and answer (a trickling receiver included)
_LEASE = timedelta(seconds=90)  # well past an attempt's budget, so no other replica sends while one is sending
_IN_FLIGHT = 20


@dataclass(frozen=True)
class DispatchSettings:
    """The signing secret, whether private targets are allowed, and the timing."""

    secret: str
    allow_private: bool = False
    every: float = 0.25  # seconds between polls for due deliveries
    first_retry: float = 1.0  # seconds; doubled after each failed attempt
    longest_wait: float = 3600.0


class WebhookDispatcher:
    """Delivers webhooks on this event loop until stopped."""

    def __init__(self, db: Database, settings: DispatchSettings, metrics: Metrics | None = None,
                 resolve: guard.Resolver = guard.system_resolver, trusted: ssl.SSLContext | None = None) -> None:
        self.db, self.settings, self.metrics, self.resolve, self.trusted = db, settings, metrics, resolve, trusted
        self._describe: Describe = lambda job_id: None
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._flying: set[str] = set()
        self._attempts: set[asyncio.Task[None]] = set()

    def start(self, describe: Describe) -> None:
        """Begin polling on the running loop; `describe` gives each event's job."""
        self._describe = describe
        if self._task is None:
            self._client = sender.new_client(self.trusted)
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop polling and let the attempts in flight finish (one cut short is retried after its lease)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._attempts:
            await asyncio.wait(self._attempts, timeout=_ATTEMPT_SECONDS)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _run(self) -> None:
        while True:
            try:
                assert self._client is not None
                await self.dispatch_due(self._client)
            except Exception:  # a database hiccup must not end delivery for good
                log.exception("webhook dispatch failed; trying again")
            await asyncio.sleep(self.settings.every)

    async def dispatch_due(self, client: httpx.AsyncClient) -> None:
        """Start an attempt for each due delivery this replica can claim."""
        for delivery_id in await asyncio.to_thread(deliveries.due, self.db):
            if delivery_id in self._flying or len(self._flying) >= _IN_FLIGHT:
                continue
            claimed = await asyncio.to_thread(deliveries.claim, self.db, delivery_id, _LEASE)
            if claimed is None:
                continue  # another replica took it
            self._flying.add(delivery_id)
            task = asyncio.get_running_loop().create_task(self._attempt(client, claimed))
            self._attempts.add(task)
            task.add_done_callback(self._attempts.discard)

    async def _attempt(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        try:
            try:
                body = delivery.payload
                if body is None:
                    made = await asyncio.to_thread(self._payload, delivery)
                    body = await asyncio.to_thread(deliveries.fix_payload, self.db, delivery.delivery_id, made)
                attempt = await asyncio.wait_for(self._send(client, delivery, body), _ATTEMPT_SECONDS)
            except TimeoutError:
                attempt = Attempt(utcnow(), None, f"no answer within {_ATTEMPT_SECONDS:g} s", 0)
            except Exception:  # recorded like any failed attempt, so the backoff and the 24 h limit still apply
                log.exception("webhook %s: the attempt failed unexpectedly", delivery.delivery_id)
                attempt = Attempt(utcnow(), None, "failed inside Notecast (see its log)", 0)
            await asyncio.to_thread(self._record, delivery, attempt)
        except Exception:
            log.exception("webhook %s: could not record the attempt", delivery.delivery_id)
        finally:
            self._flying.discard(delivery.delivery_id)

    async def _send(self, client: httpx.AsyncClient, delivery: Delivery, body: str) -> Attempt:
        try:
            target = guard.parse(delivery.url)
            addresses = await guard.checked_addresses(target, self.settings.allow_private, self.resolve)
        except InputError as refused:
            return Attempt(utcnow(), None, f"refused: the URL {refused.fields['callbackUrl']}", 0)
        attempt = Attempt(utcnow(), None, sender.CONNECT_FAILED, 0)
        for address in addresses:  # the next checked address when one cannot be reached
            attempt = await sender.send(client, target, address, delivery.delivery_id, body, self.settings.secret,
                                        keep_answer=guard.is_public(address))
            if attempt.error != sender.CONNECT_FAILED:
                break
        return attempt

    def _payload(self, delivery: Delivery) -> str:
        data = self._describe(delivery.job_id) or {"jobId": delivery.job_id,
                                                   "status": delivery.event.removeprefix("job.")}
        return json.dumps({"type": delivery.event, "timestamp": iso_utc(utcnow()),
                           "data": data}, ensure_ascii=False, separators=(",", ":"))

    def _record(self, delivery: Delivery, attempt: Attempt) -> None:
        code = attempt.status_code
        if code is not None and 200 <= code < 300:
            deliveries.record(self.db, delivery, attempt, DeliveryState.DELIVERED)
            self._count("delivered")
            return
        if code == 410:
            deliveries.record(self.db, delivery, attempt, DeliveryState.STOPPED)
            self._count("stopped")
            log.info("webhook %s: the receiver answered 410 Gone; no more attempts", delivery.delivery_id)
            return
        next_at = attempt.at + timedelta(seconds=self.wait_after(delivery.attempts + 1))
        if next_at > delivery.created_at + deliveries.RETRY_FOR:
            deliveries.record(self.db, delivery, attempt, DeliveryState.FAILED)
            self._count("gave_up")
            log.warning("webhook %s for job %s: gave up after %d attempts (%s)", delivery.delivery_id,
                        delivery.job_id, delivery.attempts + 1, attempt.error)
            return
        deliveries.record(self.db, delivery, attempt, DeliveryState.PENDING, next_at)
        self._count("refused" if attempt.error and attempt.error.startswith("refused:") else "retrying")

    def wait_after(self, attempts: int) -> float:
        """Seconds before the next attempt after `attempts` failed ones: doubling, capped, ±10 % jitter so
        retries of many webhooks to one receiver spread out."""
        wait = min(self.settings.first_retry * 2 ** (attempts - 1), self.settings.longest_wait)
        return float(wait * random.uniform(0.9, 1.1))

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.webhooks.labels(outcome).inc()

