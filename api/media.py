"""`/media/<key>`: stored episodes and their side files. The local store's files are served here, with Range
support so players can seek; other stores say where to redirect."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from api.auth import services
from errors import NotFound
from store.media import content_type

router = APIRouter(tags=["media"])


@router.api_route("/media/{key:path}", methods=["GET", "HEAD"], include_in_schema=False,
                  response_model=None)
def media(request: Request, key: str) -> FileResponse | RedirectResponse:
    """Serve one stored file, or redirect to where it is served (a fresh presigned URL on S3); bad keys are 404."""
    where = services(request).providers.media.served_from(key)
    if isinstance(where, str):
        return RedirectResponse(where, status_code=302)
    if not where.is_file():
        raise NotFound("Media not found")
    _ignore_unknown_range_units(request)
    kind = content_type(where.name)
    if kind in ("text/vtt", "application/x-subrip"):
        kind += "; charset=utf-8"  # transcripts are UTF-8 text; say so, or browsers guess
    return FileResponse(where, media_type=kind, headers={"Cache-Control": "public, max-age=86400"})


def _ignore_unknown_range_units(request: Request) -> None:
    """RFC 9110 §14.2: a server ignores a Range in a unit it does not know (`items=0-9`) and sends the whole file;
    only byte ranges reach the file response."""
    wanted = request.headers.get("range")
    if wanted is not None and not wanted.strip().lower().startswith("bytes="):
        request.scope["headers"] = [(name, value) for name, value in request.scope["headers"] if name != b"range"]
