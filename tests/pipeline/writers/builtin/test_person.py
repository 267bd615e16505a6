"""A diary's left-out "I" said, before the author's first person becomes "they"."""

from __future__ import annotations

import pytest

from pipeline.writers.builtin.person import third_person, with_subject


@pytest.mark.parametrize(("written", "said"), [
    ("Woke up early and walked to Belém.", "I woke up early and walked to Belém."),
    ("Took tram 28 back up to Alfama; it was packed.", "I took tram 28 back up to Alfama; it was packed."),
    ("Went running this morning.", "I went running this morning."),
    ("Fixed the login bug.", "I fixed the login bug."),
    ("Finished the report, then went home.", "I finished the report, then went home."),
    ("Picked up the keys.", "I picked up the keys."),
    # a subject of its own, or a description: as written
    ("Rained all day.", "Rained all day."),
    ("Translated by Gregory Hays.", "Translated by Gregory Hays."),
    ("Published in 2011.", "Published in 2011."),
    ("Made in Italy.", "Made in Italy."),
    ("Held every Tuesday at 10.", "Held every Tuesday at 10."),
    ("Grilled sardines, green wine and bread.", "Grilled sardines, green wine and bread."),
    ("Sealed jars last a year.", "Sealed jars last a year."),
    ("Ted and Ann came over.", "Ted and Ann came over."),
    ("Updated dependencies.", "Updated dependencies."),
    ("Used cars are cheap.", "Used cars are cheap."),
    ("Tired kids slept early.", "Tired kids slept early."),
    ("Ted called.", "Ted called."),
    ("Based on the data, we should wait.", "Based on the data, we should wait."),
    ("Built in 1920, the house was cheap.", "Built in 1920, the house was cheap."),
    ("Need new shoes.", "Need new shoes."),  # not a past form: left to the imperative rules
    ("Dinner was grilled sardines.", "Dinner was grilled sardines."),
])
def test_a_diary_s_left_out_i_is_said(written: str, said: str) -> None:
    assert with_subject(written) == said


def test_the_said_i_is_the_author_s_they() -> None:
    assert third_person(with_subject("Took the night train to Porto.")) == ("They took the night train to Porto.", True)
