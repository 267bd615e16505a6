"""The built-in writer's dialogue: what a host echoes back after a line."""

from __future__ import annotations

from pipeline.writers.builtin.dialogue import Dialogue
from pipeline.writers.builtin.facts import read_note
from pipeline.writers.builtin.phrases import Picker

NOTE = "# Remote work pilot\nProductivity rose by 9% in the pilot.\nTickets were closed faster by everyone.\n"


def _reaction(sentence: str) -> str | None:
    note = read_note(NOTE, None)
    [fact] = [fact for fact in note.facts if fact.text.startswith(sentence)]
    return Dialogue(("Alex", "Sam"), note, Picker("seed")).reaction_to(fact)


def test_a_figure_is_echoed_back() -> None:
    reaction = _reaction("Productivity")
    assert reaction is not None and "9%" in reaction


def test_one_common_noun_is_not_echoed_back() -> None:
    reaction = _reaction("Tickets")
    assert reaction is not None and "ickets" not in reaction  # "Tickets. Okay." sounds like a host who missed it
