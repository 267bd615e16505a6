"""Schemathesis against our own /openapi.json: no 5xx, and every response matches the documented schema.

Driven through Hypothesis directly (schemathesis' pytest plugin does not load under this pytest version)."""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

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
    # an event stream lasts as long as its job or its listener (tests/api/test_events.py covers them)
    operations = [operation for operation in (result.ok() for result in schema.get_all_operations())
                  if not operation.path.endswith("/events")]
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            # The rules a schema cannot state, each refused with a 422 that says so: a note whose language the
            # voices cannot speak (random text can look like Chinese or Russian), two hosts with one name, and a
            # callbackUrl whose host does not resolve (or resolves to an address webhooks must not reach).
            error = response.json().get("error", "") if response.status_code == 422 else ""
            refused = (error.startswith(("This note looks ", "Invalid request: callbackUrl"))
                       or error.endswith("The two hosts need different names"))
            case.validate_response(response, excluded_checks=[positive_data_acceptance] if refused else [])

        check()
