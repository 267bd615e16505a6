"""How a heading or the note's subject is named in a sentence: "On to the decision", "We'll go through the
costs and pricing", "We're talking about the new library today"."""

from __future__ import annotations

import re

from pipeline.writers.builtin.reading import DULL_NOUNS, lower_first, sentence_case
from pipeline.writers.builtin.tagging import is_common, opens_with_imperative, tagged

# Singular heads that name one part or event of the note ("the decision", "the product launch"). Other singular
# heads are often fields, practices or mass nouns, which take no article ("pricing", "bird migration", "code
# review", "octopus intelligence").
_DOCUMENT_PARTS = frozenset(("decision conclusion recommendation proposal plan summary background context budget "
                             "timeline outcome verdict result goal problem question idea approach schedule setup "
                             "rollout agenda roadmap situation story incident pilot project launch experiment trial "
                             "survey meeting report retro retrospective postmortem outage workshop").split())
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
    if head in DULL_NOUNS or head in _PRONOUN_NOUNS or (not start and _fragment(tags, end)):
        return ""
    phrase = " ".join(word for word, _ in tags[start:end])
    first, following = tags[start][0], tags[start + 1][0] if end > start + 1 else ""
    # a name opens the sentence: alone, possessive, or before a name or a number ("Kubernetes", "Jack's bakery",
    # "Acme Corp", "Python 3.13")
    named = first[0].isupper() and (tags[start][1] == "NNP" or _POSSESSIVE.search(first) is not None) and (
        not following or following[0].isupper() or following[0].isdigit() or _POSSESSIVE.search(first) is not None)
    phrase = phrase if named else lower_first(phrase, proper)
    return f"the {phrase}" if start else phrase


def _fragment(tags: tuple[tuple[str, str], ...], end: int) -> bool:
    """A title-like line ("Meeting notes from Tuesday") whose only verb is a plural the tagger misread: it takes
    no object and is not "is" or "has" ("Python 3.13 removes the GIL" and "Sleep matters more" are sentences)."""
    verbs = [index for index, (_, tag) in enumerate(tags) if tag.startswith("VB") or tag == "MD"]
    then = tags[end + 1][1] if end + 1 < len(tags) else "."
    return (verbs == [end] and tags[end][1] == "VBZ" and tags[end][0].lower() not in ("is", "has", "was", "does")
            and then in ("IN", ".", ",", ":"))
