"""The built-in script writer: deterministic, offline, and it never invents facts.

Both hosts say the note's own sentences (the author's I and we said as "they"), tied together by the lines in
`phrases.json`: questions about what comes next, reactions that echo what was just said, transitions and a
recap in key phrases. A note too long for the target is condensed by dropping its least central sentences.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from pipeline.writers.base import MAX_TITLE_CHARS, NO_DEBATE_NOTICE, Script, WritingRequest
from pipeline.writers.builtin.conversation import conversation
from pipeline.writers.builtin.facts import Fact, Key, read_note
from pipeline.writers.builtin.formats import brief, debate
from pipeline.writers.builtin.phrases import Picker, table_digest
from pipeline.writers.builtin.tagging import tagged
from pipeline.writers.debate import sides


class BuiltinScriptWriter:
    """Writes the dialogue from the note's own sentences; no network, no model."""

    name = "builtin"
    languages: frozenset[str] | None = frozenset({"en"})  # its own lines are English
    can_expand = False

    def __init__(self) -> None:
        # bumped whenever what it writes changes, so no script from an older writer is reused
        self.identity = f"builtin-14|{table_digest()}"

    def write(self, request: WritingRequest) -> Script:
        """The script in the requested format, within `request.words_wanted` words when the note allows."""
        # each note's part-of-speech tags stay its own: a cache shared between writes would let one user time
        # whether another's sentences were just read
        tagged.cache_clear()
        note = read_note(request.note, request.focus)
        topic = note.topic(request.title)
        seed = hashlib.sha256(f"{request.title}|{request.note}".encode()).hexdigest()
        notices: tuple[str, ...] = ()
        facts = note.facts
        argued: set[Key] = set()
        build: Callable[[set[Key]], Script]
        if request.format == "brief":
            facts = [fact for fact in facts if not fact.code and not fact.asks]
            build = lambda chosen: brief(note, chosen, request.hosts, topic, Picker(seed))  # noqa: E731
        elif request.format == "debate" and (found := sides(note.sections)).debatable:
            argued = {*found.pros, *found.cons, *found.questions}
            build = lambda chosen: debate(note, chosen, request.hosts, topic, Picker(seed), found)  # noqa: E731
        else:
            notices = (NO_DEBATE_NOTICE,) if request.format == "debate" else ()
            build = lambda chosen: conversation(note, chosen, request.hosts, topic, Picker(seed))  # noqa: E731
        script = _fitted(build, facts, request.words_wanted, kept_longest=argued)
        title = (request.title or "").strip() or note.first_heading or note.headline(topic)
        if len(title) > MAX_TITLE_CHARS:  # a heading of a thousand characters is no title for a feed or a tag
            title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
        return replace(script, title=title, notices=notices)


def _fitted(build: Callable[[set[Key]], Script], facts: list[Fact], target: int, kept_longest: set[Key]) -> Script:
    """The script of the most facts that fits `target` words. Facts are dropped least central first (later ones
    first among equals, `kept_longest` last); how many to keep is found by bisection, since the lines around
    the facts (questions, reactions, transitions) make the length grow in steps."""
    by_importance = sorted(facts, key=lambda f: (f.key in kept_longest, f.score, -f.key[0], -f.key[1]),
                           reverse=True)

    def keeping(count: int) -> Script:
        return build({fact.key for fact in by_importance[:count]})

    whole = keeping(len(by_importance))
    if whole.words <= target:
        return whole
    fewest, most = 0, len(by_importance) - 1
    while fewest < most:
        middle = (fewest + most + 1) // 2
        if keeping(middle).words <= target:
            fewest = middle
        else:
            most = middle - 1
    return keeping(fewest)
