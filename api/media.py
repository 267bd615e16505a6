"""`/media/<key>`: stored episodes and their side files (and `/previews/<name>`, lines voiced for the script
editor). The local store's files are served here, with Range
support so players can seek; other stores say where to redirect."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse

from api.auth import services
from errors import NotFound
from store.media import content_type

router = APIRouter(tags=["media"])


@router.api_route("/media/{key:path}", methods=["GET", "HEAD"], include_in_schema=False,
                  response_model=None)
def media(request: Request, key: str, download: Annotated[str | None, Query(max_length=300)] = None
          ) -> FileResponse | RedirectResponse:
    """Serve one stored file, or redirect to where it is served (a fresh presigned URL on S3); bad keys are 404.
    `?download=<episode title>` saves it under a name made from the title instead of playing it inline."""
    where = services(request).providers.media.served_from(key)
    if isinstance(where, str):
        return RedirectResponse(where, status_code=302)
    if not where.is_file():
        raise NotFound("Media not found")
    _ignore_unknown_range_units(request)
    kind = content_type(where.name)
    if kind in ("text/vtt", "application/x-subrip"):
        kind += "; charset=utf-8"  # transcripts are UTF-8 text; say so, or browsers guess
    headers = {"Cache-Control": "public, max-age=86400"}
    if download is not None:
        headers["Content-Disposition"] = attachment(download, PurePosixPath(key).suffix)
    return FileResponse(where, media_type=kind, headers=headers)


_PREVIEW_NAME = re.compile(r"^[0-9a-f]{40}\.wav$")


@router.get("/previews/{name}", include_in_schema=False, response_model=None)
def line_preview(request: Request, name: str) -> FileResponse:
    """One script line voiced for an editor's play button (see pipeline.audio.samples.line_preview)."""
    path = services(request).settings.data_dir / "cache" / "previews" / name
    if not _PREVIEW_NAME.fullmatch(name) or not path.is_file():
        raise NotFound("Preview not found")
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "private, max-age=3600"})


def attachment(title: str, suffix: str) -> str:
    """RFC 6266 `Content-Disposition` naming the file after `title` ("Sourdough for Busy People" →
    sourdough-for-busy-people.mp3): an ASCII `filename` for old clients and an RFC 5987 `filename*` that keeps
    accents and other scripts."""
    words = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", title).lower()).strip("-_")[:80].strip("-_")
    plain = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
                   ).strip("-")
    name = (words or "episode") + suffix
    return f"attachment; filename=\"{plain or 'episode'}{suffix}\"; filename*=UTF-8''{quote(name, safe='')}"


def _ignore_unknown_range_units(request: Request) -> None:
    """RFC 9110 §14.2: a server ignores a Range in a unit it does not know (`items=0-9`) and sends the whole file;
    only byte ranges reach the file response."""
    wanted = request.headers.get("range")
    if wanted is not None and not wanted.strip().lower().startswith("bytes="):
        request.scope["headers"] = [(name, value) for name, value in request.scope["headers"] if name != b"range"]
