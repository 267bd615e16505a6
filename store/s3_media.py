"""The `s3` media store: S3 or any S3-compatible service (MinIO, R2) through boto3.

Clients get a stable Notecast URL (`/media/<key>`) that redirects to a freshly presigned one, unless the bucket
is public (`S3_PUBLIC_BASE_URL`); either way, a URL stored in a database never goes stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from errors import StorageError
from store.media import check_key

_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Files above this go up in parts, so a long episode survives a dropped connection part by part.
_MULTIPART_THRESHOLD = 8 * 1024 * 1024


class S3MediaStore:
    """Objects under `prefix` in `bucket`."""

    def __init__(self, bucket: str, prefix: str, public_base_url: str, app_base_url: str, *,
                 region: str = "", endpoint_url: str = "", presign_seconds: int = 3600, max_attempts: int = 4,
                 client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.public_base_url = public_base_url.rstrip("/")
        self.app_base_url = app_base_url.rstrip("/")
        self.presign_seconds = presign_seconds
        config = Config(retries={"max_attempts": max_attempts, "mode": "standard"}, connect_timeout=5,
                        read_timeout=60, signature_version="s3v4")
        # Credentials come from boto3's standard chain (environment, shared files, instance roles).
        self.client = client or boto3.session.Session().client(
            "s3", region_name=region or None, endpoint_url=endpoint_url or None, config=config)
        self.transfer = TransferConfig(multipart_threshold=_MULTIPART_THRESHOLD,
                                       multipart_chunksize=_MULTIPART_THRESHOLD)

    def object_key(self, key: str) -> str:
        """The S3 key for a media key."""
        return self.prefix + check_key(key)

    def put(self, source: Path, key: str, content_type: str) -> int:
        """Upload, then confirm with HEAD that the object has the expected size."""
        expected = source.stat().st_size
        object_key = self.object_key(key)
        try:
            self.client.upload_file(str(source), self.bucket, object_key, Config=self.transfer,
                                    ExtraArgs={"ContentType": content_type, "CacheControl": _CACHE_CONTROL})
            stored = int(self.client.head_object(Bucket=self.bucket, Key=object_key)["ContentLength"])
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"Could not upload the episode to S3 bucket {self.bucket!r}: {_reason(exc)}") from exc
        if stored != expected:
            raise StorageError(f"S3 holds {stored} bytes for the episode, expected {expected}")
        return stored

    def materialize(self, key: str, scratch_dir: Path) -> Path:
        """Download the stored object, so verification checks what clients will get."""
        target = scratch_dir / f"verify-{Path(key).name}"
        try:
            self.client.download_file(self.bucket, self.object_key(key), str(target))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"Could not read the episode back from S3: {_reason(exc)}") from exc
        return target

    def url_for(self, key: str) -> str:
        """Public URL when the bucket is public, else the stable redirecting Notecast URL."""
        if self.public_base_url:
            return f"{self.public_base_url}/{self.object_key(key)}"
        return f"{self.app_base_url}/media/{key}"

    def presigned_url(self, key: str) -> str:
        """A fresh, time-limited GET URL for the object."""
        return str(self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self.object_key(key)}, ExpiresIn=self.presign_seconds))

    def served_from(self, key: str) -> str:
        """A fresh presigned URL: browsers are redirected there, so no private bucket is ever public."""
        return self.presigned_url(check_key(key))

    def delete(self, key: str) -> None:
        """Remove the object if present."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"Could not delete the episode from S3: {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip(": ")
    return str(exc).split("\n")[0][:200]
