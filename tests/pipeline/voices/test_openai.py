"""The `openai` voice, and whole jobs on the OpenAI-compatible providers."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from errors import VoiceError
from pipeline.providers import build_providers
from pipeline.services import Services
from pipeline.voices.openai import TTS_INPUT_LIMIT, OpenAIVoice, split_for_tts
from settings import ConfigError, Settings, load_settings
from tests.conftest import FINISHED, ROOT, SHORT_NOTE, wait_for_api_job
from tests.openai_server import FakeOpenAI
from tests.pipeline.conftest import OPENAI_TEST_KEY

KEY = OPENAI_TEST_KEY


@pytest.fixture
def openai_settings(settings: Settings, server: FakeOpenAI) -> Settings:
    return settings.model_copy(update={
        "script_provider": "openai", "voice_provider": "openai", "openai_api_key": KEY,
        "openai_base_url": server.url, "openai_timeout_seconds": 5.0, "openai_max_attempts": 3})


def test_speech_is_decoded_to_pcm_in_the_host_s_voice(openai_settings: Settings, server: FakeOpenAI) -> None:
    voice = OpenAIVoice(openai_settings, "echo")
    pcm = voice.synthesize("Tide pools are full of life.")
    assert 1.0 < len(pcm) / 2 / voice.sample_rate < 6.0
    body = server.requests[-1]["body"]
    assert body["voice"] == "echo" and body["model"] == "tts-1" and body["response_format"] == "mp3"


def test_long_turns_are_split_at_sentences_under_the_input_limit() -> None:
    text = " ".join(f"Sentence number {i} says something useful about tide pools." for i in range(200))
    pieces = split_for_tts(text)
    assert len(pieces) > 1 and all(len(piece) <= TTS_INPUT_LIMIT for piece in pieces)
    assert all(piece.endswith(".") for piece in pieces)
    assert " ".join(pieces) == text


def test_speech_faults_are_retried_then_fail_clearly(openai_settings: Settings, server: FakeOpenAI) -> None:
    voice = OpenAIVoice(openai_settings, "alloy")
    server.faults = ["500", "malformed"]
    assert voice.synthesize("Hello there.")
    server.faults = ["500", "500", "500"]
    with pytest.raises(VoiceError, match="gave up after 3 attempts"):
        voice.synthesize("Hello there.")


def test_a_whole_job_on_openai_providers_voices_segments_concurrently(
    make_client: Callable[..., tuple[TestClient, Services]], openai_settings: Settings, server: FakeOpenAI
) -> None:
    client, _ = make_client(build_providers(openai_settings), openai_settings)
    job_id = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": SHORT_NOTE, "userId": "u", "duration": "short"}).json()["jobId"]
    steps: list[str] = []

    def finished(job: dict[str, Any]) -> bool:
        steps.append(job["currentStep"])
        return job["status"] in FINISHED

    job = wait_for_api_job(client, job_id, until=finished, timeout=120, every=0.01)
    assert job["status"] == "completed", job
    assert 1 < server.speech_peak <= 3, "segments are voiced concurrently, at most TTS_CONCURRENCY at once"
    counts = [int(found.group(1)) for step in steps if (found := re.match(r"Voicing line (\d+) of", step))]
    assert len(set(counts)) >= 2, f"voicing progress was seen only as {counts}"
    assert counts == sorted(counts), "progress advances in order"
    assert job["audioDuration"] > 5 and job["targetWords"] == 750


def test_a_failed_job_never_shows_the_key(
    make_client: Callable[..., tuple[TestClient, Services]], openai_settings: Settings, server: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _ = make_client(build_providers(openai_settings), openai_settings)
    server.faults = ["401"]
    with caplog.at_level(logging.DEBUG):
        job_id = client.post("/api/podcast/generate/async", json={
            "noteId": "n", "noteContent": SHORT_NOTE, "userId": "u"}).json()["jobId"]
        job = {"job": wait_for_api_job(client, job_id, until=lambda job: job["status"] == "failed")}
    assert "OpenAI rejected the API key" in job["job"]["error"]
    assert KEY not in json.dumps(job) and KEY not in caplog.text
    assert KEY not in json.dumps(client.get("/healthz").json())


def test_a_missing_key_is_reported_at_start_up_in_one_line(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="VOICE_PROVIDER is openai but OPENAI_API_KEY is not set"):
        load_settings(_env_file=None, voice_provider="openai")
    with pytest.raises(ConfigError, match="MEDIA_STORE is s3 but S3_BUCKET is not set"):
        load_settings(_env_file=None, media_store="s3")
    result = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SCRIPT_PROVIDER": "openai",
                                 "NOTECAST_DATA_DIR": str(settings.data_dir)}, cwd=settings.data_dir.parent)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "Notecast cannot start: SCRIPT_PROVIDER is openai but OPENAI_API_KEY is not set "
        "(for a local server such as Ollama any placeholder works, e.g. 'ollama')")


def test_a_job_on_openai_voices_has_its_live_preview(openai_settings: Settings, server: FakeOpenAI,
                                                      tmp_path: Any) -> None:
    from pipeline.audio.preview import PREVIEW_AUDIO, PREVIEW_DONE, PREVIEW_WANTED, preview_lines
    from pipeline.episode.produce import produce_episode
    from pipeline.providers import mix_settings
    from store.records import ClaimedJob
    from tests.audio_metrics import decode
    from tests.fakes import QuietSink

    job = ClaimedJob(job_id="j", podcast_id="p" * 24, user_id="u", note_id="n", note_content=SHORT_NOTE, title=None,
                     duration="short")
    work = tmp_path / "work"
    work.mkdir()
    (work / PREVIEW_WANTED).touch()  # someone listens
    finished = produce_episode(job, build_providers(openai_settings), mix_settings(openai_settings), work, QuietSink())
    assert (work / PREVIEW_DONE).is_file() and preview_lines(work) == finished.transcript
    heard = len(decode(work / PREVIEW_AUDIO, 16_000)) / 16_000
    assert abs(heard - finished.audio_duration) < 0.5, (heard, finished.audio_duration)
