"""HTML in a note is markup, not words: what the hosts would otherwise read aloud ("img src"), and what a
hostile note cannot make slow."""

from __future__ import annotations

import pytest

from pipeline.writers.markup import without_hidden, without_tags
from pipeline.writers.notes import parse_note


def _said(note: str) -> list[str]:
    return [sentence for section in parse_note(note) for sentence in section.sentences]


def test_tags_comments_and_scripts_are_not_said_outside_code() -> None:
    [section] = parse_note("# Cats <small>draft</small>\n\n<img src=\"cat.png\" alt=\"A cat\"> Cats <b>purr</b>.<br>"
                           "<!-- todo --> Say <script>alert(1)</script> aloud.\n\nUse `<br>` for breaks.")
    assert section.heading == "Cats draft"
    assert section.sentences == ["Cats purr.", "Say aloud.", "Use <br> for breaks."]


def test_inline_elements_keep_words_whole_and_block_elements_part_them() -> None:
    assert _said("Water is H<sub>2</sub>O, <em>un</em>believably.") == ["Water is H2O, unbelievably."]
    assert _said("<p>One.</p><p>Two.</p>") == ["One.", "Two."]


def test_a_comment_or_style_over_several_paragraphs_is_left_out_whole() -> None:
    note = "Before <!-- a note to self\n\nstill the note --> after.\n\n<style>\np { color: red }\n\n</style>\nLast."
    assert _said(note) == ["Before after.", "Last."]
    assert _said("<!-- a `code` b --> c. <script>let s = `hi`;</script> d.") == ["c. d."]


def test_what_is_not_html_stays_as_written() -> None:
    prose = "If x <y and y> z, then <svg onload=go()> stays."
    assert _said(prose) == [prose]
    assert _said("If a<b and c>d then stop.") == ["If a<b and c>d then stop."]  # a comparison, not a tag
    assert _said("Kept <!-- never closed. And <script>never closed.") == ["Kept <!-- never closed.",
                                                                        "And never closed."]
    assert without_tags("<img alt=\"a > b\" src=x> after").strip() == "after"  # the quoted ">" is the alt text


def test_letters_that_change_length_in_lower_case_do_not_shift_what_is_left_out() -> None:
    assert _said("İzmir, İstanbul, İznik. <!-- x --> The tour took ten days.") == [
        "İzmir, İstanbul, İznik.", "The tour took ten days."]


@pytest.mark.parametrize("hostile", ["<!--" * 25_000, "<script>" * 12_500, "<style>" * 14_285, "<b " * 33_333,
                                     '<a href="' * 11_111, "<" * 100_000])
def test_a_hostile_note_is_read_in_linear_time(hostile: str) -> None:
    # each of these, searched once per opening for a closing mark it lacks, took from 15 s to minutes
    cleaned = without_tags(without_hidden(hostile))
    assert len(cleaned) <= len(hostile)
    assert cleaned == hostile if hostile.startswith(("<!--", "<b ", "<a", "<<")) else not cleaned.strip()
