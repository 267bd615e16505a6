"""How long an episode a note can fill, before anything is generated, so nobody picks 10 minutes for a note
that makes 3."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.audio.mix import MixSettings
from pipeline.durations import DURATIONS, WORDS_PER_MINUTE, spoken_length, target_seconds
from pipeline.episode.length import pace_key, target_words
from pipeline.providers import Providers
from pipeline.writers.base import FormatName, WritingRequest
from pipeline.writers.notes import note_notices
from store import pace
from store.db import Database

_UNLIMITED = 1_000_000
FILLS = 0.85  # a script this close to its target is the length asked for


@dataclass(frozen=True)
class LengthEstimate:
    """One length on offer: what it aims for, what this note would make, and whether that is the same."""

    duration: str
    target_seconds: int
    seconds: int
    fills: bool


@dataclass(frozen=True)
class Estimate:
    """Every length for one note, the most the note can make (None when the writer can fill any length), and
    the notices a job for it would get at once."""

    lengths: list[LengthEstimate]
    most_seconds: int | None
    notices: list[str]

    @property
    def summary(self) -> str:
        """One sentence for people: "This note makes about 3-4 minutes."."""
        if self.most_seconds is None:
            return "The script writer can fill any of the lengths."
        return f"This note makes {spoken_length(self.most_seconds)}."


def estimate(providers: Providers, mix: MixSettings, db: Database, note: str, title: str | None,
             format_name: FormatName, focus: str | None, hosts: list[dict[str, str]] | None) -> Estimate:
    """Write the whole script once with no length limit (the built-in writer is quick and deterministic) and
    compare its words with each length's target at this server's measured speaking rate."""
    cast = providers.cast_for(hosts)
    rate = pace.words_per_second(db, pace_key(cast, mix)) or WORDS_PER_MINUTE / 60
    notices = note_notices(note)
    if providers.writer.can_expand:
        lengths = [LengthEstimate(name, target_seconds(name, format_name), target_seconds(name, format_name), True)
                   for name in DURATIONS]
        return Estimate(lengths, None, notices)
    script = providers.writer.write(WritingRequest(note, title, _UNLIMITED, cast.names, format_name, focus))
    lengths = []
    for name in DURATIONS:
        wanted = WritingRequest(note, title, target_words(name, rate), cast.names, format_name, focus).words_wanted
        words = min(script.words, wanted)
        lengths.append(LengthEstimate(name, target_seconds(name, format_name), round(words / rate),
                                      script.words >= FILLS * wanted))
    return Estimate(lengths, round(script.words / rate), [*notices, *script.notices])
