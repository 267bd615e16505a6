"""Markdown notes become sections of speakable sentences."""

from __future__ import annotations

import pytest

from pipeline.sentences import split_sentences
from pipeline.writers import notes
from pipeline.writers.notes import CODE_BLOCK, note_notices, parse_note, speakable


def test_headings_start_sections_in_order() -> None:
    sections = parse_note("Intro line.\n\n# One\nFirst.\n\n## Two\nSecond.\n### Three\nThird.")
    assert [s.heading for s in sections] == [None, "One", "Two", "Three"]
    assert [s.sentences for s in sections] == [["Intro line."], ["First."], ["Second."], ["Third."]]


def test_bullets_numbered_lists_and_tasks_become_sentences() -> None:
    sections = parse_note("- first point\n* second point!\n1. third point\n- [x] done task")
    assert sections[0].sentences == ["first point.", "second point!", "third point.", "done task."]


def test_inline_markup_links_urls_and_emoji_are_made_speakable() -> None:
    text = "Read **this** [guide](https://x.io/a) at https://www.example.com/path 🚀 and run `ls`."
    assert speakable(text) == "Read this guide at example.com and run ls."
    assert speakable("It runs at 85 °C ✅ (№ 5).") == "It runs at 85 °C (№ 5)."


def test_underscores_inside_words_are_no_emphasis() -> None:
    assert speakable("Run pg_upgrade, then recreate pg_stat_statements.") == (
        "Run pg_upgrade, then recreate pg_stat_statements.")
    assert speakable("It is _really_ __fast__ and **a**b.") == "It is really fast and ab."
    assert speakable("**bold *and* italic**, ***both***, ~~a *b* c~~") == "bold and italic, both, a b c"


@pytest.mark.parametrize(("written", "said"), [
    ("Revenue  grew , a lot .", "Revenue grew, a lot."),  # plain text is only tidied
    ("a <b>bold</b> move", "a bold move"), ("see [the docs](x) now", "see the docs now"),
    ("see ![a chart](c.png) here", "see a chart here"), ("go to http://a.io/x now", "go to a.io now"),
    ("run `ls` now", "run ls now"), ("a *big* win", "a big win"), ("a _big_ win", "a big win"),
    ("a ~~big~~ win", "a big win"), ("a win 🎉 today", "a win today"),
    ("see http://[oops for details", "see a link for details"),  # no host to say (and no crash)
])
def test_each_kind_of_markup_is_rewritten_even_alone_on_its_line(written: str, said: str) -> None:
    # plain lines skip the rewrites: each kind of markup must still be seen when it is the only one
    assert speakable(written) == said


def test_code_blocks_are_replaced_by_a_marker() -> None:
    sections = parse_note("Before.\n```\nrm -rf /\n```\nAfter.")
    assert sections[0].sentences == ["Before.", CODE_BLOCK, "After."]


def test_table_rows_are_read_under_their_column_names_and_rules_are_skipped() -> None:
    sections = parse_note("| Step | Owner | ETA |\n|---|---|---|\n| Schema review | Priya | 2 weeks |\n"
                          "| Data copy | Tom |  |\n\n---\n")
    assert sections[0].sentences == ["Schema review: owner Priya, ETA 2 weeks.", "Data copy: owner Tom."]
    # without a |---| line there are no column names: each row is read as it is, and a rule under the rows
    # loses none of them
    assert parse_note("| Ada | 36 |\n| Alan | 41 |\n---")[0].sentences == ["Ada, 36.", "Alan, 41."]
    # a code block between a row and a |---| line: the row is read, the code marker kept
    assert parse_note("| Cmd | Effect |\n```\nls\n```\n|---|---|\n| ls | lists |")[0].sentences == [
        "Cmd, Effect.", CODE_BLOCK, "ls, lists."]
    # column names keep capitals that are not just the first letter's
    assert parse_note("| Step | GitHub | ETA date |\n|---|---|---|\n| Review | yes | May 2 |")[0].sentences == [
        "Review: GitHub yes, ETA date May 2."]


def test_sentences_split_but_abbreviations_hold() -> None:
    assert split_sentences("Use tools, e.g. a hammer. Then rest! Done?") == [
        "Use tools, e.g. a hammer.", "Then rest!", "Done?"]


def test_only_links_are_told_they_are_not_fetched_and_many_links_are_read_in_linear_time() -> None:
    assert "Links are not fetched" in note_notices("<https://a.example/x> [docs](https://b.example) https://c.d")[0]
    # each of these once made the link pattern backtrack for minutes
    assert "very short" in note_notices("<http://a> " * 30 + "x")[0]
    assert note_notices("http://a " * 60 + "!") == []  # sixty words: not short, and not only links


