"""Where finished episodes live. `MediaStore` is the seam; `local` keeps files under the data dir."""

from __future__ import annotations

import errno
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Protocol

from errors import NotFound, StorageError
from store.files import replace_durably

log = logging.getLogger(__name__)
_TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EAGAIN, errno.EIO}
_DISK_ATTEMPTS = 4
_DISK_BACKOFF_SECONDS = 0.5

# Keys are made by Notecast from random ids; anything else (e.g. `../notecast.db`) is refused outright.
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64})*\.[a-z0-9]{2,5}$")


_CONTENT_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "opus": "audio/ogg", "json": "application/json",
                  "vtt": "text/vtt", "srt": "application/x-subrip"}


def content_type(key: str) -> str:
    """What a stored file is, from its key's extension."""
    return _CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def check_key(key: str) -> str:
    """Return `key` if it is a well-formed media key; otherwise raise NotFound."""
    if not _KEY_PATTERN.fullmatch(key):
        raise NotFound("Media not found")
    return key


class MediaStore(Protocol):
    """Stores finished files under keys and says where clients can fetch them."""

    def put(self, source: Path, key: str, content_type: str) -> int:
        """Store `source` under `key`; return the stored size in bytes once it is verified present."""
        ...

    def materialize(self, key: str, scratch_dir: Path) -> Path:
        """A local path holding the stored bytes of `key` (for verification)."""
        ...

    def url_for(self, key: str) -> str:
        """The absolute URL a client uses to fetch `key`."""
        ...

    def delete(self, key: str) -> None:
        """Remove `key` if present."""
        ...

    def served_from(self, key: str) -> Path | str:
        """Where `/media/<key>` answers from: a local file to send, or a URL to redirect to. NotFound for a
        malformed key (a missing local file is the caller's 404)."""
        ...


class LocalMediaStore:
    """Files under `root`, served by the app at `/media/<key>`."""

    def __init__(self, root: Path, public_base_url: str) -> None:
        self.root = root.resolve()
        self.public_base_url = public_base_url.rstrip("/")

    def path_for(self, key: str) -> Path:
        """The file behind `key`; refuses keys that could leave the media root."""
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise NotFound("Media not found")
        return path

    def put(self, source: Path, key: str, content_type: str) -> int:
        """Copy then rename, so a reader never sees a half-written file. A briefly full disk is waited out."""
        target = self.path_for(key)
        partial = target.with_name(target.name + ".partial")
        for attempt in range(1, _DISK_ATTEMPTS + 1):
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, partial)
                replace_durably(partial, target)  # on disk before the job can be marked completed
                break
            except OSError as exc:
                partial.unlink(missing_ok=True)
                if exc.errno in _TRANSIENT_ERRNOS and attempt < _DISK_ATTEMPTS:
                    log.warning("local media store: %s; retrying (attempt %d)", exc.strerror, attempt)
                    time.sleep(_DISK_BACKOFF_SECONDS * 2 ** (attempt - 1))
                    continue
                raise StorageError(f"Could not store the episode on local disk: {exc.strerror or exc}") from exc
        stored, expected = target.stat().st_size, source.stat().st_size
        if stored != expected:
            raise StorageError(f"Stored episode has {stored} bytes, expected {expected}")
        return stored

    def materialize(self, key: str, scratch_dir: Path) -> Path:
        """The stored file itself."""
        path = self.path_for(key)
        if not path.is_file():
            raise StorageError("The stored episode file is missing")
        return path

    def url_for(self, key: str) -> str:
        """`PUBLIC_BASE_URL/media/<key>`."""
        return f"{self.public_base_url}/media/{key}"

    def delete(self, key: str) -> None:
        """Remove the file if present."""
        self.path_for(key).unlink(missing_ok=True)

    def served_from(self, key: str) -> Path:
        """The file itself; this app serves it."""
        return self.path_for(key)
