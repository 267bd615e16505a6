"""How the built-in writer names a heading in a sentence."""

from __future__ import annotations

from pipeline.writers.builtin.headings import spoken_heading, spoken_topic


def test_a_heading_is_named_as_a_sentence_would_name_it() -> None:
    assert spoken_heading("Costs", set()) == "the costs"
    assert spoken_heading("Open Questions", set()) == "the open questions"
    assert spoken_heading("Decision", set()) == "the decision"
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
