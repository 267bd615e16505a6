"""Sentences and words as a listener hears them; shared by the script writers and the voices that must cut
long turns."""

from __future__ import annotations

import re

# Split after . ! ? (and closing quotes/brackets) when the next word starts like a new sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "approx.", "No.")
_WORD = re.compile(r"[\w'’-]+")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping common abbreviations intact."""
    guarded = text
    for abbreviation in _ABBREVIATIONS:
        guarded = guarded.replace(abbreviation, abbreviation.replace(".", "\x01"))
    parts = _SENTENCE_END.split(guarded)
    return [part.replace("\x01", ".").strip() for part in parts if part and part.strip()]


def word_count(text: str) -> int:
    """Words as a listener hears them."""
    return len(_WORD.findall(text))
