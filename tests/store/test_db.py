"""SQLite is tuned for a web server with a background writer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from store.db import Database


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.create_all()
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_write_transactions_take_the_write_lock_up_front(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.create_all()
    statements: list[str] = []

    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with db.write() as conn:
        conn.exec_driver_sql("SELECT 1")
    with db.read() as conn:
        conn.exec_driver_sql("SELECT 1")
    assert "BEGIN IMMEDIATE" in statements and "BEGIN DEFERRED" in statements
