"""Language detection with fastText's compact model, run directly."""

from __future__ import annotations

import pytest

from pipeline.writers.language import detect, detect_language

ENGLISH = "The garden needs water every morning, and the tomatoes are finally turning red this week."


@pytest.mark.parametrize(("text", "code"), [
    (ENGLISH, "en"),
    ("Le jardin a besoin d'eau chaque matin, et les tomates commencent enfin à rougir cette semaine.", "fr"),
    ("Der Garten braucht jeden Morgen Wasser, und die Tomaten werden diese Woche endlich rot.", "de"),
    ("庭には毎朝水が必要で、今週はトマトがようやく赤くなってきました。本当にうれしいです。とても良い天気です。", "ja"),
    # written in capitals, English is still English (the model, read capitals, guesses Hungarian at 0.2)
    (ENGLISH.upper(), "en"),
])
def test_the_language_of_a_note(text: str, code: str) -> None:
    found = detect(text)
    assert found is not None and found.code == code and found.decisive


def test_code_and_links_are_not_read_as_prose() -> None:
    note = ("Der Garten braucht jeden Morgen Wasser, und die Tomaten werden endlich rot.\n"
            "```\nfor plant in garden: water(plant)  # the English in this block is code\n```\n"
            "https://example.com/how-to-water-the-english-garden-every-single-morning")
    found = detect(note)
    assert found is not None and found.code == "de"


def test_a_few_words_are_too_little_to_tell() -> None:
    assert detect("Merci beaucoup!") is None
    assert detect_language("Merci beaucoup!") == "the same language as the note"
    assert detect_language(ENGLISH) == "English"
