"""SQLite is tuned for a web server with a background writer."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from store import db as db_module
from store.db import Database, WriterBusy


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


def _sqlite(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'now.db'}")
    db.create_all()
    return db


def _rows(db: Database) -> list[str]:
    with db.read() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT note_id FROM jobs ORDER BY seq")]


def _insert(cursor: object, note_id: str, content: str = "x") -> None:
    cursor.execute(  # type: ignore[attr-defined]
        "INSERT INTO jobs (job_id, user_id, note_id, note_content, duration, status, progress, current_step, "
        "attempts, created_at) VALUES (?, 'u', ?, ?, 'short', 'queued', 0, 'Queued', 0, '2026-12-07 10:00:00')",
        (f"job-{note_id}", note_id, content))


def test_write_now_commits_on_the_calling_thread(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    with db.write_now() as cursor:
        _insert(cursor, "first")
    with pytest.raises(ValueError), db.write_now() as cursor:
        _insert(cursor, "rolled back")
        raise ValueError("the caller failed halfway")
    with db.write_now() as cursor:  # the lock was given back
        _insert(cursor, "second")
    assert _rows(db) == ["first", "second"]
    db.dispose()


def test_write_now_never_waits_for_another_writer(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    with db.write_lock, pytest.raises(WriterBusy), db.write_now():  # a thread of this process is writing
        pass
    other = sqlite3.connect(tmp_path / "now.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    started = time.monotonic()
    with pytest.raises(WriterBusy), db.write_now():
        pass
    assert time.monotonic() - started < 5  # the pool's connections would wait up to 15 s
    other.execute("COMMIT")
    with db.write_now() as cursor:
        _insert(cursor, "after")
    assert _rows(db) == ["after"]
    other.close()
    db.dispose()


def test_a_writer_met_after_begin_rolls_back_and_says_busy(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    holder, second = (sqlite3.connect(tmp_path / "now.db", isolation_level=None, timeout=0) for _ in range(2))
    holder.execute("BEGIN IMMEDIATE")
    try:
        second.execute("BEGIN IMMEDIATE")  # a second writer meets the first: a real SQLITE_BUSY
    except sqlite3.OperationalError as found:
        busy = found
    holder.close()
    second.close()
    assert busy.sqlite_errorcode == sqlite3.SQLITE_BUSY
    with pytest.raises(WriterBusy), db.write_now() as cursor:
        _insert(cursor, "half written")
        raise busy  # as a statement meeting another writer would
    assert _rows(db) == []
    with db.write_now() as cursor:
        _insert(cursor, "written")
    assert _rows(db) == ["written"]
    db.dispose()


def test_write_now_is_busy_once_the_database_is_closed(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    db.dispose()
    with pytest.raises(WriterBusy), db.write_now():
        pass


def test_write_now_leaves_checkpoints_to_the_write_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "_CHECKPOINT_EVERY", 5)
    db = _sqlite(tmp_path)
    main_file = tmp_path / "now.db"
    before = main_file.stat().st_size
    for number in range(4):  # 4 commits of about 300 pages each: SQLite alone would checkpoint at 1,000
        with db.write_now() as cursor:
            for row in range(40):
                _insert(cursor, f"{number}-{row}", "words " * 5_000)
    db.write_pool.submit(lambda: None).result()
    assert main_file.stat().st_size == before  # all still in the WAL: no commit copied (and fsynced) it
    with db.write_now() as cursor:  # the fifth commit hands a checkpoint to the pool
        _insert(cursor, "fifth")
    db.write_pool.submit(lambda: None).result()
    assert main_file.stat().st_size > before + 5_000_000
    assert len(_rows(db)) == 161
    db.dispose()


def test_a_failed_rollback_gives_the_lock_back_and_sends_writes_to_the_pool(tmp_path: Path) -> None:
    db = _sqlite(tmp_path)
    with pytest.raises(ValueError), db.write_now() as cursor:
        _insert(cursor, "lost")
        cursor.connection.close()  # the connection breaks: its rollback fails too
        raise ValueError("the caller failed")
    assert db.write_lock.acquire(timeout=5)  # type: ignore[union-attr]
    db.write_lock.release()  # type: ignore[union-attr]
    with pytest.raises(WriterBusy), db.write_now():
        pass
    with db.write() as conn:
        conn.exec_driver_sql("INSERT INTO jobs (job_id, user_id, note_id, note_content, duration, status, progress, "
                             "current_step, attempts, created_at) VALUES ('j', 'u', 'pooled', 'x', 'short', "
                             "'queued', 0, 'Queued', 0, '2026-12-07 10:00:00')")
    assert _rows(db) == ["pooled"]
    db.dispose()


def test_the_wal_stays_small_while_enqueues_never_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "_CHECKPOINT_EVERY", 5)
    monkeypatch.setattr(db_module, "_WAL_KEPT_BYTES", 4 * 1024 * 1024)
    db = _sqlite(tmp_path)
    for number in range(200):  # about 25 MB in all, committed back to back as under load
        try:
            with db.write_now() as cursor:
                for row in range(20):
                    _insert(cursor, f"{number}-{row}", "words " * 1_000)
        except WriterBusy:  # the pool's checkpoint holds the writers off for a moment: as the batcher does, wait
            with db.write() as conn:
                for row in range(20):
                    _insert(conn.connection.driver_connection.cursor(), f"{number}-{row}", "words " * 1_000)
    db.write_pool.submit(lambda: None).result()
    assert len(_rows(db)) == 4_000
    assert (tmp_path / "now.db-wal").stat().st_size < 12_000_000  # 34 MB without the checkpoint's second pass
    db.dispose()
