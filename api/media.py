"""`/media/<key>`: episodes from the local media store, with Range support so players can seek."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from api.auth import services
from errors import NotFound
from store.media import LocalMediaStore, check_key
from store.s3_media import S3MediaStore

router = APIRouter(tags=["media"])

_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".opus": "audio/ogg", ".json": "application/json",
          ".vtt": "text/vtt; charset=utf-8", ".srt": "application/x-subrip; charset=utf-8"}


@router.api_route("/media/{key:path}", methods=["GET", "HEAD"], include_in_schema=False,
                  response_model=None)
def media(request: Request, key: str) -> FileResponse | RedirectResponse:
    """Serve one stored file (local store) or redirect to a fresh presigned URL (S3); bad keys are 404."""
    store = services(request).providers.media
    if isinstance(store, S3MediaStore):
        return RedirectResponse(store.presigned_url(check_key(key)), status_code=302)
    if not isinstance(store, LocalMediaStore):
        raise NotFound("Media not found")
    path = store.path_for(key)
    if not path.is_file():
        raise NotFound("Media not found")
    return FileResponse(path, media_type=_TYPES.get(path.suffix, "application/octet-stream"),
                        headers={"Cache-Control": "public, max-age=86400"})
