"""Episode management in the store (share, rename, delete) and one-time device codes, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text, update

from errors import NotFound
from store import job_creation, jobs, links, podcasts, queries, records
from store.db import Database
from store.media import LocalMediaStore
from store.models import link_codes_table


def _finished(db: Database, media: LocalMediaStore, tmp_path: Path) -> records.JobRecord:
    job_creation.create(db, records.NewJob(user_id="u", note_id="n", note_content="A note.", duration="short"))
    claimed = jobs.claim_next(db)
    assert claimed is not None
    keys = {"audio": f"{claimed.podcast_id}.mp3", "vtt": f"{claimed.podcast_id}.vtt"}
    for key in keys.values():
        source = tmp_path / key
        source.write_bytes(b"data")
        media.put(source, key, "application/octet-stream")
    episode = records.FinishedEpisode(title="T", audio_key=keys["audio"], audio_bytes=4, audio_duration=1.0,
                                      transcript=[], files={"vtt": keys["vtt"]}, note_excerpt="A note.")
    assert jobs.complete(db, claimed, episode)
    record = queries.get(db, claimed.job_id)
    assert record is not None
    return record


@pytest.fixture
def media(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media", "http://host")


def test_share_is_stable_until_stopped_and_then_new(db: Database, media: LocalMediaStore, tmp_path: Path) -> None:
    podcast_id = str(_finished(db, media, tmp_path).podcast_id)
    token = podcasts.share(db, podcast_id)
    assert podcasts.share(db, podcast_id) == token and len(token) >= 32
    shared = podcasts.shared(db, token)
    assert shared is not None and shared["podcast_id"] == podcast_id and shared["note_excerpt"] == "A note."
    podcasts.stop_sharing(db, podcast_id)
    assert podcasts.shared(db, token) is None
    assert podcasts.share(db, podcast_id) != token
    assert podcasts.shared(db, "") is None and podcasts.shared(db, "x" * 65) is None


def test_rename_and_delete_a_missing_episode_are_not_found(db: Database, media: LocalMediaStore) -> None:
    for action in (lambda: podcasts.rename(db, "nope", "T"), lambda: podcasts.share(db, "nope"),
                   lambda: podcasts.stop_sharing(db, "nope"), lambda: podcasts.delete_episode(db, media, "nope")):
        with pytest.raises(NotFound):
            action()


def test_delete_goes_through_even_when_a_file_cannot_be_removed(db: Database, media: LocalMediaStore,
                                                                tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    record = _finished(db, media, tmp_path)
    podcast_id = str(record.podcast_id)

    def refuse(key: str) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(media, "delete", refuse)
    with caplog.at_level(logging.WARNING):
        podcasts.delete_episode(db, media, podcast_id)
    assert queries.get_podcast(db, podcast_id) is None and queries.get(db, record.job_id) is None
    assert f"deleted episode {podcast_id}, but not its file" in caplog.text


def test_a_code_works_once_for_its_user(db: Database) -> None:
    code = links.create(db, "phone")
    assert set(code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ") and len(code) == 10
    assert links.redeem(db, "wrong-code") is None
    assert links.redeem(db, f" {links.display(code).lower()} ") == "phone"
    assert links.redeem(db, code) is None, "used up"
    assert links.redeem(db, "") is None and links.redeem(db, "x" * 41) is None


def test_a_new_code_cancels_the_old_and_codes_expire(db: Database) -> None:
    first, second = links.create(db, "phone"), links.create(db, "phone")
    assert links.redeem(db, first) is None and links.redeem(db, second) == "phone"
    third = links.create(db, "phone")
    with db.write() as conn:
        conn.execute(update(link_codes_table).values(expires_at=records.utcnow() - timedelta(seconds=1)))
    assert links.redeem(db, third) is None


def test_an_older_database_gains_the_share_column_and_its_unique_index(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_podcasts_share_token"))
        conn.execute(text("ALTER TABLE podcasts DROP COLUMN share_token"))
    db.create_all()
    indexes = {index["name"]: index for index in inspect(db.engine).get_indexes("podcasts")}
    assert indexes["ix_podcasts_share_token"]["unique"]
