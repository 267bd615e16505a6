"""Meeting notes' shorthand said as sentences."""

from __future__ import annotations

import pytest

from pipeline.writers.builtin.meeting import is_attendance, named_part, said_plainly

PEOPLE = {"Priya", "Dev", "Maria", "Tom", "Ana", "Lima"}  # as proper_words finds them: word by word


@pytest.mark.parametrize(("written", "said"), [
    ("Attendees: Maria, Dev, Priya, Tom.", "Maria, Dev, Priya and Tom were there."),
    ("Present: Maria and Dev", "Maria and Dev were there."),
    ("Participants: Priya", "Priya was there."),
    ("Priya: draft the consent copy by Friday.", "Priya will draft the consent copy by Friday."),
    ("Dev to fix the push bug.", "Dev will fix the push bug."),
    ("Ana Lima – review the budget.", "Ana Lima will review the budget."),
    # as written: a label is no owner, a statement is no action, a stranger's name is not guessed at
    ("Note: check the logs first.", "Note: check the logs first."),
    ("Decision: ship dark mode in 2.3.", "Decision: ship dark mode in 2.3."),
    ("Tom: the numbers look good.", "Tom: the numbers look good."),
    ("Sam: review the budget.", "Sam: review the budget."),
    ("Attendees: the whole design team.", "Attendees: the whole design team."),
    ("Revenue: up 8% on plan.", "Revenue: up 8% on plan."),
    ("Kwame: book the room.", "Kwame will book the room."),  # unknown to the dictionary: a name
    ("Monday: fly to Lisbon.", "Monday: fly to Lisbon."),  # a day, a month or a label in capitals is nobody
    ("March: finalize the budget.", "March: finalize the budget."),
    ("TODO: fix the login bug.", "TODO: fix the login bug."),
    ("Attendees: None.", "Attendees: None."), ("Attendees: TBD.", "Attendees: TBD."),
    ("Present: Q3 Results", "Present: Q3 Results"),
])
def test_who_came_and_who_does_what(written: str, said: str) -> None:
    assert said_plainly(written, PEOPLE) == said


def test_a_list_of_who_came_is_asked_about_as_such() -> None:
    assert is_attendance("Maria, Dev and Priya were there.") and is_attendance("Priya was there.")
    assert not is_attendance("The build was there.") and not is_attendance("Maria, Dev and Priya were late.")
    assert not is_attendance("It was there.") and not is_attendance("They were there.")


@pytest.mark.parametrize(("heading", "topic"), [
    ("Weekly product sync, Nov 12", "Weekly product sync"),
    ("Q3 planning sync - 2024-10-14", "Q3 planning sync"),
    ("Standup (Tue, Oct 14)", "Standup"),
    ("Retro on March 3rd, 2024", "Retro on March 3rd, 2024"),  # "on" may say what the date is for
    ("Budget 2025", "Budget 2025"),  # a year names which budget
    ("Nov 12", "Nov 12"),  # a date alone stays
    ("Ideas for May", "Ideas for May"),
    ("Thinking, Fast and Slow — notes", "Thinking, Fast and Slow"),
    ("Book notes: Atomic Habits", "Atomic Habits"),
    ("Notes on a Scandal", "Notes on a Scandal"), ("Deadline: March 15", "Deadline: March 15"),  # what it names
    ("Born on 4 July", "Born on 4 July"),
    ("Meeting notes", "Meeting notes"),  # nothing but "notes": kept
    ("Release notes for 2.3", "Release notes for 2.3"),
])
def test_a_heading_s_date_and_its_saying_notes_are_left_to_the_title(heading: str, topic: str) -> None:
    assert named_part(heading) == topic
