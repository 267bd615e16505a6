"""Webhook tests run on SQLite and, when it answers, PostgreSQL (the store's `db` fixture)."""

from tests.store.conftest import db  # noqa: F401  (the fixture, shared)
