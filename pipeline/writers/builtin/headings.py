"""How a heading or the note's subject is named in a sentence: "On to the decision", "We'll go through the
costs and pricing", "We're talking about the new library today"."""

from __future__ import annotations

import re

from pipeline.writers.builtin.reading import WH_WORDS, lower_first, sentence_case
from pipeline.writers.builtin.tagging import (
    is_common,
    is_contracted_pronoun,
    lowered_opening_tag,
    opens_with_imperative,
    tagged,
)
from pipeline.writers.builtin.wording import is_dull

# Singular heads that name one part or event of the note ("the decision", "the product launch"). Other singular
# heads are often fields, practices or mass nouns, which take no article ("pricing", "bird migration", "code
# review", "octopus intelligence").
_DOCUMENT_PARTS = frozenset(("decision conclusion recommendation proposal plan summary background context budget "
                             "timeline outcome verdict result goal problem question idea approach schedule setup "
                             "rollout agenda roadmap situation story incident pilot project launch experiment trial "
                             "survey meeting report retro retrospective postmortem outage workshop method sync standup "
                             "kickoff call interview demo session offsite").split())
# a determiner or preposition inside means the last word is not the head ("everything about the launch")
_INNER_TAGS = frozenset(("DT", "IN", "TO", "PRP$", "POS", "WDT"))
_BARE_PLURALS = frozenset("sales thanks news ops measles notes".split())
_PLAIN_HEADING = re.compile(r"[^\W\d][\w'’ -]*")


def spoken_heading(heading: str, proper: set[str]) -> str:
    """A heading as a sentence names it: "Costs" → "the costs", "Open Questions" → "the open questions",
    "Decision" → "the decision". A field or mass noun ("Pricing", "Octopus intelligence"), a name, a clause
    ("What we measured", "Lessons learned") or a heading with its own determiner ("Our plan") stays as it is."""
    said = sentence_case(heading, proper)
    tags = tagged(said)
    if not tags or not _PLAIN_HEADING.fullmatch(said) or tags[0][1] not in ("JJ", "NN", "NNS"):
        return said
    head, tag = tags[-1]
    if tags[0][0] in proper or head in proper or (len(head) > 1 and head.isupper()):
        return said
    if any(tag.startswith("VB") or tag in _INNER_TAGS for _, tag in tags):
        return said
    if tag == "NN" and head.lower() in _DOCUMENT_PARTS:
        return f"the {said}"
    # a plural the tagger guessed from its -s may be a name ("Jenkins") or a field ("economics", "sales")
    plural = tag == "NNS" and is_common(head.lower()) and not head.lower().endswith("ics")
    return f"the {said}" if plural and head.lower() not in _BARE_PLURALS else said


def spoken_topic(topic: str, proper: set[str]) -> str:
    """The episode's topic as a line names it: a question without its mark, anything else as a heading is."""
    return topic.rstrip("?") if topic.endswith("?") else spoken_heading(topic, proper)


_SUBJECT_TAGS = frozenset(("JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS"))
_NOUN_TAGS = frozenset(("NN", "NNS", "NNP", "NNPS"))
_DEFINITE = frozenset("the a an this that these those".split())
_SUBJECT_WORDS = 6
_POSSESSIVE = re.compile(r"['’]s$")
# nouns to the tagger, but no topic: "We're talking about everyone today"
_PRONOUN_NOUNS = frozenset("everyone everybody everything someone somebody something anyone anybody anything nobody "
                           "nothing none people".split())


def subject_phrase(sentence: str, proper: set[str]) -> str:
    """The noun phrase a sentence opens with, when it is the sentence's subject, as a line names the topic: "Our
    city's bike-share program had a big year" → "the bike-share program", "The new library opens" → "the new
    library", "Sea stars are recovering" → "sea stars". "" when the sentence opens otherwise: with a pronoun
    ("I started running"), a time ("Last week the council voted") or a preposition."""
    tags = tagged(sentence)
    start = 1 if tags and (tags[0][1] == "PRP$" or tags[0][0].lower() in _DEFINITE) else 0
    if not start and opens_with_imperative(sentence):
        return ""
    if start and len(tags) > 2 and _POSSESSIVE.search(tags[1][0]):
        start = 2  # "My mom's garden", "Our city's bike-share program": the garden, the bike-share program
    end, nouns = start, set()
    while end < len(tags) and end - start < _SUBJECT_WORDS:
        word, tag = tags[end]
        hyphenated = "-" in word and word.replace("-", "").replace("'", "").isalpha()
        if not (word[0].isalpha() or (tag == "CD" and end > start and tags[end - 1][1] == "NNP")):  # "Python 3.13"
            break  # a quote mark or a number is no part of a name for the topic
        if tag in _NOUN_TAGS or tag == "CD":
            nouns.add(end)
        elif not (tag in _SUBJECT_TAGS or hyphenated):
            break
        end += 1
    while end > start and end - 1 not in nouns:
        end -= 1  # the phrase ends in its head noun
    after = tags[end][1] if end < len(tags) else ""
    # what follows a subject: its verb, an adverb ("finally works") or a prepositional phrase ("along the coast")
    if end == start or not (after.startswith(("VB", "MD", "RB")) or after in ("IN", ",")):
        return ""
    head = tags[end - 1][0].lower()
    if is_dull(tags[end - 1][0]) or head in _PRONOUN_NOUNS or (not start and _fragment(tags, end)):
        return ""
    phrase = " ".join(word for word, _ in tags[start:end])
    first, following = tags[start][0], tags[start + 1][0] if end > start + 1 else ""
    # a name opens the sentence: alone, possessive, or before a name or a number ("Kubernetes", "Jack's bakery",
    # "Acme Corp", "Python 3.13")
    named = first[0].isupper() and (tags[start][1] == "NNP" or _POSSESSIVE.search(first) is not None) and (
        not following or following[0].isupper() or following[0].isdigit() or _POSSESSIVE.search(first) is not None)
    phrase = phrase if named else lower_first(phrase, proper)
    return f"the {phrase}" if start else phrase


