"""The built-in writer: whole-note coverage, no invented sentences, length control, determinism."""

from __future__ import annotations

import re

import pytest

from pipeline.sentences import split_sentences, word_count
from pipeline.writers.builtin import HOST_A_CONNECTIVES, BuiltinScriptWriter
from pipeline.writers.notes import parse_note
from tests.notes import widget_facts

HOSTS = ("Alex", "Sam")
MULTI_SECTION_NOTE = """# Home composting

Composting turns kitchen scraps into soil. It also keeps food out of landfills.

## Greens and browns
- Greens are wet scraps like peels and coffee grounds
- Browns are dry leaves, cardboard and paper
Aim for about three parts brown to one part green.

## Turning the pile
Turning adds air, which the microbes need. A pile that smells sour usually needs more air.

## Using the compost
Finished compost is dark and crumbly. Mix it into garden beds in spring.
"""


def _connective_patterns() -> list[re.Pattern[str]]:
    patterns = []
    for template in HOST_A_CONNECTIVES:
        for sentence in split_sentences(template):
            escaped = re.escape(sentence).replace(r"\{topic\}", ".+").replace(r"\{a\}", "Alex")
            patterns.append(re.compile("^" + escaped.replace(r"\{b\}", "Sam") + "$"))
    return patterns


def test_every_heading_appears_in_the_script() -> None:
    script = BuiltinScriptWriter().write(MULTI_SECTION_NOTE, None, 750, HOSTS)
    spoken = " ".join(turn.text for turn in script.turns)
    for heading in ("Home composting", "Greens and browns", "Turning the pile", "Using the compost"):
        assert heading in spoken
    assert next(section.title for section in script.sections) == "Intro"
    assert script.sections[-1].title == "Outro"


def test_sections_follow_the_note_in_order() -> None:
    script = BuiltinScriptWriter().write(MULTI_SECTION_NOTE, None, 750, HOSTS)
    titles = [section.title for section in script.sections[1:-1]]
    assert titles == ["Home composting", "Greens and browns", "Turning the pile", "Using the compost"]


def test_host_a_says_only_note_sentences_or_known_connectives() -> None:
    note_sentences = {s for section in parse_note(MULTI_SECTION_NOTE) for s in section.sentences}
    patterns = _connective_patterns()
    script = BuiltinScriptWriter().write(MULTI_SECTION_NOTE, None, 750, HOSTS)
    host_a_sentences = [s for turn in script.turns if turn.speaker == "Alex" for s in split_sentences(turn.text)]
    assert len(host_a_sentences) > 8
    for sentence in host_a_sentences:
        assert sentence in note_sentences or any(p.match(sentence) for p in patterns), sentence


def test_bullets_become_sentences_and_markup_is_not_spoken() -> None:
    note = "# Links\n- See [the docs](https://example.com/docs) for **details** 🎉\n- Run `make test`\n"
    spoken = " ".join(t.text for t in BuiltinScriptWriter().write(note, None, 750, HOSTS).turns)
    assert "See the docs for details." in spoken and "Run make test." in spoken
    assert "https://" not in spoken and "**" not in spoken and "`" not in spoken and "🎉" not in spoken


def test_code_blocks_are_described_not_read() -> None:
    note = "# Setup\nInstall it first.\n\n```bash\npip install --secret-flag\n```\n"
    spoken = " ".join(t.text for t in BuiltinScriptWriter().write(note, None, 750, HOSTS).turns)
    assert "secret-flag" not in spoken and "code example" in spoken


@pytest.mark.parametrize("target", [750, 1500, 3000])
def test_a_long_note_is_condensed_to_the_target(target: int) -> None:
    note = widget_facts()
    assert word_count(note) > 3000
    script = BuiltinScriptWriter().write(note, None, target, HOSTS)
    assert 0.85 * target <= script.words <= target
    spoken = " ".join(turn.text for turn in script.turns)
    for s in range(12):
        assert f"Topic number {s}" in spoken, "condensing never drops a section"


def test_condensing_keeps_note_order() -> None:
    script = BuiltinScriptWriter().write(widget_facts(), None, 750, HOSTS)
    facts = [tuple(map(int, m)) for turn in script.turns if turn.speaker == "Alex" and "recap" not in turn.text
             for m in re.findall(r"Fact (\d+)-(\d+)", turn.text)]
    assert facts == sorted(facts)


def test_a_short_note_gives_a_short_script_without_filler() -> None:
    script = BuiltinScriptWriter().write(MULTI_SECTION_NOTE, None, 3000, HOSTS)
    assert script.words < 400


def test_same_input_gives_the_same_script() -> None:
    writer = BuiltinScriptWriter()
    assert writer.write(widget_facts(), "Title", 750, HOSTS) == writer.write(widget_facts(), "Title", 750, HOSTS)


def test_topic_comes_from_title_then_heading_then_first_sentence() -> None:
    writer = BuiltinScriptWriter()
    assert "Today's topic is My title." in writer.write(MULTI_SECTION_NOTE, "My title", 750, HOSTS).turns[2].text
    assert "Today's topic is Home composting." in writer.write(MULTI_SECTION_NOTE, None, 750, HOSTS).turns[2].text
    plain = writer.write("Bees dance to share directions. They also hum.", None, 750, HOSTS)
    assert "Today's topic is Bees dance to share directions." in plain.turns[2].text


def test_hosts_alternate_between_the_two_names() -> None:
    script = BuiltinScriptWriter().write(MULTI_SECTION_NOTE, None, 750, ("Ada", "Lin"))
    assert {turn.speaker for turn in script.turns} == {"Ada", "Lin"}
    assert all(a.speaker != b.speaker for a, b in zip(script.turns, script.turns[1:], strict=False))
