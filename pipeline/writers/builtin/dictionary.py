"""Which words English writes in lower case, from the pronunciation dictionary inside the hibari-tts wheel
(misaki's curated one, 90,000 words, names capitalised): it tells a name that opens a sentence ("Kahneman
argues…", "Lisbon was lovely") from a common word ("Sourdough needs time") when the note never writes it
anywhere else."""

from __future__ import annotations

import gzip
import re
import threading
from array import array
from bisect import bisect_left
from functools import cache
from importlib import resources

from pipeline.writers.builtin.tagging import is_common as tagger_knows

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
    with _loading:  # two jobs' writers may ask first: one copy, loaded once
        return _load()


def _forms(word: str) -> list[str]:
    """`word` and what it may be inflected from: "dashboards" → "dashboard", "migrated" → "migrate"."""
    forms = [word]
    for ending, base in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                         ("ly", "")):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: -len(ending)] + base)
    return forms


def _is_common(word: str, common: _SortedWords) -> bool:
    # the tagger's words fill in the dictionary's inflections ("went")
    if any(form in common or tagger_knows(form) for form in _forms(word)):
        return True
    # a compound of two words ("frontend", "webhooks", "headcount"); a name seldom splits so
    return any(word[:cut] in common and any(form in common for form in _forms(word[cut:]))
               for cut in range(2, len(word) - 2))


def is_name(word: str) -> bool:
    """Whether a capitalised word is a name rather than a common word written with a capital because it opens a
    sentence: a name the dictionary knows ("Lisbon"), or a word it does not know at all ("Kahneman",
    "Kubernetes"), or one with a capital inside ("GitHub"), unless it is made of known words ("Frontend",
    "Dashboards", "Follow-up")."""
    common, names = _dictionaries()
    bare = word.removesuffix("'s").removesuffix("’s")
    lower = bare.lower()
    # "Numbers" is also a book of the Bible: an inflected common word is that word
    if (bare in names and not any(form in common for form in _forms(lower)[1:])) or any(
            letter.isupper() for letter in bare[1:]):
        return True
    return not all(_is_common(part, common) for part in lower.split("-") if part)
