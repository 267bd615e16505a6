"""Meeting notes' shorthand, said as sentences: "Attendees: Maria, Dev, Priya" is "Maria, Dev and Priya were
there", and an action item "Priya: draft the consent copy by Friday" is "Priya will draft the consent copy by
Friday"."""

from __future__ import annotations

import re

from pipeline.writers.builtin.tagging import opens_with_imperative
from pipeline.writers.builtin.wording import CALENDAR_NAMES

_ATTENDANCE = re.compile(r"(?i:attendees|attending|present|participants|people|who)\s*:\s*(?P<names>[^:;]+?)\.?$")
_MONTH = r"(?:" + "|".join(sorted(name[:3] for name in CALENDAR_NAMES if not name.endswith("day"))) + r")[a-z]*\.?"
_DAY = r"(?:" + "|".join(sorted(name[:3] for name in CALENDAR_NAMES if name.endswith("day"))) + r")[a-z]*\.?,?\s*"
_DATE = (rf"(?:{_DAY})?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}"
         rf"(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)")
# "…, Nov 12", "… - 2024-03-14", "… (Tue, Oct 14)": the date a heading ends with
_TRAILING_DATE = re.compile(rf"\s*(?:,|[-–—:]|\bon\b|\()\s*{_DATE}\)?$")
_NOTES_AFTER = re.compile(r"\s*(?:[-–—:,]\s*|\()(?i:(?:my |book |reading |meeting |quick )?notes?)\)?$")
_NOTES_ON = re.compile(r"^(?i:(?:my |book |reading |meeting |quick )?notes?)\s*(?::|\bon\b|\bfrom\b|\babout\b)\s*")
_NAME = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?")
_THERE = re.compile(rf"{_NAME.pattern}(?:, {_NAME.pattern})*(?:,? and {_NAME.pattern})? (?:was|were) there\.")
# "Priya: draft…", "Priya – draft…", "Priya to draft…"; the owner is one or two capitalised words
_ACTION = re.compile(r"(?P<who>[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?)(?:\s*:|\s+[–—-]|\s+to)\s+(?P<act>[a-z].*)$")


def said_plainly(sentence: str, proper: set[str]) -> str:
    """`sentence` as a host would say it when it is a list of who came or an action item with its owner (a name
    the note writes as one: `proper`); otherwise as written."""
    if attendance := _ATTENDANCE.fullmatch(sentence):
        names = [name.strip() for name in re.split(r",|\band\b|&", attendance["names"]) if name.strip()]
        if names and all(_NAME.fullmatch(name) for name in names):
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            return f"{listed} {'was' if len(names) == 1 else 'were'} there."
        return sentence
    action = _ACTION.fullmatch(sentence)
    if action and all(word in proper for word in action["who"].split()) and opens_with_imperative(action["act"]):
        return f"{action['who']} will {action['act']}"
    return sentence


def is_attendance(sentence: str) -> bool:
    """Whether the sentence says who was there ("Maria, Dev and Priya were there.")."""
    return _THERE.fullmatch(sentence) is not None


def named_part(heading: str) -> str:
    """What a heading names, without the date it ends with or its saying that these are notes ("Weekly product
    sync, Nov 12" → "Weekly product sync", "Thinking, Fast and Slow — notes" and "Notes on Stoicism" → the book
    and Stoicism): a line naming the episode's topic need not say those, and the title keeps them."""
    named = _NOTES_ON.sub("", _NOTES_AFTER.sub("", _TRAILING_DATE.sub("", heading)))
    return named if any(character.isalpha() for character in named) else heading
