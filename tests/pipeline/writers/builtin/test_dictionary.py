"""Names told from common words by hibari's pronunciation dictionaries."""

from __future__ import annotations

import pytest

from pipeline.writers.builtin.dictionary import is_name


@pytest.mark.parametrize("word", ["Kahneman", "Kahneman's", "Lisbon", "Sarah", "English", "Kubernetes", "GitHub",
                                  "Priya"])
def test_names_known_or_unknown(word: str) -> None:
    assert is_name(word)


@pytest.mark.parametrize("word", [
    "Sourdough", "Revenue", "Yesterday",  # in the dictionary
    "Dashboards", "Migrated", "Refactoring",  # inflected from a word in it
    "Numbers",  # also a book of the Bible, but first a plural
    "Frontend", "Webhooks", "Onsite", "Follow-up",  # made of words in it
    "Bill", "May",  # names and words both: a sentence opening with one is more likely the word
])
def test_common_words(word: str) -> None:
    assert not is_name(word)
