"""How a heading is named in a sentence: "On to the decision", "We'll go through the costs and pricing"."""

from __future__ import annotations

import re

from pipeline.writers.builtin.reading import sentence_case
from pipeline.writers.builtin.tagging import is_common, tagged

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
