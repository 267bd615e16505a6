"""What /openapi.json promises a client generator: every field described, and per operation only the error codes
it can answer (schemathesis, in test_schema_fuzz, checks that no other code is ever sent)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

ERRORS_BY_OPERATION = {
    ("post", "/api/podcast/generate/async"): {400, 401, 409, 413, 422, 429},
    ("post", "/api/podcast/generate"): {400, 401, 404, 409, 413, 422, 429, 500},
    ("post", "/api/podcast/estimate"): {400, 401, 413, 422},
    ("get", "/api/podcast/jobs/user/{userId}"): {401, 422},
    ("get", "/api/podcast/jobs/{jobId}"): {401, 404, 422},
    ("delete", "/api/podcast/jobs/{jobId}"): {401, 404, 409, 422},
    ("post", "/api/podcast/jobs/{jobId}/cancel"): {401, 404, 409, 422},
    ("post", "/api/podcast/jobs/{jobId}/retry"): {401, 404, 409, 422, 429},
    ("post", "/api/podcast/jobs/{jobId}/dismiss"): {401, 404, 409, 422},
    ("get", "/api/podcast/{podcastId}"): {401, 404, 422},
    ("patch", "/api/podcast/{podcastId}"): {400, 401, 404, 413, 422},
    ("delete", "/api/podcast/{podcastId}"): {401, 404, 422},
    ("post", "/api/podcast/{podcastId}/share"): {401, 404, 422},
    ("delete", "/api/podcast/{podcastId}/share"): {401, 404, 422},
    ("get", "/api/users/{userId}/feed"): {401, 404, 422},
    ("patch", "/api/users/{userId}/feed"): {400, 401, 404, 413, 422},
    ("post", "/api/users/{userId}/feed/rotate"): {401, 404, 422},
    ("get", "/api/voices/{voice}/sample"): {404, 422},
    ("get", "/api/podcast/jobs/{jobId}/script"): {401, 404, 409, 422},
    ("put", "/api/podcast/jobs/{jobId}/script"): {400, 401, 404, 409, 412, 413, 422},
    ("post", "/api/podcast/jobs/{jobId}/approve"): {401, 404, 409, 422},
    ("get", "/api/podcast/{podcastId}/script"): {401, 404, 422},
    ("get", "/api/podcast/jobs/{jobId}/preview"): {401, 404, 422, 429},
    ("get", "/api/podcast/jobs/{jobId}/events"): {401, 404, 422, 429},
    ("get", "/api/podcast/jobs/user/{userId}/events"): {401, 422, 429},
    ("get", "/api/podcast/jobs/{jobId}/deliveries"): {401, 404, 422},
    ("put", "/api/podcast/{podcastId}/script"): {400, 401, 404, 409, 412, 413, 422, 429},
    ("get", "/api/podcast/{podcastId}/versions"): {401, 404, 422},
    ("get", "/api/users/{userId}/lexicon"): {401, 422},
    ("put", "/api/users/{userId}/lexicon"): {400, 401, 413, 422},
    ("get", "/api/voices"): set(),
    ("get", "/metrics"): {401},
}


def _schema(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/openapi.json").json())


def test_each_operation_lists_exactly_the_errors_it_can_answer(client: TestClient) -> None:
    paths = _schema(client)["paths"]
    documented = {(method, path): {int(code) for code in operation["responses"] if int(code) >= 400}
                  for path, operations in paths.items() for method, operation in operations.items()}
    for operation, codes in ERRORS_BY_OPERATION.items():
        assert documented.get(operation) == codes, operation
    for (method, path), codes in documented.items():
        if path.startswith("/api/") and codes:
            operation = paths[path][method]
            for code in codes:
                reason = operation["responses"][str(code)]
                assert reason["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
                assert reason["description"] not in ("", "Validation Error"), (method, path, code)


def test_every_field_of_the_job_and_podcast_is_described(client: TestClient) -> None:
    models = _schema(client)["components"]["schemas"]
    for name in ("JobView", "PodcastView", "TranscriptLine", "HostView", "LoudnessView", "SegmentCounts",
                 "ErrorResponse", "FeedResponse", "EnqueueResponse", "VersionView", "EditQueuedResponse",
                 "PodcastScriptResponse", "LexiconResponse", "Pronunciation", "ScriptTurn"):
        undescribed = [field for field, spec in models[name]["properties"].items()
                       if field != "success" and "$ref" not in spec and not spec.get("description")]
        assert not undescribed, f"{name}: {undescribed}"
    assert "etaSeconds" in models["JobView"]["properties"] and "shareUrl" in models["PodcastView"]["properties"]


def test_both_enqueue_routes_document_the_idempotency_key_header(client: TestClient) -> None:
    # /generate/async reads the header itself (for speed); its documentation must still say what it accepts
    paths = _schema(client)["paths"]
    for path in ("/api/podcast/generate/async", "/api/podcast/generate"):
        [header] = [p for p in paths[path]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and header["required"] is False and "409" in header["description"]
        schemas = header["schema"].get("anyOf", [header["schema"]])
        assert {"type": "string", "pattern": "^[!-~]{1,255}$"}.items() <= schemas[0].items()

