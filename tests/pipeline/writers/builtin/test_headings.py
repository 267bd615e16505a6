"""How the built-in writer names a heading in a sentence."""

from __future__ import annotations

import pytest

from pipeline.writers.builtin.headings import (
    is_statement,
    names_something,
    spoken_heading,
    spoken_topic,
    subject_phrase,
)


def test_a_heading_is_named_as_a_sentence_would_name_it() -> None:
    assert spoken_heading("Costs", set()) == "the costs"
    assert spoken_heading("Open Questions", set()) == "the open questions"
    assert spoken_heading("Decision", set()) == "the decision"
    assert spoken_heading("Method", set()) == "the method"  # a recipe's steps
    assert spoken_heading("API changes", set()) == "the API changes"
    # fields and mass nouns, clauses, names and headings with their own determiner stay as they are
    assert spoken_heading("Pricing", set()) == "pricing"
    assert spoken_heading("Octopus Intelligence", set()) == "octopus intelligence"
    assert spoken_heading("What we measured", set()) == "what we measured"
    assert spoken_heading("Lessons learned", set()) == "lessons learned"
    assert spoken_heading("Our plan", set()) == "our plan"
    assert spoken_heading("Acme Corp", {"Acme", "Corp"}) == "Acme Corp"
    assert spoken_heading("Costs: what we paid", set()) == "costs: what we paid"
    # an -s the tagger takes for a plural: a rare name, a field, a word that is never "the …"
    assert spoken_heading("Kubernetes", set()) == "kubernetes"
    assert spoken_heading("Economics", set()) == "economics"
    assert spoken_heading("Sales", set()) == "sales"
    # the last word is not the head, or the heading names a field or practice
    assert spoken_heading("Everything about the launch", set()) == "everything about the launch"
    assert spoken_heading("Thoughts on the migration", set()) == "thoughts on the migration"
    assert spoken_heading("Bird migration", set()) == "bird migration"
    assert spoken_heading("Code review", set()) == "code review"
    assert spoken_heading("Product launch", set()) == "the product launch"


def test_a_topic_is_named_like_a_heading_and_a_question_loses_its_mark() -> None:
    assert spoken_topic("Four-day week pilot", set()) == "the four-day week pilot"
    assert spoken_topic("Should we put a heat pump in?", set()) == "Should we put a heat pump in"


@pytest.mark.parametrize(("sentence", "subject"), [
    ("Our city's bike-share program had a big year.", "the bike-share program"),
    ("My mom's garden won a prize.", "the garden"),  # not "the mom's garden"
    ("Jack's bakery closed last week.", "Jack's bakery"),
    ("The new library opens on March 3.", "the new library"),
    ("A new study shows that octopuses dream.", "the new study"),
    ("Sea stars along the coast are recovering.", "sea stars"),
    ("Bees dance to share directions.", "bees"),
    ("My sourdough starter finally works.", "the sourdough starter"),
    ("Acme Corp's revenue grew 12% in Q3.", "Acme Corp's revenue"),
    ("Python 3.13 removes the GIL.", "Python 3.13"),
    # no subject to name: a pronoun, a time, an imperative, a number, a preposition
    ("I started running in January.", ""),
    ("I've been learning to bake sourdough since March.", ""),  # the tagger took "I've" for a name
    ("It's been a long week.", ""),
    ("Tomorrow we launch the new app.", ""),
    ("Last week the council voted on the budget.", ""),
    ("This quarter we shipped the new onboarding flow.", ""),
    ("Buy milk, eggs and bread.", ""),
    ("Review the budget with Sam.", ""),
    ("12% of users churned.", ""),
    ('"Quoted Title" is a book.', ""),
    ("Everyone loves the new cafe.", ""),
    ("In 2013 a disease killed millions of sea stars.", ""),
    # a title-like line whose only "verb" is a misread plural; but a verb with its object or "more" is one
    ("Meeting notes from Tuesday.", ""),
    ("Sleep matters more than diet.", "sleep"),
    ("Remote work is here to stay.", "remote work"),
])
def test_the_subject_a_sentence_opens_with_names_the_topic(sentence: str, subject: str) -> None:
    assert subject_phrase(sentence, set()) == subject


@pytest.mark.parametrize(("line", "states"), [
    ("I went to the market today", True), ("We're moving to Berlin", True), ("The council voted yes", True),
    ("Python 3.13 removes the GIL", True), ("Plan your garden", True),
    ("Why index funds beat most stock pickers", False), ("What we measured", False), ("Lessons learned", False),
    ("Meeting notes from Tuesday", False), ("Things I learned this week", False), ("Open questions", False),
    ("Should we put a heat pump in?", False), ("Q3 planning sync, Oct 14", False), ("My sourdough year", False),
    ("What's new in Notecast 2.4", False), ("Whole Foods opened a store downtown", True),
])
def test_a_heading_that_says_something_is_told_from_one_that_names(line: str, states: bool) -> None:
    assert is_statement(line) is states


@pytest.mark.parametrize(("line", "names"), [
    ("Q3 planning sync, Oct 14", True), ("Why index funds beat most stock pickers", True),
    ("Sourdough starter basics", True), ("Meeting notes from Tuesday", True), ("The apartment hunt", True),
    ("Growing vegetables", True), ("What's new in Notecast 2.4", True),
    ("Time management tips", True),
    ("Yesterday we moved house", False), ("Today I learned about octopuses", False),
    ("Went running this morning", False), ("Made pizza tonight", False), ("Finally finished the book", False),
    ("March 14, 2024", False), ("I went to the market today", False), ("Whole Foods opened a store", False),
])
def test_a_first_line_that_names_is_told_from_a_sentence_without_its_full_stop(line: str, names: bool) -> None:
    assert names_something(line) is names