def test_a_job_is_named_from_its_first_heading_or_sentence_until_the_script_names_it() -> None:
    from pipeline.writers.notes import provisional_title

    assert provisional_title("Intro text.\n\n# Tide pools\n\nMore.") == "Tide pools"
    assert provisional_title("Bees dance to share directions. They hum.") == "Bees dance to share directions."
    long = provisional_title("word " * 100)
    assert long.endswith("…") and len(long) <= 81


def test_a_long_note_is_judged_short_or_not_from_its_opening_only_when_that_settles_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    real_parse = notes.parse_note
    monkeypatch.setattr(notes, "parse_note", lambda text: parsed.append(len(text)) or real_parse(text))
    prose = "\n\n".join(f"Paragraph {n} says several plain words about the sea." for n in range(2_000))
    assert note_notices(prose) == []
    assert len(prose) > 100_000 and max(parsed) < 3_000, "the opening settled it"

    parsed.clear()
    code = "```\n" + "x = 1\n\n" * 1_000 + "```\n\nJust these few words are said."
    assert "very short (6 words)" in note_notices(code)[0]
    assert max(parsed) == len(code), "an opening of code says nothing, so the whole note is read"
    # "> >" ends no paragraph: a link running across it is one, whose address is not said
    quoted = "```\n" + "x = 1\n" * 400 + "```\n> > See [the notes](notes/" + "word/" * 60 + "\n> >\n> > ) now."
    assert "very short (4 words)" in note_notices(quoted)[0]
    late = "```\n" + "x = 1\n\n" * 1_000 + "```\n\n" + "Words after the code count too. " * 10
    assert note_notices(late) == []


def test_a_short_first_line_standing_alone_is_marked_as_a_possible_title() -> None:
    # marked, not made a heading: only a writer that can tell "Q3 planning sync" from "Went running today" knows
    # which is a name; the excerpt, the title before the script and the word count read it as they did
    sections = parse_note("Q3 planning sync, Oct 14\n\nAttendees: Maria, Dev\n- Revenue rose 8%.\n")
    assert [(s.heading, s.sentences, s.opens_with_title_line) for s in sections] == [
        (None, ["Q3 planning sync, Oct 14", "Attendees: Maria, Dev", "Revenue rose 8%."], True)]
    assert parse_note("\n  Why index funds win  \n\nMost funds lose.")[0].opens_with_title_line
    assert parse_note("Had a great day at the beach! 🎉\n\nThe water was warm.")[0].opens_with_title_line is False


@pytest.mark.parametrize("note", [
    "Buy milk\n\nCall mom\n",  # a list of lines, not a title and its notes
    "Buy milk\n\nCall mom\n\nPay rent",
    "A line that runs on\ninto a sentence.\n\nMore.",  # a paragraph
    "This note ends its first line with a period.\n\nMore.",
    "One line only",
    "https://example.com/a-story\n\nRead later.",
    "=====\n\nThe team demoed the app.",
    "# A heading\n\nText.",
])
def test_other_first_lines_are_not_marked(note: str) -> None:
    assert not any(section.opens_with_title_line for section in parse_note(note))


def test_a_short_line_right_above_a_list_is_marked_as_its_heading() -> None:
    note = "What went well\n- Signups doubled.\n\nNext steps:\n- Fix the crash.\n"
    assert [(s.heading, s.sentences, s.heads_a_list) for s in parse_note(note)] == [
        ("What went well", ["Signups doubled."], True), ("Next steps", ["Fix the crash."], True)]


def test_a_line_that_wraps_a_list_item_belongs_to_it() -> None:
    note = "- Call the landlord about the leak under the\n  kitchen sink\n- Pay the bill\nstill due\n\nAfter."
    assert parse_note(note)[0].sentences == [
        "Call the landlord about the leak under the kitchen sink.", "Pay the bill still due.", "After."]


@pytest.mark.parametrize("note", [
    "Attendees: Maria, Dev\n- Revenue rose.",  # a label with its content
    "I need to buy:\n- milk",  # a sentence
    "Revenue grew.\n- Costs fell.",
    "A paragraph that runs\nover two lines\n- then a list",
])
def test_other_lines_above_a_list_are_sentences(note: str) -> None:
    assert parse_note(note)[0].heading is None


def test_a_sentence_is_closed_once() -> None:
    assert notes.as_sentence("Attendees: Maria, Dev") == "Attendees: Maria, Dev."
    assert notes.as_sentence('NASA called it a "successful failure."') == 'NASA called it a "successful failure."'
    assert notes.as_sentence("Renew passport (expires in March)") == "Renew passport (expires in March)."
    assert notes.as_sentence("Things to buy:") == "Things to buy:" and notes.as_sentence("and so on,") == "and so on."
