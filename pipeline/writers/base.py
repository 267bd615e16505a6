"""The dialogue script, and the `ScriptWriter` seam that produces it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from pipeline.sentences import word_count

# C0 and C1 control characters: never spoken, invalid in XML (one in a title would break the RSS feed).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain_line(text: str) -> str:
    """`text` without control characters; line breaks and tabs become spaces."""
    return CONTROL_CHARACTERS.sub(lambda found: " " if found.group() in "\t\n\r" else "", text)


@dataclass(frozen=True)
class Turn:
    """One host speaking once."""

    speaker: str
    text: str


@dataclass(frozen=True)
class Section:
    """A chapter of the episode: intro, one per part of the note, outro."""

    title: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Script:
    """A whole episode's dialogue."""

    title: str
    sections: tuple[Section, ...]

    @property
    def turns(self) -> list[Turn]:
        """Every turn, in speaking order."""
        return [turn for section in self.sections for turn in section.turns]

    @property
    def words(self) -> int:
        """Spoken words in the whole script."""
        return sum(word_count(turn.text) for turn in self.turns)


def cleaned(script: Script) -> Script:
    """The script with control characters taken out of its titles and turns, whichever writer wrote it (a
    heading in a note, or a model's output, may carry them)."""
    return replace(script, title=plain_line(script.title), sections=tuple(
        Section(plain_line(section.title), tuple(replace(turn, text=plain_line(turn.text)) for turn in section.turns))
        for section in script.sections))


class ScriptWriter(Protocol):
    """Writes a two-host dialogue covering a note."""

    name: str
    # Everything besides the note and the hosts that shapes the script (engine, model, prompts): scripts are
    # reused for the same note and hosts only while this stays the same.
    identity: str
    # The languages (ISO 639-1) it writes; None for any (it answers in the note's language).
    languages: frozenset[str] | None

    def write(self, note: str, title: str | None, target_words: int, hosts: tuple[str, str]) -> Script:
        """A script of about `target_words` words (fewer when the note is short), spoken by `hosts` (the first
        opens the episode)."""
        ...
