"""Scripts are aimed at the speaking rate measured on earlier episodes, not at an assumed 150 wpm."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.cache import SegmentCache
from pipeline.episode.length import pace_key, target_words
from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.builtin import BuiltinScriptWriter
from settings import Settings
from store import pace
from store.db import Database
from store.media import LocalMediaStore
from store.records import NewJob
from tests.conftest import long_note, wait_for_job
from tests.fakes import TONE_HOSTS, ToneVoices


def test_rate_is_learned_with_older_episodes_weighing_less(tmp_path: pytest.TempPathFactory) -> None:
    db = Database(f"sqlite:///{tmp_path}/pace.db")
    db.create_all()
    assert pace.words_per_second(db, "v") is None
    pace.record(db, "v", 300, 100)
    assert pace.words_per_second(db, "v") == pytest.approx(3.0)
    pace.record(db, "v", 200, 100)
    assert pace.words_per_second(db, "v") == pytest.approx((300 * 0.7 + 200) / (100 * 0.7 + 100))
    pace.record(db, "other", 0, 0)  # nothing to learn from an empty episode
    assert pace.words_per_second(db, "other") is None


def test_a_slow_voice_overshoots_once_then_lands_within_the_target(
    make_services: Callable[..., Services], settings: Settings
) -> None:
    slow = ToneVoices(seconds_per_word=0.45)  # about 130 wpm: slower than the assumed 150
    services = make_services(Providers(writer=BuiltinScriptWriter(), voices=slow, hosts=TONE_HOSTS,
                                       media=LocalMediaStore(settings.media_dir, settings.public_base_url)))
    durations, targets = [], []
    for _ in range(2):
        new = NewJob(user_id="pace", note_id="n", note_content=long_note(), duration="short")
        job_id = services.executor.submit(new).record.job_id
        record = wait_for_job(services, job_id, timeout=240)
        assert record.status == "completed", record.error
        durations.append(record.audio_duration)
        targets.append(record.target_words)
    assert targets[0] == target_words("short")  # nothing measured yet: 150 wpm
    assert durations[0] > 300, "the first episode overshoots with the assumed rate"
    assert targets[1] < targets[0]
    assert 0.75 * 300 <= durations[1] <= 300, durations


def test_regenerating_a_note_reuses_its_script_after_the_rate_moved(
    make_services: Callable[..., Services], settings: Settings, tmp_path: pytest.TempPathFactory
) -> None:
    voice = ToneVoices(seconds_per_word=0.3)
    services = make_services(Providers(writer=BuiltinScriptWriter(), voices=voice, hosts=TONE_HOSTS,
                                       media=LocalMediaStore(settings.media_dir, settings.public_base_url),
                                       cache=SegmentCache(settings.data_dir / "cache", 10**9)))
    records = []
    for _ in range(2):
        new = NewJob(user_id="again", note_id="n", note_content=long_note(), duration="short")
        records.append(wait_for_job(services, services.executor.submit(new).record.job_id, timeout=240))
    first, second = records
    assert first.status == second.status == "completed"
    voice_key = pace_key(services.providers.cast_for(None), services.executor.mix)
    assert pace.words_per_second(services.db, voice_key) != pytest.approx(150 / 60)  # the rate moved...
    assert second.transcript == first.transcript  # ...yet the note got the same script
    assert second.segments_total == second.segments_cached == first.segments_total


def test_the_openai_writer_lands_within_15_percent_once_the_rate_is_known(
    make_services: Callable[..., Services], settings: Settings
) -> None:
    from pipeline.writers.openai import OpenAIScriptWriter
    from tests.openai_server import fake_openai

    with fake_openai() as server:
        server.write_ratio = 0.6  # the model writes short at first, so the length loop has work to do
        custom = settings.model_copy(update={"script_provider": "openai", "openai_api_key": "sk-test",
                                             "openai_base_url": server.url, "openai_timeout_seconds": 5.0})
        slow = ToneVoices(seconds_per_word=0.5)  # 120 wpm: slower than the assumed 150
        services = make_services(Providers(writer=OpenAIScriptWriter(custom), voices=slow, hosts=TONE_HOSTS,
                                           media=LocalMediaStore(settings.media_dir, settings.public_base_url)))
        durations = []
        for note_number in range(2):
            note = "# Facts\n\n" + " ".join(f"Fact {i} of set {note_number} is a sentence about item {i}."
                                             for i in range(120))
            new = NewJob(user_id="llm", note_id=f"n{note_number}", note_content=note, duration="short")
            record = wait_for_job(services, services.executor.submit(new).record.job_id, timeout=240)
            assert record.status == "completed", record.error
            durations.append(record.audio_duration or 0)
    assert abs(durations[1] - 300) <= 0.15 * 300, durations
