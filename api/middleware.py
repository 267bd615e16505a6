"""What every request passes through before a route: the API-key gate for writes, the body limit, and the
security headers on every answer, in one middleware."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import key_problem
from api.errors import error_response

_READ_METHODS = ("GET", "HEAD", "OPTIONS")

# NiceGUI needs 'unsafe-eval' (Vue compiles its templates in the browser) and 'unsafe-inline' (the page carries
# its start-up script and element styles inline). What the policy still stops: loading script, styles, frames
# or media from any other site, plugins, <base> hijacking, forms posting elsewhere, and framing of our pages.
_PAGE_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                "connect-src 'self'; media-src 'self' blob:{media}; worker-src 'self' blob:; object-src 'none'; "
                "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# /docs and /redoc serve Swagger UI and ReDoc from this server (/docs-assets); their pages start them inline.
_DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
                "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
_DOCS_PATHS = ("/docs", "/redoc")  # also /docs-assets


def content_security_policy(media_origins: str = "") -> str:
    """The policy for our pages; `media_origins` (space-separated) may serve audio, e.g. an S3 bucket."""
    return _PAGE_POLICY.format(media=f" {media_origins}" if media_origins else "")


def route_of(scope: Scope) -> str:
    """The route template that answered (`/api/podcast/jobs/{jobId}`), never the path itself: a metrics label
    must not take a new value per job id. The pages are "ui"; what no route answered is "other"."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str) and path:
        return path
    return "ui" if scope.get("route") is not None else "other"


class GuardMiddleware:
    """One ASGI layer (every answer passes it, so it is kept to one) that:

    - adds headers limiting the damage of any future slip: no MIME sniffing, no framing, no referrer to other
      sites, and a Content-Security-Policy;
    - for writes to `/api`, checks the API key, then refuses bodies over `limit` bytes with 413, before any body
      is read: a client without a key cannot make the server buffer a megabyte first.
    """

    def __init__(self, app: ASGIApp, policy: str, limit: int, keys: list[str],
                 count: Callable[[str, str, int], None] | None = None) -> None:
        self.app, self.limit, self.keys, self.count = app, limit, keys, count
        common = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                  (b"x-frame-options", b"DENY")]
        # nothing behind this middleware sets these headers, so they are appended as they are
        self.page_headers = [*common, (b"content-security-policy", policy.encode())]
        self.docs_headers = [*common, (b"content-security-policy", _DOCS_POLICY.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = self.docs_headers if path.startswith(_DOCS_PATHS) else self.page_headers

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
                if self.count is not None:
                    self.count(route_of(scope), scope["method"], message["status"])
            await send(message)

        if scope["method"] in _READ_METHODS:
            await self.app(scope, receive, with_headers)
        else:
            await self._write(scope, receive, with_headers, path.startswith("/api/"))

    async def _write(self, scope: Scope, receive: Receive, send: Send, to_api: bool) -> None:
        headers = dict(scope["headers"])
        if to_api:
            problem = key_problem(headers.get(b"x-api-key"), self.keys)
            if problem is not None:
                await error_response(401, problem)(scope, receive, send)
                return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, f"Request body is too large (limit {self.limit:,} bytes)")
        await response(scope, receive, send)
