"""A job is completed only once its stored audio is verified."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.audio.voicing import voice_and_mix
from pipeline.cache import SegmentCache
from pipeline.episode import produce as episode
from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.base import Script, Section, Turn, WritingRequest
from settings import Settings
from store import queries, records
from store.media import LocalMediaStore
from tests.audio_metrics import decode
from tests.conftest import wait_for_job
from tests.fakes import ToneVoices


class TruncatingStore(LocalMediaStore):
    """Stores only the first kilobyte, as a failing disk or a broken upload might."""

    def put(self, source: Path, key: str, content_type: str) -> int:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes()[:1024])
        return 1024


def test_a_truncated_stored_file_fails_the_job_and_is_removed(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    media = fake_providers.media
    assert isinstance(media, LocalMediaStore)
    services = make_services(replace(fake_providers, media=TruncatingStore(media.root, media.public_base_url)))
    note = " ".join(f"Sentence number {i} is here." for i in range(40))
    job = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content=note, duration="short")).record
    finished = wait_for_job(services, job.job_id)
    assert finished.status == "failed"
    assert finished.error == "The stored audio differs from the encoded episode"
    assert not any(media.root.rglob("*.mp3")), "an unverified file is not left behind"


def test_the_same_script_reuses_the_mastered_episode_retagged(
    make_services: Callable[..., Services], fake_providers: Providers, settings: Settings,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutagen.id3 import ID3

    mastered = []
    monkeypatch.setattr(episode, "voice_and_mix",
                        lambda *args, **options: mastered.append(1) or voice_and_mix(*args, **options))
    voice = fake_providers.voices
    assert isinstance(voice, ToneVoices)
    providers = replace(fake_providers, cache=SegmentCache(settings.data_dir / "cache", 10**9))
    services = make_services(providers)
    finished = []
    for title in ("First", "Second"):
        job = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content="Same note.",
                                                      duration="short", title=title)).record
        finished.append(wait_for_job(services, job.job_id))
        if title == "First":
            voiced = len(voice.calls)
    first, second = finished
    assert second.status == "completed" and len(voice.calls) == voiced, "nothing was voiced again"
    assert len(mastered) == 1, "nor mixed and mastered again"
    assert second.segments_cached == second.segments_total
    assert second.transcript == first.transcript and second.loudness == first.loudness
    media = settings.media_dir
    assert str(ID3(media / (second.audio_key or ""))["TIT2"]) == "Second", "retagged for the new job"
    assert decode(media / (second.audio_key or "")).tolist() == decode(media / (first.audio_key or "")).tolist()


class ControlCharacterWriter:
    """A writer whose output carries control characters, as a heading or a model's reply might."""

    name = identity = "control-characters"
    languages = None
    can_expand = True

    def write(self, request: WritingRequest) -> Script:
        return Script(title="Bell\x07 title", sections=(
            Section("Intro\x01 part", (Turn("Alex", "Hello\x00 there."), Turn("Sam", "Hi.\r\nThere."))),
            Section("Body\x9b", (Turn("Alex", "The end."),)),
        ))


def test_control_characters_never_reach_the_episode(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    services = make_services(replace(fake_providers, writer=ControlCharacterWriter()))
    job = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content="Note.",
                                                  duration="short")).record
    finished = wait_for_job(services, job.job_id)
    assert finished.status == "completed", finished.error
    lines = finished.transcript or []
    assert [line["section"] for line in lines] == ["Intro part", "Intro part", "Body"]
    assert [line["text"] for line in lines] == ["Hello there.", "Hi.  There.", "The end."]
    podcast = queries.get_podcast(services.db, finished.podcast_id or "")
    assert podcast is not None and podcast["title"] == "Bell title"
