"""The built-in writer's reading of sentences: person, case, terms, causes, numbers, clauses, key phrases."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.writers.builtin.person import third_person
from pipeline.writers.builtin.reading import (
    cause,
    counted_noun,
    definition,
    first_clause,
    is_wh_phrase,
    key_phrase,
    lower_first,
    number_phrase,
    proper_words,
    sentence_case,
    with_article,
)
from pipeline.writers.builtin.tagging import noun_phrases


@pytest.mark.parametrize(("sentence", "said"), [
    ("I've been baking sourdough every weekend.", "They've been baking sourdough every weekend."),
    ("My starter is called Bubbles.", "Their starter is called Bubbles."),
    ("Last year I was too busy to bake.", "Last year they were too busy to bake."),
    ("I am not a morning person.", "They are not a morning person."),
    ("We moved the launch because our tests failed.", "They moved the launch because their tests failed."),
    ("Let me know if you want some.", "Let them know if you want some."),
    ("The US team shipped it.", "The US team shipped it."),
    ('She said "I love it" to me.', 'She said "I love it" to them.'),
    ("Disk I/O doubled on the I-95 build.", "Disk I/O doubled on the I-95 build."),
    ("World War I ended in 1918.", "World War I ended in 1918."),
    ("After Henry I died, Phase I began.", "After Henry I died, Phase I began."),
    # a capital before "I" that opens the sentence, or a month or a weekday, is no king's name
    ("By June I could run 10 km.", "By June they could run 10 km."),
    ("Then I went home. Today I rest.", "Then they went home. Today they rest."),
    ("On Monday I start.", "On Monday they start."),
    ("The WE brand and ME/CFS research.", "The WE brand and ME/CFS research."),
    ("Let us begin.", "Let us begin."),
])
def test_the_authors_first_person_becomes_the_third(sentence: str, said: str) -> None:
    assert third_person(sentence) == (said, sentence != said)


def test_headings_are_said_in_sentence_case_keeping_names_and_acronyms() -> None:
    assert sentence_case("Octopus Intelligence", set()) == "octopus intelligence"
    # a heading already in sentence case says which of its words are names; a Title Case one cannot
    names = proper_words(["Revenue grew."], ["Q3 results for Acme Corp", "Octopus Intelligence"])
    assert sentence_case("Q3 results for Acme Corp", names) == "Q3 results for Acme Corp"
    assert sentence_case("Octopus Intelligence", names) == "octopus intelligence"
    clauses = proper_words([], ["Week 3: What we learned about invoices", "What went wrong"])
    assert sentence_case("Week 3: What we learned about invoices", clauses) == "week 3: what we learned about invoices"


def test_a_name_that_only_opens_sentences_keeps_its_capital_and_a_common_word_does_not() -> None:
    sentences = ["Lisbon was lovely.", "Sourdough needs time.", "Numbers went up.", "GitHub is down.",
                 "Standup went long."]
    names = proper_words(sentences, ["Sarah's plan: Porto in May", "Takeaways"])
    assert {"Lisbon", "GitHub", "Sarah's", "Porto"} <= names  # names the dictionary knows, a capital inside
    assert not {"Sourdough", "Numbers", "Standup", "Takeaways"} & names  # words, or unknown
    assert lower_first("Lisbon was lovely.", names) == "Lisbon was lovely."
    assert lower_first("Sourdough needs time.", names) == "sourdough needs time."
    # what the note itself writes in lower case is taken as written
    assert "Lisbon" not in proper_words(["Lisbon was lovely.", "Next year we fly to lisbon again."])


def test_a_heading_clause_after_a_colon_keeps_the_names_in_it() -> None:
    heading = "Quarterly results: Acme Corp and Globex"  # the heading, not its clause, is in sentence case
    assert sentence_case(heading, proper_words([], [heading])).endswith("Corp and Globex")


def test_titles_before_names_keep_their_capital() -> None:
    names = proper_words(["Dr. Smith presented the plan.", "Mr. O'Neil agreed."])
    assert lower_first("Dr. Smith presented the plan.", names) == "Dr. Smith presented the plan."
    assert lower_first("Mr. O'Neil agreed.", names) == "Mr. O'Neil agreed."
    assert lower_first("The plan worked.", names) == "the plan worked."
    assert sentence_case("Deploying To AWS With Terraform", {"Terraform"}) == "deploying to AWS with Terraform"
    assert is_wh_phrase("What went wrong") and not is_wh_phrase("What went wrong?")
    assert not is_wh_phrase("Greens and browns")


def test_terms_being_defined_are_found() -> None:
    assert definition("Chromatophores are pigment cells in the skin.", set()) == ("are", "chromatophores")
    assert definition("An SLO is a target for reliability.", set()) == ("is", "an SLO")
    assert definition("The billing migration is 80% done.", set()) is None
    assert definition("Latency means the time a request waits.", set()) == ("means", "latency")
    assert definition("It is a good idea to rest the dough.", set()) is None


def test_causes_split_into_what_happened_and_why() -> None:
    assert cause("The build failed because the cache was stale.", set()) == (
        "the build failed", "the cache was stale.")
    assert cause("Because the oven runs hot, the loaf bakes in 40 minutes.", set()) == (
        "the loaf bakes in 40 minutes", "the oven runs hot")
    assert cause("It broke because.", set()) is None


def test_numbers_keep_what_they_count() -> None:
    assert number_phrase("An octopus has 500 million neurons, as many as a dog.") == "500 million neurons"
    assert number_phrase("Add 220 grams of water.") == "220 grams"
    assert number_phrase("No numbers here.") is None
    assert number_phrase("A 30-day warning.") is None and number_phrase("It rose by 40%.") == "40%"
    assert number_phrase("Revenue grew 12.5% year over year.") == "12.5%"
    assert number_phrase("MySQL 5.7 reached end of life.") is None  # a verb follows: 5.7 counts nothing
    assert number_phrase("After 5 builds it passed.") == "5 builds"
    assert number_phrase("It was 85 ℃ at noon.") == "85 ℃"
    assert counted_noun("It has 500 million neurons.") == "neurons"
    assert counted_noun("It takes 40% longer.") is None
    assert counted_noun("A pilot with 38 people.") == "people"
    # money counts no noun: what follows is the verb
    assert counted_noun("Losing $100 feels twice as bad as winning $100 feels good.") is None
    assert number_phrase("Losing $100 feels twice as bad.") == "$100"
    assert counted_noun("Losing ₹100 feels twice as bad.") is None
    # a time measures how long or how often: "How many weeks?" asks nothing
    assert counted_noun("A rota, rotating every 4 weeks.") is None
    assert counted_noun("Response time rose from 2.1 hours to 2.6 hours.") is None
    assert counted_noun("Over 5 days, 300 people answered.") == "people"  # the count after a length of time
    assert counted_noun("In 2020 people started working from home.") is None  # a year counts nothing
    assert counted_noun("A delay of 200 milliseconds.") is None
    # a release is no amount: "How many removes?" and "3.13 removes" were asked and echoed
    assert number_phrase("Python 3.13 removes the GIL.") is None and counted_noun("Python 3.13 removes it.") is None
    assert number_phrase("We shipped version 2.4 with 12 fixes.") == "12 fixes"
    assert number_phrase("It weighs 2.5 kilograms.") == "2.5 kilograms"
    assert number_phrase("About 2.5 million people came.") == "2.5 million people"


def test_a_name_before_its_version_keeps_its_capital_and_an_amount_word_does_not() -> None:
    assert lower_first("Python 3.13 removes the GIL", set()) == "Python 3.13 removes the GIL"
    assert lower_first("About 2.5 million people came", set()) == "about 2.5 million people came"
    assert lower_first("Nearly 1.5 kg a day", set()) == "nearly 1.5 kg a day"


def test_first_clauses_are_shorter_than_their_sentence() -> None:
    assert first_clause("An octopus has about 500 million neurons, as many as a dog.", set()) == (
        "an octopus has about 500 million neurons")
    assert first_clause("Most species live only 1 to 2 years.", set()) is None  # the whole sentence
    assert first_clause("In lab tests, octopuses opened jars.", set()) is None  # a fragment
    # cut before "that", the clause would end on its verb and leave out what was said
    assert first_clause("Atomic Habits by James Clear argues that small changes compound.", set()) is None
    # "and" inside a noun phrase is no break: "a starter is just flour" says something else
    assert first_clause("A starter is just flour and water left to ferment.", set()) is None
    assert first_clause("The crew fixed the scrubber and the ground team cheered loudly.", set()) == (
        "the crew fixed the scrubber")


def test_a_month_or_a_weekday_is_no_key_phrase() -> None:
    frequency = Counter({"april": 3, "tank": 1})
    assert key_phrase("On April 13 an oxygen tank exploded.", frequency, set()) == "oxygen tank"
    assert key_phrase("We meet on Tuesday.", Counter({"tuesday": 2}), set()) is None
    assert key_phrase("It ends in March.", Counter({"march": 2}), set()) is None
    assert key_phrase("The march drew 10,000 people.", Counter({"march": 2}), set()) == "march"  # a word too


def test_the_first_word_of_a_name_keeps_its_capital() -> None:
    assert lower_first("Atomic Habits by James Clear argues", {"Habits", "James", "Clear"}) == (
        "Atomic Habits by James Clear argues")
    assert lower_first("Sea stars cling to rocks", {"Pacific"}) == "sea stars cling to rocks"


def test_key_phrases_are_noun_phrases_weighted_by_the_note() -> None:
    assert noun_phrases("Sea stars cling to rocks with hundreds of tiny tube feet.") == [
        "Sea stars", "rocks", "hundreds", "tiny tube feet"]
    frequency = Counter({"neurons": 3, "dog": 1})
    assert key_phrase("An octopus has 500 million neurons, as many as a dog.", frequency, set()) == "neurons"
    assert key_phrase("It is what it is.", frequency, set()) is None
    # a label names the sentence's part of the note, not what it says
    assert key_phrase("Tip: bring a water bottle.", Counter({"tip": 3, "water": 1}), set()) == "water bottle"
    assert key_phrase("Churn: 3.1%, the highest this year.", Counter({"churn": 2}), set()) == "churn"  # its subject
    assert key_phrase("200 g flour.", Counter({"flour": 2}), set()) == "flour"  # not "g flour"
    # the steps of a recipe open with verbs the tagger takes for nouns
    assert noun_phrases("Whisk everything.") == ["everything"] and noun_phrases("Rest for 30 minutes.") == ["minutes"]
    assert noun_phrases("Rest is important after a marathon.") == ["Rest", "marathon"]
    # an imperative's verb, capitalised, is read as a noun unless the sentence is also read lowered
    assert noun_phrases("Buy milk, eggs and bread.") == ["milk", "eggs", "bread"]
    assert noun_phrases("Review the budget with Sam.") == ["budget", "Sam"]


def test_advice_is_not_asked_about_as_a_cause_and_hyphenated_words_stay_whole() -> None:
    assert cause("Let the loaf cool for an hour before cutting it, because the crumb is still setting.", set()) is None
    assert noun_phrases("We moved to blue-green releases last year.") == ["blue-green releases", "last year"]


def test_an_ordinal_stays_whole_in_a_noun_phrase() -> None:
    assert noun_phrases("The 2nd half will be tough.") == ["2nd half"]


def test_a_question_names_a_singular_thing_with_its_article_and_plurals_and_names_without() -> None:
    assert with_article("new plant", "The new plant runs hot.", set()) == "the new plant"
    assert with_article("2nd half", "The 2nd half will be tough.", set()) == "the 2nd half"
    assert with_article("NAT gateway costs", "Review the NAT gateway costs.", set()) == "NAT gateway costs"
    assert with_article("hundreds", "Hundreds of users signed up.", set()) == "hundreds"
    assert with_article("NPS", "Our NPS rose.", set()) == "NPS"
    # a name that only ever opens a sentence is not among the known names, but the tagger knows it
    assert with_article("acme Corp", "Acme Corp grew fast.", set()) == "acme Corp"

