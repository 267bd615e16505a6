"""Connection-level limits that uvicorn's fast HTTP parser (httptools) does not enforce itself: its parser
buffers a request's line and headers without bound, so a client could send megabytes of headers. This protocol
refuses a request whose head grows past `MAX_HEAD_BYTES` with 431 and closes the connection."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from errors import QueueFullError

T = TypeVar("T")

HEAD_TIMEOUT_SECONDS = 10.0  # a connection must finish each request head this soon (uvicorn has no such limit)
MAX_HEAD_BYTES = 32 * 1024  # request line and headers; browsers send a few KiB, nginx allows 32 KiB by default
_MESSAGE = b"Request header fields are too large.\n"
_REFUSAL = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_MESSAGE), _MESSAGE))


class HeadTooLarge(Exception):
    """Raised inside the parser's callback to stop it; uvicorn then answers through `send_400_response`."""


class BoundedHeadHttpProtocol(HttpToolsProtocol):
    """httptools' protocol, refusing request heads over `MAX_HEAD_BYTES`, whether they arrive in one chunk or
    trickle in over many (then the parser is fed at most one read past the bound)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_bytes, self._reading_head, self._head_too_large = 0, True, False
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        # An idle or trickling connection would otherwise hold one of MAX_CONNECTIONS slots for ever.
        if self._head_timer is None:
            self._head_timer = asyncio.get_running_loop().call_later(HEAD_TIMEOUT_SECONDS, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._start_head_timer()
            self._head_bytes += len(data)
        super().data_received(data)
        # the head is still incomplete after this chunk and already over the bound: stop before buffering more
        if self._reading_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self._head_too_large = True
            self.send_400_response("")

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._cancel_head_timer()
        if len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers) > MAX_HEAD_BYTES:
            self._head_too_large = True
            raise HeadTooLarge
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_bytes, self._reading_head = 0, True

    def send_400_response(self, msg: str) -> None:
        if not self._head_too_large:
            super().send_400_response(msg)
            return
        self.transport.write(_REFUSAL)
        self.transport.close()


def server_options(max_connections: int) -> dict[str, Any]:
    """uvicorn settings that bound what clients can hold: connections, idle keep-alives and request heads."""
    return {"http": BoundedHeadHttpProtocol, "limit_concurrency": max_connections, "timeout_keep_alive": 5,
            "h11_max_incomplete_event_size": MAX_HEAD_BYTES}


class StreamSlots:
    """Long-lived answers (event streams, growing previews) open per client address. Each holds one of the
    server's MAX_CONNECTIONS for as long as it lasts, so one client may not take them all."""

    def __init__(self, per_client: int = 20) -> None:
        self.per_client = per_client
        self.open: Counter[str] = Counter()

    def claim(self, address: str) -> None:
        """Take a slot, or QueueFullError (429) when the address has all of its own open."""
        if self.open[address] >= self.per_client:
            raise QueueFullError(f"This address already has {self.per_client} streams open; close one first",
                                 retry_after=5)
        self.open[address] += 1

    async def held(self, address: str, stream: AsyncIterator[T]) -> AsyncIterator[T]:
        """`stream`, giving the slot back when it ends or the client leaves."""
        try:
            async for item in stream:
                yield item
        finally:
            self.open[address] -= 1
            if self.open[address] <= 0:
                del self.open[address]
