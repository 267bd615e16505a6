"""The author's I and we, said by a host as "they": "I've been baking" → "They've been baking"."""

from __future__ import annotations

import re

from pipeline.writers.builtin.reading import upper_first
from pipeline.writers.builtin.tagging import lowered_opening_tag, tagged

_FIRST_PERSON = {
    "i": "they", "me": "them", "my": "their", "mine": "theirs", "myself": "themselves", "we": "they",
    "us": "them", "our": "their", "ours": "theirs", "ourselves": "themselves", "i'm": "they're", "i've": "they've",
    "i'd": "they'd", "i'll": "they'll", "we're": "they're", "we've": "they've", "we'd": "they'd", "we'll": "they'll",
}
# "I" and "us" only in their usual case: "i" is rare, and "US" is a country.
_FIRST_PERSON_WORD = re.compile(
    r"(?<![\w'’])(I(?:['’](?:m|ve|d|ll))?|(?i:me|my|mine|myself|we(?:['’](?:re|ve|d|ll))?|our|ours|ourselves)"
    r"|us|Us)(?![\w'’])")
_AGREEMENT = ((re.compile(r"\b([Tt]hey) am\b"), r"\1 are"), (re.compile(r"\b([Tt]hey) was\b"), r"\1 were"),
              (re.compile(r"\b([Tt]hey) wasn['’]t\b"), r"\1 weren't"))
_NUMBERED = frozenset("War Phase Part Type Act Volume Vol Class Stage Level Tier Series Book Season Title Article "
                      "Grade Step Round Gen Mark Section Appendix Schedule Division Category Wave Unit Chapter".split())
_CALENDAR = frozenset(("January February March April May June July August September October November December "
                       "Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split())
# Capitalised only because a sentence starts with them: "Then I left" is no king's name
_OPENERS = frozenset(("Then Today So Now Yesterday Tomorrow Tonight Later Finally Also And But Or Yes No Here There "
                      "Once Still Anyway Afterwards After Before First Next Meanwhile Plus Maybe Perhaps Again Often "
                      "Sometimes Soon Well Oh Ok Okay Sure Thus Hence Otherwise Instead Somehow Besides Last Since "
                      "Because When While If Although Though Whenever Unless Until As Where What Why How Sadly "
                      "Luckily Hopefully Lately").split())
# Past forms a diary opens with, the "I" left out ("Woke up early", "Took the tram"); the tagger takes some for
# nouns or present tense when they open a sentence. Not those that also open a description ("Made in Italy",
# "Built in 1920", "Sold out", "Held every Tuesday") or are also present tense ("read", "put").
_PAST_FORMS = frozenset(("woke took went felt spent ran got had saw ate slept bought came met drove flew swam rode "
                         "drank wrote spoke").split())
# A regular past form says what the author did only with its object or particle after it ("Fixed the bug",
# "Tried a new cafe", "Picked up the keys"); before "by", "in" or a bare noun it describes ("Translated by…",
# "Published in 2011", "Grilled sardines")
_OBJECT_TAGS = frozenset(("DT", "PRP", "PRP$", "RP"))
_FINITE = frozenset(("VBZ", "VBP", "MD"))
_WEATHER = frozenset("rained snowed drizzled".split())  # "Rained all day": it did, not the author
_LOOK_BACK = 40
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


def third_person(sentence: str) -> tuple[str, bool]:
    """The sentence with the author's I/we said as they (quotes untouched), and whether anything changed."""
    pieces, last = [], 0
    for quote in [*_QUOTED.finditer(sentence), None]:
        end = quote.start() if quote else len(sentence)
        pieces.append(_FIRST_PERSON_WORD.sub(_swap_person, sentence[last:end]))
        if quote:
            pieces.append(quote.group())
            last = quote.end()
    text = "".join(pieces)
    for pattern, replacement in _AGREEMENT:
        text = pattern.sub(replacement, text)
    return text, text != sentence


def _is_numeral_before(before: str, at_start: bool) -> bool:
    """Whether an "I" after `before` (the text just before it; `at_start` when that is all there is) is a Roman
    numeral: after a word that takes one ("World War I", "Phase I") or a name ("after Henry I", "Charles I was
    executed"); not after a month or weekday ("By June I ran") nor a word that opens a sentence ("Then I left")."""
    found = re.search(r"(?<!\S)([A-Z][a-z]*)\s$", before)
    if found is None:
        return False
    name, earlier = found.group(1), before[:found.start()].rstrip()
    if name in _NUMBERED:
        return True
    if name in _CALENDAR:
        return False
    if (at_start and not earlier) or earlier[-1:] in (".", "!", "?", ":"):
        return not (name in _OPENERS or name.endswith("ly"))
    return True


def _swap_person(found: re.Match[str]) -> str:
    # only the words just before count: the whole prefix, searched for every match, made a long note quadratic
    word, after = found.group(), found.string[found.end():found.end() + 1]
    before = found.string[max(0, found.start() - _LOOK_BACK):found.start()]
    not_a_pronoun = (
        after in ("/", "-") or before.endswith(("/", "-"))  # "I/O", "I-95", "ME/CFS"
        or (len(word) > 1 and word.isupper() and "'" not in word and "’" not in word)  # "WE", "MY" are names
        or (word == "I" and _is_numeral_before(before, found.start() <= _LOOK_BACK))  # "World War I"
        or (word.lower() == "us" and re.search(r"\blet\s$", before, re.I) is not None))  # "let us begin"
    if not_a_pronoun:
        return word
    swapped = _FIRST_PERSON[word.lower().replace("’", "'")]
    # "I" is always capitalised, so only its place says whether "They" needs a capital
    starts_sentence = found.start() == 0 if word[0] == "I" else word[0].isupper()
    return upper_first(swapped) if starts_sentence else swapped


def with_subject(sentence: str) -> str:
    """A diary's sentence that leaves out its I ("Took the tram back up", "Woke up early and walked", "Fixed the
    bug"), said with it: "I took the tram back up" (then said as "they"). One with a subject of its own, or that
    describes rather than tells ("Used cars are cheap", "Ted and Ann came over", "Published in 2011"), is as
    written."""
    first = sentence.split(" ", 1)[0]
    lowered = first[:1].lower() + first[1:]
    regular = lowered.endswith("ed") and lowered not in _WEATHER
    if not first[:1].isupper() or len(first) < 3 or not (lowered in _PAST_FORMS or regular):
        return sentence  # most sentences: no tagging needed
    # its neighbour as written: a capital makes a name's verb or "and" plain ("Ted called", "Fred and I")
    written = tagged(sentence)
    after = written[1][1] if len(written) > 1 else "."
    if after in ("VBD", "VBZ", "VBP", "MD", "CC") or any(tag in _FINITE for _, tag in written[1:]):
        return sentence
    if lowered in _PAST_FORMS or (after in _OBJECT_TAGS and lowered_opening_tag(sentence) in ("VBD", "VBN")):
        return f"I {lowered}{sentence[len(first):]}"
    return sentence
