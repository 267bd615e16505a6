"""Limits of the real server process: what a client can make it hold before any route runs."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.server import ServerURL, running_server
from tests.waiting import wait_until

KEY = "server-limits-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerURL]:
    data = tmp_path_factory.mktemp("limits") / "data"
    with running_server(data, API_KEYS=KEY, MAX_CONNECTIONS="10", RUN_WORKER="false") as base:
        yield base


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _answer(sock: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


def test_a_write_without_the_key_is_refused_before_its_body_is_read(server: ServerURL) -> None:
    with _connect(server) as sock:
        # announces a large body and sends none of it: a server waiting for it would time the socket out
        sock.sendall(b"POST /api/podcast/generate/async HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 900000\r\n\r\n")
        head = _answer(sock)
    assert head.startswith(b"HTTP/1.1 401"), head[:100]
    wrong = httpx.post(f"{server}/api/podcast/generate/async", content=b"x" * 2_000_000,
                       headers={"x-api-key": "wrong"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "Invalid API key"


def test_oversized_request_heads_are_refused(server: ServerURL) -> None:
    whole = httpx.get(f"{server}/healthz", headers={"X-Padding": "a" * 50_000})
    assert whole.status_code == 431
    with _connect(server) as sock:  # and one that trickles in, header by header
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(100):
                sock.sendall(b"X-More: " + b"a" * 1000 + b"\r\n")
        except OSError:
            pass  # the server may close before all of it is sent
        assert _answer(sock).startswith(b"HTTP/1.1 431")
    assert httpx.get(f"{server}/healthz", headers={"X-Padding": "a" * 4000}).status_code == 200


def test_connections_past_the_limit_get_503_and_idle_ones_are_closed(server: ServerURL) -> None:
    idle = [_connect(server) for _ in range(10)]
    try:
        assert httpx.get(f"{server}/healthz").status_code == 503
    finally:
        for sock in idle:
            sock.close()
    wait_until(lambda: httpx.get(f"{server}/healthz").status_code, lambda status: status == 200, timeout=10)
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200")
        sock.settimeout(15)  # the server closes an idle keep-alive connection after 5 s; a socket timeout fails here
        while sock.recv(4096):  # the rest of the answer, then the close
            pass



def test_a_connection_that_never_finishes_its_request_head_is_closed(server: ServerURL) -> None:
    with _connect(server) as silent, _connect(server) as trickling:
        trickling.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        for sock in (silent, trickling):
            sock.settimeout(30)  # the server gives up after HEAD_TIMEOUT_SECONDS; a socket timeout fails here
            assert sock.recv(4096) == b"", "the server closed the connection"
