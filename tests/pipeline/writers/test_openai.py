"""The `openai` script writer against a loopback OpenAI-compatible server speaking the real wire format."""

from __future__ import annotations

import logging

import pytest

from errors import ScriptError
from pipeline.sentences import word_count
from pipeline.writers.base import NO_DEBATE_NOTICE, WritingRequest
from pipeline.writers.openai import OpenAIScriptWriter
from pipeline.writers.openai_schema import parse_dialogue
from settings import Settings
from tests.conftest import SHORT_NOTE
from tests.openai_server import FakeOpenAI
from tests.pipeline.conftest import OPENAI_TEST_KEY

KEY = OPENAI_TEST_KEY

HOSTS = ("Alex", "Sam")


@pytest.fixture
def openai_settings(settings: Settings, server: FakeOpenAI) -> Settings:
    return settings.model_copy(update={"script_provider": "openai", "openai_api_key": KEY,
                                       "openai_base_url": server.url, "openai_timeout_seconds": 1.0,
                                       "openai_max_attempts": 4})


def test_writes_a_structured_dialogue_from_the_note(openai_settings: Settings, server: FakeOpenAI) -> None:
    script = OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS))
    assert script.sections[0].title == "Intro" and script.sections[-1].title == "Outro"
    assert {turn.speaker for turn in script.turns} == {"Alex", "Sam"}
    assert any("Sea stars cling to rocks" in turn.text for turn in script.turns)
    write = server.tasks("WRITE")[0]["body"]
    assert write["response_format"]["type"] == "json_schema"
    assert write["response_format"]["json_schema"]["strict"] is True
    system = write["messages"][0]["content"]
    assert "English" in system and "Never invent facts" in system


def test_the_prompt_names_the_note_s_language(openai_settings: Settings, server: FakeOpenAI) -> None:
    note = "# Las mareas\n\nLas mareas suben y bajan dos veces al día. La luna es la causa de las mareas en el mar."
    OpenAIScriptWriter(openai_settings).write(WritingRequest(note, None, 200, HOSTS))
    assert "Write in Spanish" in server.tasks("WRITE")[0]["body"]["messages"][0]["content"]


def test_rate_limits_and_server_errors_are_retried_honouring_retry_after(
    openai_settings: Settings, server: FakeOpenAI
) -> None:
    server.faults = ["429", "500"]
    script = OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS))
    assert script.turns
    assert [r["fault"] for r in server.requests[:3]] == ["429", "500", None]
    assert server.requests[1]["at"] - server.requests[0]["at"] >= 0.95, "Retry-After: 1 was not honoured"


def test_a_timeout_is_retried(openai_settings: Settings, server: FakeOpenAI) -> None:
    server.faults, server.stall_seconds = ["timeout"], 2.5
    assert OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS)).turns
    assert server.requests[0]["fault"] == "timeout" and len(server.tasks("OUTLINE")) == 2


def test_malformed_output_and_unknown_speakers_are_asked_again(openai_settings: Settings, server: FakeOpenAI) -> None:
    server.faults = [None, "malformed", "bad_speaker"]  # the outline succeeds; the first two drafts are unusable
    script = OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS))
    assert {turn.speaker for turn in script.turns} <= {"Alex", "Sam"}
    assert len(server.tasks("WRITE")) == 3


def test_speaker_aliases_are_repaired_and_empty_turns_dropped() -> None:
    content = ('{"sections": [{"title": "A", "turns": [{"speaker": "Host A", "text": "Hi."}, '
               '{"speaker": "sam:", "text": "  "}, {"speaker": "B", "text": "Hello."}]}]}')
    [section] = parse_dialogue(content, ("Alex", "Sam"))
    assert [(t.speaker, t.text) for t in section.turns] == [("Alex", "Hi."), ("Sam", "Hello.")]
    with pytest.raises(ValueError, match="unknown speaker"):
        parse_dialogue('{"sections": [{"title": "A", "turns": [{"speaker": "Bob", "text": "x"}]}]}', ("Alex", "Sam"))


