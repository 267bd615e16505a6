"""A database per test: a SQLite file always, and PostgreSQL too when the local server answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.db import Database

PG_ADMIN_URL = os.environ.get("NOTECAST_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_or_skip() -> str:
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed")
    plain = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"notecast_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc.__class__.__name__})")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    plain = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty database with the tables created."""
    url = f"sqlite:///{tmp_path / 'test.db'}" if request.param == "sqlite" else _postgres_or_skip()
    database = Database(url)
    database.create_all()
    yield database
    database.dispose()
    if request.param == "postgresql":
        _drop_postgres(url)
