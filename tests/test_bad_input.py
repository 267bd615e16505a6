"""Bad input against the live server: every case gets the right 4xx and a clear message, and the server keeps
serving. Notes are data: HTML in them is markup, never said and never run."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import running_server, wait_for_job_at

KEY = "test-key-123"
GOOD = {"noteId": "note-1", "noteContent": "A fine note. It has two sentences.", "userId": "user-1",
        "duration": "short"}


def with_(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in (GOOD | changes).items() if v is not ...}


def raw(data: bytes) -> dict[str, Any]:
    return {"content": data, "headers": {"content-type": "application/json", "x-api-key": KEY}}


ENQUEUE = "/api/podcast/generate/async"
CASES: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    ("empty note", "POST", ENQUEUE, {"json": with_(noteContent="")}, 422, "noteContent"),
    ("whitespace note", "POST", ENQUEUE, {"json": with_(noteContent=" \n\t ")}, 422, "noteContent"),
    ("100,001 chars", "POST", ENQUEUE, {"json": with_(noteContent="a" * 100_001)}, 422, "at most 100,000"),
    ("missing note", "POST", ENQUEUE, {"json": with_(noteContent=...)}, 422, "noteContent is required"),
    ("missing userId", "POST", ENQUEUE, {"json": with_(userId=...)}, 422, "userId is required"),
    ("missing noteId", "POST", ENQUEUE, {"json": with_(noteId=...)}, 422, "noteId is required"),
    ("note is a number", "POST", ENQUEUE, {"json": with_(noteContent=42)}, 422, "noteContent"),
    ("note is null", "POST", ENQUEUE, {"json": with_(noteContent=None)}, 422, "noteContent"),
    ("note is a list", "POST", ENQUEUE, {"json": with_(noteContent=["a", "b"])}, 422, "noteContent"),
    ("note is an object", "POST", ENQUEUE, {"json": with_(noteContent={"text": "x"})}, 422, "noteContent"),
    ("userId is a number", "POST", ENQUEUE, {"json": with_(userId=7)}, 422, "userId"),
    ("userId is null", "POST", ENQUEUE, {"json": with_(userId=None)}, 422, "userId"),
    ("noteId is a bool", "POST", ENQUEUE, {"json": with_(noteId=True)}, 422, "noteId"),
    ("duration unknown", "POST", ENQUEUE, {"json": with_(duration="forever")}, 422, "short, medium, long"),
    ("duration a number", "POST", ENQUEUE, {"json": with_(duration=5)}, 422, "duration"),
    ("duration null", "POST", ENQUEUE, {"json": with_(duration=None)}, 422, "duration"),
    ("title too long", "POST", ENQUEUE, {"json": with_(title="t" * 201)}, 422, "title"),
    ("title a list", "POST", ENQUEUE, {"json": with_(title=["t"])}, 422, "title"),
    ("body is an array", "POST", ENQUEUE, {"json": [GOOD]}, 422, "JSON object"),
    ("body is a string", "POST", ENQUEUE, {"json": "hello"}, 422, "JSON object"),
    ("body is null", "POST", ENQUEUE, {"json": None}, 422, ""),
    ("extra nesting", "POST", ENQUEUE, {"json": {"data": GOOD}}, 422, "noteContent is required"),
    ("userId with slash", "POST", ENQUEUE, {"json": with_(userId="a/b")}, 422, "userId"),
    ("userId with dotdot", "POST", ENQUEUE, {"json": with_(userId="../../etc")}, 422, "userId"),
    ("userId with NUL", "POST", ENQUEUE, {"json": with_(userId="a\u0000b")}, 422, "userId"),
    ("userId with newline", "POST", ENQUEUE, {"json": with_(userId="a\nb")}, 422, "userId"),
    ("noteId with backslash", "POST", ENQUEUE, {"json": with_(noteId="a\\b")}, 422, "noteId"),
    ("noteId too long", "POST", ENQUEUE, {"json": with_(noteId="n" * 129)}, 422, "noteId"),
    ("noteId with space", "POST", ENQUEUE, {"json": with_(noteId="a b")}, 422, "noteId"),
    ("malformed JSON", "POST", ENQUEUE, raw(b'{"noteId": "x",'), 400, "Malformed JSON"),
    ("not JSON at all", "POST", ENQUEUE, raw(b"noteId=x&userId=y"), 400, "Malformed JSON"),
    ("invalid UTF-8", "POST", ENQUEUE, raw(b'{"noteId": "\xff\xfe", "noteContent": "x", "userId": "u"}'), 400, ""),
    ("empty body", "POST", ENQUEUE, raw(b""), 422, ""),
    ("10 MB body", "POST", ENQUEUE, raw(b'{"noteContent": "' + b"a" * 10_000_000 + b'"}'), 413, "too large"),
    ("bad idempotency key", "POST", ENQUEUE, {"json": GOOD, "headers": {"Idempotency-Key": "a b"}}, 422,
     "Idempotency-Key"),
    ("missing key", "POST", ENQUEUE, {"json": GOOD, "headers": {"x-api-key": ""}}, 401, "Missing API key"),
    ("wrong key", "POST", ENQUEUE, {"json": GOOD, "headers": {"x-api-key": "nope"}}, 401, "Invalid API key"),
    ("listing without key", "GET", "/api/podcast/jobs/user/user-1", {"headers": {"x-api-key": ""}}, 401, "API key"),
    ("listing, bad limit", "GET", "/api/podcast/jobs/user/user-1?limit=0", {}, 422, "limit"),
    ("listing, bad cursor", "GET", "/api/podcast/jobs/user/user-1?cursor=zz", {}, 422, "cursor"),
    ("listing, bad user", "GET", "/api/podcast/jobs/user/a%00b", {}, 422, "userId"),
    ("unknown job", "GET", "/api/podcast/jobs/job_1_nothing", {}, 404, "Job not found"),
    ("job id too long", "GET", "/api/podcast/jobs/" + "j" * 200, {}, 422, "jobId"),
    ("unknown podcast", "GET", "/api/podcast/ffffffffffffffffffffffff", {}, 404, "Podcast not found"),
    ("cancel unknown", "POST", "/api/podcast/jobs/job_1_nothing/cancel", {}, 404, "Job not found"),
    ("retry unknown", "POST", "/api/podcast/jobs/job_1_nothing/retry", {}, 404, "Job not found"),
    ("media traversal", "RAW", "/media/../notecast.db", {}, 404, ""),
    ("media deep traversal", "RAW", "/media/x/../../../etc/passwd", {}, 404, ""),
    ("media encoded traversal", "GET", "/media/%2e%2e/notecast.db", {}, 404, ""),
    ("media unknown", "GET", "/media/nothing.mp3", {}, 404, ""),
    ("unknown api route", "GET", "/api/podcast/nothing/here/either", {}, 404, "Not found"),
    ("wrong method", "PUT", ENQUEUE, {"json": GOOD}, 404, ""),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with running_server(tmp_path_factory.mktemp("bad") / "data", API_KEYS=KEY) as url:
        yield url


def _send(base: str, method: str, path: str, options: dict[str, Any]) -> tuple[int, str]:
    headers = {"x-api-key": KEY} | options.get("headers", {})
    headers = {k: v for k, v in headers.items() if v != ""}
    request = {k: v for k, v in options.items() if k != "headers"}
    if method == "RAW":  # sent byte for byte: httpx would normalise the dot segments away
        return _raw_get(base, path)
    response = httpx.request(method, base + path, headers=headers, timeout=30, **request)
    return response.status_code, response.text


@pytest.mark.parametrize(("name", "method", "path", "options", "status", "says"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_4xx(base: str, name: str, method: str, path: str, options: dict[str, Any],
                                    status: int, says: str) -> None:
    status_code, text = _send(base, method, path, options)
    assert status_code == status, (name, status_code, text[:300])
    answer = json.loads(text)
    assert answer["success"] is False and isinstance(answer["error"], str) and answer["error"]
    assert says in answer["error"] + json.dumps(answer.get("fields", {}))
    assert "Traceback" not in text and KEY not in text


def _raw_get(base: str, path: str) -> tuple[int, str]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_after_every_bad_request_the_server_still_serves_and_stored_nothing(base: str) -> None:
    for _name, method, path, options, status, _says in CASES:  # sent here too, so this holds when run alone
        assert _send(base, method, path, options)[0] == status
    assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
    jobs = httpx.get(f"{base}/api/podcast/jobs/user/user-1", headers={"x-api-key": KEY}).json()["jobs"]
    assert jobs == []


def test_html_in_a_note_is_not_read_aloud(base: str, tmp_path: Path) -> None:
    note = "<h1>Hello</h1> <script>alert('x')</script> A note with markup. <img src=x onerror=alert(1)>"
    job_id = httpx.post(f"{base}{ENQUEUE}", json=with_(noteContent=note, userId="html-user"),
                        headers={"x-api-key": KEY}).json()["jobId"]
    job = wait_for_job_at(base, job_id, timeout=120)
    assert job["status"] == "completed", job
    spoken = " ".join(line["text"] for line in job["transcript"])
    assert "A note with markup." in spoken  # read as a Markdown renderer would: the markup is not said
    assert "<" not in spoken and "alert" not in spoken
