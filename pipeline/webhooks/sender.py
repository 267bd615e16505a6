"""One webhook attempt: the event signed per the Standard Webhooks spec and POSTed to an address the guard
checked, with the URL's host name kept for the Host header and TLS (so certificates are still verified against
the name), no redirects followed and no proxy from the environment."""

from __future__ import annotations

import ssl
import time
from datetime import datetime

import httpx
from standardwebhooks.webhooks import Webhook

from pipeline.webhooks.guard import Target
from settings import VERSION
from store.deliveries import Attempt
from store.records import utcnow

RESPONSE_CHARS_KEPT = 500
CONNECT_FAILED = "could not connect"
_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def new_client(trusted: ssl.SSLContext | None = None) -> httpx.AsyncClient:
    """The client every attempt goes through: redirects are answers, not instructions, and the environment's
    proxy settings are ignored (the connection goes to the checked address). Certificates are verified against
    the system's authorities, or `trusted` (a private CA)."""
    # No kept-alive connections: the pool keys them by address, so one verified for one name would be reused,
    # unverified, for another name on the same address.
    return httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=_TIMEOUT, verify=trusted or True,
                             limits=httpx.Limits(max_connections=50, max_keepalive_connections=0))


def signed_headers(secret: str, delivery_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers for `body` sent at `at`."""
    return {"webhook-id": delivery_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(delivery_id, at, body)}


async def send(client: httpx.AsyncClient, target: Target, address: str, delivery_id: str, body: str,
               secret: str, keep_answer: bool = True) -> Attempt:
    """POST `body` to `target` at `address`; what came back (never raises for the network's sake). The answer's
    first characters are kept only when `keep_answer` (not from a private address: they would show the caller
    what an inner service says)."""
    at = utcnow()
    headers = {"content-type": "application/json", "user-agent": f"Notecast-Webhooks/{VERSION}",
               "host": target.host_header, **signed_headers(secret, delivery_id, body, at)}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" and ":" not in target.host else {}
    request = client.build_request("POST", target.url_at(address), content=body.encode(), headers=headers,
                                   extensions=extensions)
    started = time.monotonic()
    try:
        response = await client.send(request, stream=True)
        try:
            kept = bytearray()
            async for chunk in response.aiter_raw():
                kept += chunk
                if len(kept) >= RESPONSE_CHARS_KEPT:
                    break
        finally:
            await response.aclose()
    except httpx.TimeoutException:
        return Attempt(at, None, "timed out", _since(started))
    except httpx.ConnectError:
        return Attempt(at, None, CONNECT_FAILED, _since(started))
    except httpx.HTTPError as exc:
        return Attempt(at, None, f"failed: {type(exc).__name__}", _since(started))
    text = bytes(kept[:RESPONSE_CHARS_KEPT]).decode(errors="replace")
    code = response.status_code
    error = (None if 200 <= code < 300 else
             f"answered {code} (redirects are not followed)" if 300 <= code < 400 else f"answered {code}")
    return Attempt(at, code, error, _since(started), (text or None) if keep_answer else None)


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
