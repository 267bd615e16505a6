"""Words and sentence shapes the writer treats specially: nouns too general to ask about, month and weekday
names, labels ("Tip: …") and sentences that lean on the one before ("But …")."""

from __future__ import annotations

import re

# Nouns too general to ask about or recap ("What about week?")
DULL_NOUNS = frozenset(("time times day days week weeks month months year years minute minutes hour hours second "
                        "seconds kilometre kilometres part parts number numbers lot way thing things kind pounds "
                        "dollars euros percent grams kilograms metres today tomorrow yesterday tonight morning "
                        "evening night weekend january february april june july august september october november "
                        "december jan feb apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
                        "friday saturday sunday").split())
# months that are also words ("the climate march"): dull only as names
_CAPITALISED_DULL = frozenset(("March", "May"))
# A sentence that opens by naming its part of the note: "Decision: ", "My take: ", "Key term: "
LABELLED = re.compile(r"[A-Z][\w'’-]*(?: [\w'’-]+){0,2}: ")
# A sentence that opens with a conjunction, leaning on the one before ("So many people came" and "So-called" open
# otherwise)
JOINED_ON = re.compile(r"(?:But|And|Or|Yet|Nor|So)(?![-\w])(?! (?:many|much|far|few|long|called)\b)")
# labels that name a kind of remark, not its subject ("Tip: …", "My take: …", but "Churn: 3.1%" is about churn)
_GENERIC_LABELS = frozenset(("tip tips note notes decision take idea example definition term goal lesson learned "
                             "update reminder owner question answer ps fyi todo action item items step steps warning "
                             "caveat gotcha summary tldr tl;dr line context result outcome status").split())
# month and weekday names keep their capitals wherever they stand ("Today we're looking at Tuesday")
CALENDAR_NAMES = frozenset(("January February March April May June July August September October November December "
                            "Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split())
# and their short forms that are no other word ("Nov 19"; not "Mar", "Wed", "Sat" or "Sun")
CALENDAR_SHORT_NAMES = frozenset("Jan Feb Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Thu Thur Thurs Fri".split())


def is_dull(word: str) -> bool:
    """Whether a noun is too general to ask about or recap (a unit of time, a month, "things")."""
    return word.lower() in DULL_NOUNS or word in _CAPITALISED_DULL


def without_generic_label(sentence: str) -> str:
    """The sentence after a label that names a kind of remark ("Tip: keep it cool" → "keep it cool")."""
    label = LABELLED.match(sentence)
    if label and label.group().split()[-1].rstrip(":").lower() in _GENERIC_LABELS:
        return sentence[label.end():]
    return sentence

