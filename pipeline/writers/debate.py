"""Which of a note's sentences argue for, argue against, or leave a question open: what a debate is made of.
Both writers use it, so they agree on when a note can be debated at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipeline.writers.notes import CODE_BLOCK, NoteSection

Side = Literal["pro", "con", "question"]

_HEADING_SIDES: dict[Side, re.Pattern[str]] = {
    "question": re.compile(r"\b(open questions?|questions|unknowns|unresolved|to be decided|tbd)\b", re.I),
    "con": re.compile(r"\b(cons|disadvantages?|drawbacks?|downsides?|risks?|concerns?|arguments against|"
                      r"the case against|weakness(es)?|limitations?|criticisms?|objections?)\b", re.I),
    "pro": re.compile(r"\b(pros|advantages?|benefits?|upsides?|strengths?|arguments for|the case for|why yes)\b",
                      re.I),
}
_CON_OPENERS = re.compile(r"^(however|but|on the other hand|the downside|the catch|critics|one risk|the risk)\b",
                          re.I)


@dataclass(frozen=True)
class SideSentences:
    """Positions (section index, sentence index) of the note's sentences on each side."""

    pros: tuple[tuple[int, int], ...]
    cons: tuple[tuple[int, int], ...]
    questions: tuple[tuple[int, int], ...]

    @property
    def debatable(self) -> bool:
        """Two sides to take, or open questions to take in turn."""
        return bool(self.pros and self.cons) or len(self.questions) >= 2


def heading_side(heading: str | None) -> Side | None:
    """The side a section argues, from its heading ("Cons", "Open questions", "Benefits")."""
    matched = [side for side, pattern in _HEADING_SIDES.items() if heading and pattern.search(heading)]
    return matched[0] if len(matched) == 1 else None  # "Pros and cons" says nothing of its sentences


def sides(sections: list[NoteSection]) -> SideSentences:
    """Every sentence with a side: by its section's heading, else a question the note asks, else a sentence that
    opens with an objection ("However, …")."""
    found: dict[Side, list[tuple[int, int]]] = {"pro": [], "con": [], "question": []}
    for index, section in enumerate(sections):
        by_heading = heading_side(section.heading)
        for position, sentence in enumerate(section.sentences):
            if sentence == CODE_BLOCK:
                continue
            side: Side | None = by_heading
            if sentence.rstrip().endswith("?"):
                side = "question"
            elif side is None and _CON_OPENERS.match(sentence):
                side = "con"
            if side is not None:
                found[side].append((index, position))
    return SideSentences(tuple(found["pro"]), tuple(found["con"]), tuple(found["question"]))
