"""An API client over the real app, store and executor, with fast test providers unless a test asks otherwise."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from pipeline.providers import Providers
from pipeline.services import Services


@pytest.fixture
def client(make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers) -> TestClient:
    """A client with fast providers and an open API."""
    return make_client(fake_providers)[0]
