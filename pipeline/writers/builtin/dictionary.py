"""Which words English writes with a capital, from the pronunciation dictionary inside the hibari-tts wheel
(misaki's curated one, 90,000 words, names capitalised): it tells a name that opens a sentence ("Lisbon was
lovely") from a common word ("Sourdough needs time") when the note never writes it anywhere else."""

from __future__ import annotations

import gzip
import re
import threading
from array import array
from bisect import bisect_left
from functools import cache
from importlib import resources

# (misaki's second, generated dictionary would double the time and memory it takes to load)
_DICTIONARY = "lexicon_us_gold.json.gz"
_loading = threading.Lock()
# The file is one JSON object, word → pronunciation (or → {part of speech → pronunciation}). Only the words are
# wanted: read as JSON, the pronunciations would take 25 MB for a moment, and the process would keep most of it.
_BY_PART_OF_SPEECH = re.compile(r':\{[^{}]*\}')
_KEY = re.compile(r'"((?:[^"\\]|\\.)+)":')


class _SortedWords:
    """A sorted word list in one string: as a set, the dictionary's words would hold about 10 MB."""

    def __init__(self, words: set[str]) -> None:
        ordered = sorted(words)
        self._text = "\n".join(ordered)
        self._starts = array("I", [0])
        for word in ordered:
            self._starts.append(self._starts[-1] + len(word) + 1)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, index: int) -> str:
        return self._text[self._starts[index]:self._starts[index + 1] - 1]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        index = bisect_left(self, word)
        return index < len(self) and self[index] == word


@cache
def _load() -> tuple[_SortedWords, _SortedWords]:
    """(common words, names): every lower-case entry, and the capitalised ones whose lower-case form is not also
    an entry ("Lisbon", not "Bill")."""
    text = gzip.decompress((resources.files("hibari") / "assets" / _DICTIONARY).read_bytes()).decode()
    entries = set(_KEY.findall(_BY_PART_OF_SPEECH.sub(":0", text)))
    common = {word for word in entries if word.islower()}
    names = {word for word in entries if word[:1].isupper() and not word.isupper() and word.lower() not in common}
    return _SortedWords(common), _SortedWords(names)


def _dictionaries() -> tuple[_SortedWords, _SortedWords]:
    if _load.cache_info().currsize:  # loaded: no lock to take
        return _load()
    with _loading:  # two jobs' writers may ask first: one copy, loaded once
        return _load()


def _forms(word: str) -> list[str]:
    """`word` and what it may be inflected from: "numbers" → "number", "paid" stays "paid"."""
    forms = [word]
    for ending, base in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: -len(ending)] + base)
    return forms


def is_name(word: str) -> bool:
    """Whether a capitalised word that opens a sentence is a name rather than a common word: a name the
    dictionary knows ("Lisbon", "Sarah"; not "Numbers", a plural first), or one with a capital inside ("GitHub").
    A word it does not know at all may be either ("Kahneman", but also "Standup" or "Dedupe"): it is not
    taken for a name."""
    bare = word.removesuffix("'s").removesuffix("’s")
    if any(letter.isupper() for letter in bare[1:]):
        return True
    common, names = _dictionaries()
    return bare in names and not any(form in common for form in _forms(bare.lower())[1:])


def is_common_word(word: str) -> bool:
    """Whether the dictionary holds `word` (lower-cased), or what it is inflected from, as a common word."""
    common, _ = _dictionaries()
    return any(form in common for form in _forms(word.lower()))
