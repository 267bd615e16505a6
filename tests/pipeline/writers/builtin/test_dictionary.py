"""Names told from common words by hibari's pronunciation dictionary."""

from __future__ import annotations

import pytest

from pipeline.writers.builtin.dictionary import is_name


@pytest.mark.parametrize("word", ["Lisbon", "Lisbon's", "Sarah", "English", "GitHub", "iPhone"])
def test_names_the_dictionary_knows_or_a_capital_inside(word: str) -> None:
    assert is_name(word)


@pytest.mark.parametrize("word", [
    "Sourdough", "Revenue", "Yesterday", "Dashboards", "Bill", "May",  # words first (names too, some)
    "Numbers",  # also a book of the Bible, but first a plural
    "Kahneman", "Standup", "Dedupe", "Tbd",  # unknown: a name or jargon, so left to the rest of the note
])
def test_common_or_unknown_words_are_not_taken_for_names(word: str) -> None:
    assert not is_name(word)