_FINITE = frozenset(("VBD", "VBZ", "VBP", "MD"))
_BEFORE_VERB = _SUBJECT_TAGS | {"DT", "PRP$", "POS", "CD"}


def is_statement(line: str) -> bool:
    """Whether a heading or title says something rather than naming it: a clause with its subject and verb ("I
    went to the market today", "The council voted yes") or an order ("Plan your garden"). A question, a clause
    that names ("Why index funds win", "What we measured", "Lessons learned") or a noun phrase is a name."""
    tags = tagged(line)
    if not tags or _first_word(tags) in WH_WORDS:
        return False
    if opens_with_imperative(line) or (is_contracted_pronoun(tags[0][0]) and len(tags) > 1):
        return True  # "We're moving to Berlin": the verb is in the pronoun
    verb = next((index for index, (_, tag) in enumerate(tags) if tag in _FINITE), None)
    if verb is None or verb == 0 or verb == len(tags) - 1 or _fragment(tags, verb):
        return False  # "Lessons learned": a verb that ends the line describes what comes before it
    pronoun = verb == 1 and tags[0][1] == "PRP"
    return pronoun or all(tag in _BEFORE_VERB for _, tag in tags[:verb])


_OPENING_VERBS = frozenset(("VB", "VBD", "VBN", "VBZ", "VBP", "RB"))
_TIME_OPENERS = frozenset("today yesterday tomorrow tonight lately recently now".split())
_NAME_OPENERS = frozenset(("NN", "NNS", "NNP", "NNPS", "JJ", "JJR", "JJS", "DT", "PRP$", "CD", "VBG"))


def names_something(line: str) -> bool:
    """Whether a line that may title a note ("Q3 planning sync, Oct 14", "Why index funds win", "Sourdough
    starter basics") is a name rather than a sentence written without its full stop ("Yesterday we moved house",
    "Went running this morning", "Made pizza tonight") or a date ("March 14, 2024")."""
    tags = tagged(line)
    if not tags:
        return False
    if _first_word(tags) in WH_WORDS:
        return True
    words = [word for word, _ in tags if any(ch.isalpha() for ch in word)]
    if not words or all(is_dull(word) for word in words) or tags[0][0].lower() in _TIME_OPENERS:
        return False  # a date, or a sentence that opens with its time ("Today I learned…")
    lowered = lowered_opening_tag(line)  # "Went running", "Made pizza"
    if lowered in _OPENING_VERBS or not {tags[0][1], lowered} & _NAME_OPENERS or is_statement(line):
        return False
    return not any(tag in _FINITE and not _fragment(tags, index) for index, (_, tag) in enumerate(tags))


def _first_word(tags: tuple[tuple[str, str], ...]) -> str:
    return re.split(r"['’]", tags[0][0].lower(), maxsplit=1)[0]


def _fragment(tags: tuple[tuple[str, str], ...], end: int) -> bool:
    """A title-like line ("Meeting notes from Tuesday") whose only verb is a plural the tagger misread: it takes
    no object and is not "is" or "has" ("Python 3.13 removes the GIL" and "Sleep matters more" are sentences)."""
    verbs = [index for index, (_, tag) in enumerate(tags) if tag.startswith("VB") or tag == "MD"]
    then = tags[end + 1][1] if end + 1 < len(tags) else "."
    return (verbs == [end] and tags[end][1] == "VBZ" and tags[end][0].lower() not in ("is", "has", "was", "does")
            and then in ("IN", ".", ",", ":"))
