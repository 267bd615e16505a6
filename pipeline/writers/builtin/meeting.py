"""Meeting notes' shorthand, said as sentences: "Attendees: Maria, Dev, Priya" is "Maria, Dev and Priya were
there", and an action item "Priya: draft the consent copy by Friday" is "Priya will draft the consent copy by
Friday"."""

from __future__ import annotations

import re

from pipeline.writers.builtin.dictionary import is_common_word
from pipeline.writers.builtin.tagging import opens_with_imperative, tagged
from pipeline.writers.builtin.wording import CALENDAR_NAMES, CALENDAR_SHORT_NAMES
from pipeline.writers.notes import ATTENDANCE_LABELS

_ATTENDANCE = re.compile(rf"(?i:{ATTENDANCE_LABELS}|people|who)\s*:\s*(?P<names>[^:;]+?)\.?$")
_MONTH = r"(?:" + "|".join(sorted(name[:3] for name in CALENDAR_NAMES if not name.endswith("day"))) + r")[a-z]*\.?"
_DAY = r"(?:" + "|".join(sorted(name[:3] for name in CALENDAR_NAMES if name.endswith("day"))) + r")[a-z]*\.?,?\s*"
_DATE = (rf"(?:{_DAY})?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}"
         rf"(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)")
# "…, Nov 12", "… - 2024-03-14", "… (Tue, Oct 14)": the date a heading ends with, set off from what it names
# ("Deadline: March 15" and "Born on 4 July" say something about the date)
_TRAILING_DATE = re.compile(rf"\s*(?:,|\s[-–—]|\()\s*{_DATE}\)?$")
_NOTES_AFTER = re.compile(r"\s*(?:[-–—:,]\s*|\()(?i:(?:my |book |reading |meeting |quick )?notes?)\)?$")
_NOTES_ON = re.compile(r"^(?i:(?:my |book |reading |meeting |quick )?notes?)\s*:\s*")  # not "Notes on a Scandal"
_NAME = re.compile(r"[A-Z][^\W\d_]*(?:['’.-][^\W\d_]+)*")
_LISTED = re.compile(r"\s*(?:,|\band\b|&)\s*")
_THERE = re.compile(r"(?P<names>.+) (?:was|were) there\.")
# capitalised, but nobody: "Attendees: None", "It was there"
_CALENDAR = CALENDAR_NAMES | CALENDAR_SHORT_NAMES
_NOBODY = frozenset("i me you he she it we they them everyone everybody all none nobody someone anyone "
                    "team tbd".split())
# "Priya: draft…", "Priya – draft…", "Priya to draft…"; the owner is one or two capitalised words
_ACTION = re.compile(r"(?P<who>[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?)(?:\s*:|\s+[–—-]|\s+to)\s+(?P<act>[a-z].*)$")


def said_plainly(sentence: str, proper: set[str]) -> str:
    """`sentence` as a host would say it when it is a list of who came or an action item with its owner;
    otherwise as written. `proper` holds the names the note writes as names."""
    if attendance := _ATTENDANCE.fullmatch(sentence):
        names = _people(attendance["names"], proper)
        if names:
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            return f"{listed} {'was' if len(names) == 1 else 'were'} there."
        return sentence
    action = _ACTION.fullmatch(sentence)
    if action and _people(action["who"], proper) and _instructs(action["act"]):
        return f"{action['who']} will {action['act']}"
    return sentence


def _instructs(act: str) -> bool:
    """Whether an action item's text opens with its verb: "draft the copy", and "book the room" or "email a
    summary" (verbs the tagger takes for nouns, before their object)."""
    tags = tagged(act)
    return opens_with_imperative(act) or (len(tags) > 1 and tags[0][1] in ("NN", "VB", "VBP")
                                          and tags[1][1] in ("DT", "PRP$", "PRP"))


def is_attendance(sentence: str) -> bool:
    """Whether the sentence says who was there ("Maria, Dev and Priya were there.")."""
    found = _THERE.fullmatch(sentence)
    return found is not None and all(_NAME.fullmatch(name) and name.lower() not in _NOBODY
                                     for name in _split(found["names"]))


def _split(names: str) -> list[str]:
    return [name for name in _LISTED.split(names.strip()) if name]


def _people(names: str, proper: set[str]) -> list[str]:
    """The people named in a list ("Maria, Dev and Priya", "Ana Lima"); empty when any of it is not a person's
    name: a weekday or month, a label in capitals ("TODO", "FYI"), a common word ("Note", "None") unless the note
    writes it as a name."""
    people = _split(names)
    return people if people and all(_is_person(word, proper) for name in people for word in name.split(" ")) else []


def _is_person(word: str, proper: set[str]) -> bool:
    return (_NAME.fullmatch(word) is not None and not word.isupper() and word not in _CALENDAR
            and word.lower() not in _NOBODY and (word in proper or not is_common_word(word)))


def named_part(heading: str) -> str:
    """What a heading names, without the date it ends with or its saying that these are notes ("Weekly product
    sync, Nov 12" → "Weekly product sync", "Thinking, Fast and Slow — notes" and "Book notes: Atomic Habits" →
    the book): a line naming the episode's topic need not say those, and the title keeps them."""
    named = _NOTES_ON.sub("", _NOTES_AFTER.sub("", _TRAILING_DATE.sub("", heading)))
    return named if any(character.isalpha() for character in named) else heading
