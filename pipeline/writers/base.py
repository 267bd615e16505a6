"""The dialogue script, and the `ScriptWriter` seam that produces it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from pipeline.sentences import word_count

# C0 and C1 control characters: never spoken, invalid in XML (one in a title would break the RSS feed).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain_line(text: str) -> str:
    """`text` without control characters; line breaks and tabs become spaces."""
    return CONTROL_CHARACTERS.sub(lambda found: " " if found.group() in "\t\n\r" else "", text)


@dataclass(frozen=True)
class Turn:
    """One host speaking once; `say` gives spoken forms for written ones in its text (written, spoken)."""

    speaker: str
    text: str
    say: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Section:
    """A chapter of the episode: intro, one per part of the note, outro."""

    title: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Script:
    """A whole episode's dialogue, and what the writer wants the listener told about it (e.g. that a debate
    became a conversation because the note has no two sides)."""

    title: str
    sections: tuple[Section, ...]
    notices: tuple[str, ...] = ()

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


FormatName = Literal["conversation", "brief", "debate"]
FORMATS: dict[str, str] = {
    "conversation": "Conversation: both hosts talk the note through",
    "brief": "Brief: one host, the key points in a minute or two",
    "debate": "Debate: the hosts take the note's pros and cons or open questions in turn",
}
BRIEF_WORDS = 230  # about a minute and a half at a typical speaking rate
MAX_FOCUS_CHARS = 500
MAX_TITLE_CHARS = 200
NO_DEBATE_NOTICE = ("This note has no pros and cons or open questions to debate, so the episode is a "
                    "conversation instead.")


def format_name(stored: str | None) -> FormatName:
    """A stored format as a known one (jobs from before formats existed are conversations)."""
    if stored == "brief":
        return "brief"
    return "debate" if stored == "debate" else "conversation"


@dataclass(frozen=True)
class WritingRequest:
    """Everything a writer is asked for: the note, its length in words, the hosts (the first opens the
    episode), the format and an optional focus in the listener's words."""

    note: str
    title: str | None
    target_words: int
    hosts: tuple[str, str]
    format: FormatName = "conversation"
    focus: str | None = None

    @property
    def words_wanted(self) -> int:
        """The target, capped for a brief."""
        return min(self.target_words, BRIEF_WORDS) if self.format == "brief" else self.target_words


class ScriptWriter(Protocol):
    """Writes a two-host dialogue covering a note."""

    name: str
    # Everything besides the note and the hosts that shapes the script (engine, model, prompts): scripts are
    # reused for the same note and hosts only while this stays the same.
    identity: str
    # The languages (ISO 639-1) it writes; None for any (it answers in the note's language).
    languages: frozenset[str] | None
    # True when it can write past what the note says (a model explains and elaborates), so a short note can
    # still fill a long episode; False when the note's own sentences bound the length.
    can_expand: bool

    def write(self, request: WritingRequest) -> Script:
        """A script of about `request.words_wanted` words (fewer when the note is short)."""
        ...
