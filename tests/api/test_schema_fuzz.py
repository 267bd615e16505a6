"""Schemathesis against our own /openapi.json: no 5xx, and every response matches the documented schema.

Driven through Hypothesis directly (schemathesis' pytest plugin does not load under this pytest version)."""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from api.app import create_api
from pipeline.providers import Providers
from pipeline.services import Services

EXAMPLES_PER_OPERATION = 30


def test_no_server_errors_and_responses_match_the_schema(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    app = create_api(make_services(fake_providers))
    TestClient(app).post("/api/podcast/generate/async", json={
        "noteId": "seed", "noteContent": "A note so that some reads find something.", "userId": "fuzz"})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()
