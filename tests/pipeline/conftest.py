"""Shared by the OpenAI provider tests: the loopback OpenAI-compatible server and the key it is given."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.openai_server import FakeOpenAI, fake_openai

OPENAI_TEST_KEY = "sk-test-secret-key-0123456789"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    """A fake OpenAI server on a free loopback port."""
    with fake_openai() as running:
        yield running
