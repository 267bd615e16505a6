"""`notecast jobs …` and `notecast feed`: a running server's JSON API, for people and scripts."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx

from errors import NotecastError


class ServerError(NotecastError):
    """The server could not be reached, or refused the request (its own error sentence is the message)."""


class Server:
    """A Notecast server at `url`, called with `api_key` when one is given."""

    def __init__(self, url: str, api_key: str | None, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self.headers = {"x-api-key": api_key} if api_key else {}
        self.timeout = timeout

    def call(self, method: str, path: str, **options: Any) -> dict[str, Any]:
        """The JSON answer; ServerError with the server's own sentence when it refuses."""
        try:
            response = httpx.request(method, self.url + path, headers=self.headers, timeout=self.timeout,
                                     **options)
        except httpx.HTTPError as exc:
            raise ServerError(f"Cannot reach Notecast at {self.url}: {exc.__class__.__name__} ({exc})") from None
        try:
            body = response.json()
        except ValueError:
            raise ServerError(f"{self.url} answered {response.status_code} without JSON: is it Notecast?") from None
        if response.status_code >= 400 or not body.get("success", False):
            raise ServerError(f"{response.status_code}: {body.get('error', 'request refused')}")
        return dict(body)

    def jobs(self, user_id: str, limit: int) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/api/podcast/jobs/user/{quote(user_id, safe='')}",
                              params={"limit": limit})["jobs"])

    def job(self, job_id: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/api/podcast/jobs/{quote(job_id, safe='')}")["job"])

    def cancel(self, job_id: str) -> dict[str, Any]:
        return dict(self.call("POST", f"/api/podcast/jobs/{quote(job_id, safe='')}/cancel")["job"])

    def retry(self, job_id: str) -> dict[str, Any]:
        return self.call("POST", f"/api/podcast/jobs/{quote(job_id, safe='')}/retry")

    def feed(self, user_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/users/{quote(user_id, safe='')}/feed")


def job_line(job: dict[str, Any]) -> str:
    """One line per job: id, status, progress and what it is."""
    title = job.get("title") or ""
    detail = job.get("audioUrl") or job.get("error") or job.get("currentStep", "")
    return f"{job['jobId']}  {job['status']:<10} {job['progress']:>3}%  {title[:40]:<40}  {detail}"


def as_json(data: object) -> str:
    """Pretty JSON for scripts."""
    return json.dumps(data, indent=2, ensure_ascii=False)
