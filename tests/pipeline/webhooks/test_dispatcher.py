"""Delivering webhooks: signed as the Standard Webhooks reference verifier expects, retried with backoff, stopped
by a 410, never following redirects, surviving a restart, and sent once per event with several replicas."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook

from pipeline.metrics import Metrics
from pipeline.webhooks.dispatcher import DispatchSettings, WebhookDispatcher
from store import deliveries, job_creation, jobs
from store.db import Database
from store.deliveries import Delivery
from store.models import DeliveryState, deliveries_table
from store.records import NewJob, utcnow
from tests.waiting import wait_until_async
from tests.webhook_receiver import Receiver, receiving

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FAST = DispatchSettings(SECRET, allow_private=True, every=0.02, first_retry=0.05)


def finished_job(db: Database, url: str | None, how: str = "fail") -> str:
    """A job with `url` as its callback, then failed or cancelled: its webhook is queued."""
    created = job_creation.create(db, NewJob(user_id="u1", note_id="n1", note_content="A note.", duration="short",
                                             callback_url=url))
    job_id = created.record.job_id
    if how == "fail":
        assert jobs.fail(db, job_id, "The voice failed")
    else:
        jobs.cancel(db, job_id)
    return job_id


def describe(job_id: str) -> dict[str, Any]:
    return {"jobId": job_id, "status": "failed", "error": "The voice failed"}


@asynccontextmanager
async def dispatching(db: Database, settings: DispatchSettings = FAST, **options: Any
                      ) -> AsyncIterator[WebhookDispatcher]:
    dispatcher = WebhookDispatcher(db, settings, **options)
    dispatcher.start(describe)
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()


async def delivery_of(db: Database, job_id: str, until: Callable[[Delivery], bool], timeout: float = 20
                      ) -> Delivery:
    [delivery] = await wait_until_async(lambda: asyncio.to_thread(deliveries.of_job, db, job_id),
                                        lambda found: len(found) == 1 and until(found[0]), timeout)
    return delivery


def delivered(delivery: Delivery) -> bool:
    return delivery.state == "delivered"


async def test_a_finished_job_is_delivered_signed_for_the_reference_verifier(db: Database) -> None:
    metrics = Metrics(db)
    with receiving() as receiver:
        job_id = finished_job(db, receiver.url)
        async with dispatching(db, metrics=metrics):
            delivery = await delivery_of(db, job_id, delivered)
    [request] = receiver.received
    assert request.path == "/hooks/notecast?token=secret"
    event = Webhook(SECRET).verify(request.body, request.headers)
    assert event["type"] == "job.failed" and event["data"] == describe(job_id)
    assert request.headers["webhook-id"] == delivery.delivery_id and request.headers["content-type"] == (
        "application/json")
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)
    assert delivery.attempts == 1 and delivery.last_status_code == 200
    assert delivery.last_response is None, "what a private address answered is not shown to the caller"
    assert metrics.webhooks.labels("delivered")._value.get() == 1


async def test_failures_are_retried_with_the_same_id_and_body_until_a_2xx(db: Database) -> None:
    with receiving() as receiver:
        receiver.statuses = [500, 503]
        job_id = finished_job(db, receiver.url, how="cancel")
        async with dispatching(db):
            delivery = await delivery_of(db, job_id, delivered)
    assert [entry["statusCode"] for entry in delivery.history] == [500, 503, 200]
    assert delivery.history[0]["error"] == "answered 500"
    assert len(set(receiver.ids())) == 1 and len({request.body for request in receiver.received}) == 1
    for request in receiver.received:  # each attempt is signed with its own timestamp, and verifies
        assert Webhook(SECRET).verify(request.body, request.headers)["type"] == "job.cancelled"


async def test_410_gone_stops_the_retries(db: Database) -> None:
    with receiving() as receiver:
        receiver.statuses = [410]
        job_id = finished_job(db, receiver.url)
        async with dispatching(db):
            delivery = await delivery_of(db, job_id, lambda found: found.state == "stopped")
            await asyncio.sleep(0.3)  # several retry intervals: nothing more may be sent
    assert len(receiver.received) == 1 and delivery.attempts == 1 and delivery.finished_at is not None


async def test_a_redirect_is_an_answer_not_an_instruction(db: Database) -> None:
    with receiving() as receiver:
        receiver.statuses = [307]
        job_id = finished_job(db, receiver.url)
        async with dispatching(db):
            delivery = await delivery_of(db, job_id, delivered)
    assert [request.path for request in receiver.received] == ["/hooks/notecast?token=secret"] * 2
    assert delivery.history[0]["error"] == "answered 307 (redirects are not followed)"


async def test_a_delivery_survives_a_restart_while_the_receiver_is_down(db: Database) -> None:
    receiver = Receiver()
    receiver.down()
    job_id = finished_job(db, receiver.url)
    slow = DispatchSettings(SECRET, allow_private=True, every=0.02, first_retry=0.3)
    async with dispatching(db, slow):
        failed = await delivery_of(db, job_id, lambda found: found.attempts >= 1)
    assert failed.state == "pending" and failed.last_error and "could not connect" in failed.last_error
    restarted = Database(db.engine.url.render_as_string(hide_password=False))
    receiver.up()
    try:
        async with dispatching(restarted, slow):
            delivery = await delivery_of(restarted, job_id, delivered)
    finally:
        receiver.down()
        restarted.dispose()
    assert receiver.ids() == [delivery.delivery_id] and delivery.attempts >= 2


async def test_several_replicas_send_each_event_once(db: Database) -> None:
    replicas = [Database(db.engine.url.render_as_string(hide_password=False)) for _ in range(3)]
    with receiving() as receiver:
        job_ids = [finished_job(db, receiver.url) for _ in range(30)]
        async with dispatching(replicas[0]), dispatching(replicas[1]), dispatching(replicas[2]):
            for job_id in job_ids:
                await delivery_of(db, job_id, delivered)
            await asyncio.sleep(0.2)
    for replica in replicas:
        replica.dispose()
    ids = receiver.ids()
    assert len(ids) == 30 and len(set(ids)) == 30


async def test_the_connection_goes_to_the_address_that_was_checked(db: Database) -> None:
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    with receiving() as receiver:
        job_id = finished_job(db, f"http://hooks.example.com:{receiver.port}/in")
        async with dispatching(db, resolve=resolver):
            await delivery_of(db, job_id, delivered)
    [request] = receiver.received
    assert request.headers["host"] == f"hooks.example.com:{receiver.port}" and request.path == "/in"
    assert lookups == ["hooks.example.com"], "one lookup per attempt, and the connection used its answer"


async def test_a_name_that_now_resolves_to_a_private_address_is_not_sent_to(db: Database) -> None:
    async def rebound(host: str, port: int) -> list[str]:
        return ["10.0.0.7"]

    with receiving() as receiver:
        job_id = finished_job(db, "https://hooks.example.com/in")
        strict = DispatchSettings(SECRET, every=0.02, first_retry=5)
        async with dispatching(db, strict, resolve=rebound):
            delivery = await delivery_of(db, job_id, lambda found: found.attempts == 1)
    assert not receiver.received and delivery.state == "pending"
    assert delivery.last_error == ("refused: the URL resolves to an address webhooks may not reach (one that is "
                                   "private or reserved)")


async def test_retries_end_after_24_hours(db: Database) -> None:
    receiver = Receiver()
    receiver.down()
    job_id = finished_job(db, receiver.url)
    with db.write() as conn:  # the event happened a day ago
        conn.execute(update(deliveries_table).values(created_at=utcnow() - timedelta(hours=24)))
    async with dispatching(db):
        delivery = await delivery_of(db, job_id, lambda found: found.state == "failed")
    assert delivery.attempts == 1 and delivery.finished_at is not None


def test_the_backoff_doubles_up_to_an_hour_with_jitter(db: Database) -> None:
    dispatcher = WebhookDispatcher(db, DispatchSettings(SECRET))
    waits = [dispatcher.wait_after(attempt) for attempt in range(1, 16)]
    assert 0.9 <= waits[0] <= 1.1 and 1.8 <= waits[1] <= 2.2 and 460 <= waits[9] <= 564
    assert all(3240 <= wait <= 3960 for wait in waits[12:])


def test_only_finished_jobs_with_a_callback_queue_a_webhook(db: Database) -> None:
    plain = finished_job(db, None)
    hooked = job_creation.create(db, NewJob(user_id="u1", note_id="n2", note_content="A note.", duration="short",
                                            callback_url="https://hooks.example.com/in")).record.job_id
    assert deliveries.of_job(db, plain) == [] and deliveries.of_job(db, hooked) == []  # queued: nothing yet
    jobs.cancel(db, hooked)
    [queued] = deliveries.of_job(db, hooked)
    assert (queued.event, queued.state, queued.attempts, queued.url) == (
        "job.cancelled", "pending", 0, "https://hooks.example.com/in")
    jobs.retry(db, hooked)
    assert jobs.fail(db, hooked, "again")
    assert [one.event for one in deliveries.of_job(db, hooked)] == ["job.cancelled", "job.failed"]
    assert json.dumps([one.delivery_id for one in deliveries.of_job(db, hooked)]).count("msg_") == 2


async def test_a_receiver_that_trickles_its_answer_is_cut_off_and_retried(db: Database,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.webhooks.dispatcher as dispatcher_module

    monkeypatch.setattr(dispatcher_module, "_ATTEMPT_SECONDS", 0.3)
    with receiving() as receiver:
        receiver.delays = [2.0]
        job_id = finished_job(db, receiver.url)
        async with dispatching(db):
            delivery = await delivery_of(db, job_id, delivered)
    assert delivery.history[0]["error"] == "no answer within 0.3 s" and delivery.history[-1]["statusCode"] == 200
    assert len(set(receiver.ids())) == 1


def test_an_attempt_that_outlived_its_lease_does_not_overwrite_a_later_one(db: Database) -> None:
    finished_job(db, "https://hooks.example.com/in")
    [delivery_id] = deliveries.due(db)
    first = deliveries.claim(db, delivery_id, timedelta(0))
    assert first is not None
    second = deliveries.claim(db, delivery_id, timedelta(minutes=1))  # the lease ran out: another replica's turn
    assert second is not None
    ok = deliveries.Attempt(utcnow(), 200, None, 5)
    deliveries.record(db, second, ok, DeliveryState.DELIVERED)
    late = deliveries.Attempt(utcnow(), 500, "answered 500", 40_000)
    deliveries.record(db, first, late, DeliveryState.PENDING, utcnow())
    stored = deliveries.get(db, delivery_id)
    assert stored is not None and stored.state == "delivered" and stored.attempts == 1
    assert [entry["statusCode"] for entry in stored.history] == [200]


def _tls_pair(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A receiver's TLS context with a certificate for `name` from a throwaway CA, and a client context that
    trusts that CA (and nothing else)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: ec.EllipticCurvePrivateKey,
                    ca: bool) -> x509.Certificate:
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                   .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Test CA", ca_key, "Test CA", ca_key, ca=True)
    leaf = certificate(name, key, "Test CA", ca_key, ca=False)
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


@pytest.mark.parametrize("certified", ["hooks.example.com", "other.example.com"])
async def test_https_goes_to_the_checked_address_with_the_name_for_tls(db: Database, tmp_path: Path,
                                                                       certified: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    server, client = _tls_pair(tmp_path, certified)
    with receiving(tls=server) as receiver:
        job_id = finished_job(db, f"https://hooks.example.com:{receiver.port}/in")
        async with dispatching(db, resolve=resolver, trusted=client):
            delivery = await delivery_of(db, job_id, lambda found: found.attempts >= 1)
    assert receiver.server_names[:1] == ["hooks.example.com"], "the name went out as SNI, not the address"
    if certified == "hooks.example.com":
        assert delivery.state == "delivered" and receiver.received[0].headers["host"].startswith("hooks.example.com")
    else:  # a certificate for another name is not accepted, though it came from the right address
        assert delivery.state == "pending" and delivery.last_error == "could not connect" and not receiver.received
