"""Issue #14's figures on the sample notes (meeting notes, an explainer, a how-to with numbers and units, a
first-person note, a note with code, pros and cons), at a comfortable and at a condensing word target."""

from __future__ import annotations

import pytest

from pipeline.writers.base import WritingRequest
from pipeline.writers.builtin import BuiltinScriptWriter
from tests.writer_measures import load_notes, measure

HOSTS = ("Alex", "Sam")
NOTES = load_notes()


def test_the_sample_notes_cover_the_kinds_the_issue_names() -> None:
    assert {"meeting", "octopus", "sourdough", "diary", "deploy", "heat_pumps"} <= set(NOTES)
    assert "```" in NOTES["deploy"] and " I " in NOTES["diary"] and "## Cons" in NOTES["heat_pumps"]


@pytest.mark.parametrize("target", [750, 300])
@pytest.mark.parametrize("name", sorted(NOTES))
def test_both_hosts_carry_the_note_and_nothing_is_repeated_or_invented(name: str, target: int) -> None:
    note = NOTES[name]
    found = measure(BuiltinScriptWriter().write(WritingRequest(note, None, target, HOSTS)), note, HOSTS)
    assert found.second_host_word_share >= 0.3
    assert found.content_ratio >= 0.4
    assert found.grounded_question_share >= 0.6
    assert found.repeated_sentences == ()
    assert found.invented == ()
    assert found.generic_prompts <= 1
    assert found.repeated_reactions == ()
    if target == 750:  # the whole note fits: its numbers are said
        assert found.numbers_spoken_share >= 0.8


@pytest.mark.parametrize("name", sorted(NOTES))
def test_every_format_keeps_to_the_note(name: str) -> None:
    note = NOTES[name]
    for format_name in ("brief", "debate"):
        found = measure(BuiltinScriptWriter().write(WritingRequest(note, None, 750, HOSTS, format_name)), note,
                        HOSTS)
        assert found.invented == () and found.repeated_sentences == ()
