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


def test_an_older_database_gains_new_columns_and_keeps_its_rows(db: Database) -> None:
    from sqlalchemy import inspect, text

    from store import queries

    # As an earlier version left it: podcasts without the files and loudness columns.
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE podcasts DROP COLUMN files"))
        conn.execute(text("ALTER TABLE podcasts DROP COLUMN loudness"))
        conn.execute(text("INSERT INTO podcasts (podcast_id, job_id, user_id, note_id, title, duration, audio_key, "
                          "audio_bytes, audio_duration, transcript, created_at) VALUES ('p1', 'j1', 'u', 'n', 't', "
                          "'short', 'p1.mp3', 10, 1.5, '[]', '2026-11-01 10:00:00')"))
    db.create_all()
    columns = {column["name"] for column in inspect(db.engine).get_columns("podcasts")}
    assert {"files", "loudness"} <= columns
    podcast = queries.get_podcast(db, "p1")
    assert podcast is not None and podcast["audio_key"] == "p1.mp3" and podcast["files"] is None
