"""The enqueue route's own body parsing (api.json_route): what it accepts it accepts as FastAPI would, and what
it refuses FastAPI words."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.json_route import JsonBodyRoute
from pipeline.jobs.submission import NoteSubmission
from store import queries

ENQUEUE = "/api/podcast/generate/async"
VALID = {"noteId": "n-1", "noteContent": "A note about the garden.", "userId": "u-1"}
# Each answered by the route's own parsing (sent as application/json) and by FastAPI's (any other JSON type).
BODIES: list[bytes] = [
    json.dumps(VALID).encode(),
    json.dumps({**VALID, "duration": "medium", "review": "true", "title": "  Garden  "}).encode(),
    json.dumps({**VALID, "noteContent": "   "}).encode(),
    json.dumps({**VALID, "noteId": "../x"}).encode(),
    json.dumps({"noteContent": "No ids."}).encode(),
    json.dumps({**VALID, "duration": "forever", "hosts": [{"name": "A"}]}).encode(),
    json.dumps([VALID]).encode(),
    b'"just a string"',
    b'{"noteId": "n-1", "noteContent": "\\ud800 half a pair", "userId": "u-1"}',
    b'{"noteId": "n-1", "noteContent": NaN, "userId": "u-1"}',
    b'{"noteId": "n-1",',
    b"",
    "{\"noteId\": \"n-1\", \"noteContent\": \"caf\u00e9\", \"userId\": \"u-1\"}".encode("utf-16"),
]


def _answer(client: TestClient, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    response = client.post(ENQUEUE, content=body, headers={"content-type": content_type})
    answer = response.json()
    answer.pop("jobId", None)  # a new job each time
    return response.status_code, answer


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_every_body_gets_the_answer_fastapi_gives_it(client: TestClient, body: bytes) -> None:
    # "; charset=utf-8" is JSON to FastAPI but not the exact type the route parses itself
    assert _answer(client, body, "application/json") == _answer(client, body, "application/json; charset=utf-8")


@pytest.mark.parametrize("body", [
    BODIES[0], BODIES[1],
    b'{"noteId": "a", "noteId": "b", "noteContent": "caf\\u00e9 \xc3\xa9t\xc3\xa9", "userId": "u", "review": 1}',
    b'{"noteId": "a", "noteContent": "x", "userId": "u", "hosts": [{"name": "Ann"}, {"voice": "v"}], "x": [1e400]}',
])
def test_the_route_reads_an_accepted_body_as_fastapi_does(body: bytes) -> None:
    assert NoteSubmission.model_validate_json(body) == NoteSubmission.model_validate(json.loads(body))


def test_a_note_sent_as_json_is_queued_with_what_it_asked_for(make_client: Any, fake_providers: Any) -> None:
    client, services = make_client(fake_providers)
    response = client.post(ENQUEUE, json={**VALID, "duration": "medium", "title": "Garden", "review": True})
    assert response.status_code == 202
    job = queries.get(services.db, response.json()["jobId"])
    assert job is not None and (job.duration, job.title, job.review) == ("medium", "Garden", True)


def test_refusals_keep_our_error_shape(client: TestClient) -> None:
    malformed = client.post(ENQUEUE, content=b'{"noteId": ', headers={"content-type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["success"] is False
    missing = client.post(ENQUEUE, json={"noteContent": "A note."})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"noteId": "is required", "userId": "is required"}
    not_json = client.post(ENQUEUE, content=json.dumps(VALID), headers={"content-type": "text/plain"})
    assert not_json.status_code == 422 and "JSON object" in not_json.json()["fields"]["body"]


class _Thing(BaseModel):
    name: str


def test_an_endpoint_of_another_shape_is_left_to_fastapi() -> None:
    router = APIRouter(route_class=JsonBodyRoute)

    @router.post("/plain")
    async def plain(request: Request, thing: _Thing) -> Response:
        return Response(thing.name)

    @router.post("/with-header")
    async def with_header(request: Request, thing: _Thing, x_tag: str = Header()) -> Response:
        return Response(f"{thing.name} {x_tag}")

    @router.post("/embedded")
    async def embedded(request: Request, thing: Annotated[_Thing, Body(embed=True)]) -> Response:
        return Response(thing.name)

    @router.post("/guarded", dependencies=[Depends(_refuse)])
    async def guarded(request: Request, thing: _Thing) -> Response:
        return Response(thing.name)

    app = FastAPI()
    app.router.routes.extend(router.routes)  # as api/app.py adds its routes
    client = TestClient(app)
    assert client.post("/plain", json={"name": "a"}).text == "a"
    # its header parameter is still read: FastAPI's handler serves it
    assert client.post("/with-header", json={"name": "b"}, headers={"x-tag": "t"}).text == "b t"
    assert client.post("/with-header", json={"name": "b"}).status_code == 422
    assert client.post("/embedded", json={"thing": {"name": "c"}}).text == "c"
    assert client.post("/embedded", json={"name": "c"}).status_code == 422
    assert client.post("/guarded", json={"name": "d"}).status_code == 403


def test_the_enqueue_route_is_served_by_the_app_itself(client: TestClient) -> None:
    # not through include_router, whose dependencies the route's own parsing would not see (see JsonBodyRoute)
    app = client.app
    assert isinstance(app, FastAPI)
    [route] = [route for route in app.router.routes if getattr(route, "path", None) == ENQUEUE]
    assert isinstance(route, JsonBodyRoute)


def _refuse() -> None:
    raise HTTPException(403, "no")