def test_a_rejected_key_fails_at_once_without_leaking_it(
    openai_settings: Settings, server: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    server.faults = ["401"]
    with caplog.at_level(logging.DEBUG), pytest.raises(ScriptError) as failure:
        OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS))
    assert "OpenAI rejected the API key" in failure.value.message
    assert len(server.requests) == 1, "a 401 is not retried"
    assert KEY not in failure.value.message and KEY not in caplog.text


def test_the_length_loop_converges_within_two_rounds(openai_settings: Settings, server: FakeOpenAI) -> None:
    server.write_ratio = 0.4
    note = "# Facts\n\n" + " ".join(f"Fact {i} is a short sentence about item {i}." for i in range(60))
    writer = OpenAIScriptWriter(openai_settings)
    script = writer.write(WritingRequest(note, "Facts", 750, HOSTS))
    assert 1 <= len(server.tasks("ADJUST")) <= 2, "one part, adjusted at most twice"
    assert abs(script.words - 750) <= 0.15 * 750 + 20  # the intro and outro lines ride on top


def test_a_long_note_is_outlined_in_chunks_and_every_chunk_reaches_the_script(
    openai_settings: Settings, server: FakeOpenAI
) -> None:
    paragraphs = [f"## Part {i}\n\nMarker{i:03d} opens this part. " + "Filler words keep it long enough. " * 40
                  for i in range(60)]
    note = "\n\n".join(paragraphs)[:100_000]
    markers = {f"Marker{i:03d}" for i in range(60) if f"Marker{i:03d}" in note}
    writer = OpenAIScriptWriter(openai_settings.model_copy(update={"openai_chunk_chars": 12_000}))
    script = writer.write(WritingRequest(note, "Long", 3000, HOSTS))
    assert len(server.tasks("OUTLINE")) == len(server.tasks("WRITE")) >= 8
    spoken = " ".join(turn.text for turn in script.turns)
    assert {marker for marker in markers if marker in spoken} == markers
    sent = "".join(r["body"]["messages"][1]["content"] for r in server.tasks("OUTLINE"))
    assert all(marker in sent for marker in markers), "no part of the note was cut off"
    assert word_count(spoken) > 0.8 * 3000


PROS_AND_CONS = ("# Heat pumps\n\nA heat pump moves heat from outside air into the house.\n\n## Pros\n"
                 "- It uses about a third of the energy of a gas boiler.\n\n## Cons\n"
                 "- The outdoor unit costs 9,000 euros to install.\n")


def _written_with(server: FakeOpenAI) -> str:
    return str(server.tasks("WRITE")[0]["body"]["messages"][1]["content"])


def test_a_brief_is_written_for_the_first_host_alone(openai_settings: Settings, server: FakeOpenAI) -> None:
    script = OpenAIScriptWriter(openai_settings).write(WritingRequest(PROS_AND_CONS * 20, None, 3000, HOSTS,
                                                                      "brief"))
    assert {turn.speaker for turn in script.turns} == {"Alex"}
    assert "Format: a brief" in _written_with(server) and "about 230 words" in _written_with(server)
    schema = server.tasks("WRITE")[0]["body"]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["sections"]["items"]["properties"]["turns"]["items"]["properties"]["speaker"][
        "enum"] == ["Alex"]


def test_a_debate_is_asked_for_when_the_note_has_two_sides(openai_settings: Settings, server: FakeOpenAI) -> None:
    script = OpenAIScriptWriter(openai_settings).write(WritingRequest(PROS_AND_CONS, None, 300, HOSTS, "debate"))
    assert script.notices == () and "Format: a debate. Alex argues for, Sam against" in _written_with(server)


def test_a_debate_without_two_sides_is_a_conversation_and_says_so(openai_settings: Settings,
                                                                   server: FakeOpenAI) -> None:
    script = OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS, "debate"))
    assert script.notices == (NO_DEBATE_NOTICE,) and "Format: a conversation" in _written_with(server)


def test_the_focus_reaches_the_prompt(openai_settings: Settings, server: FakeOpenAI) -> None:
    OpenAIScriptWriter(openai_settings).write(WritingRequest(SHORT_NOTE, None, 300, HOSTS, focus="the anemones"))
    assert "The listener asked for this focus; follow it where the note allows: the anemones" in _written_with(
        server)
