"""The dialogue script, and the `ScriptWriter` seam that produces it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pipeline.notes import word_count

WORDS_PER_MINUTE = 150


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


class ScriptWriter(Protocol):
    """Writes a two-host dialogue covering a note."""

    name: str
    # Everything besides the note that shapes the script (engine, model, hosts, prompts): scripts are reused
    # for the same note only while this stays the same.
    identity: str

    def write(self, note: str, title: str | None, target_words: int) -> Script:
        """A script of about `target_words` words (fewer when the note is short)."""
        ...
