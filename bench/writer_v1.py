"""Version 1 of the built-in script writer, kept only as the baseline `bench/conversation.py` compares with.

Host A speaks only the note's own sentences plus the fixed connectives below; host B asks and reacts.
A note too long for the target is condensed by keeping its most important sentences, in note order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.sentences import split_sentences, word_count
from pipeline.writers.base import Script, Section, Turn
from pipeline.writers.notes import CODE_BLOCK, NoteSection, parse_note

# Everything host A says that is not from the note. `{topic}`, `{a}`, `{b}` are filled from the note/settings.
HOST_A_CONNECTIVES = (
    "Welcome to the show.",
    "I'm {a}, and I'm here with {b}.",
    "Today's topic is {topic}.",
    "The note includes a code example here, which is easier to read than to hear.",
    "To recap, here are the key points.",
    "Thanks for listening, and see you next time.",
)
CODE_REMARK = HOST_A_CONNECTIVES[3]
_HOST_B_SECTION_QUESTIONS = (
    "So, {heading}. What's the idea there?",
    "Let's talk about {heading}. What should we know?",
    "Next up is {heading}. Walk me through it.",
    "What about {heading}?",
)
_HOST_B_REACTIONS = (
    "Right.",
    "That makes sense.",
    "Interesting. Go on.",
    "Okay, got it.",
    "Good point.",
    "Huh, I didn't know that.",
)
_TURN_WORD_LIMIT = 45
_STOPWORDS = frozenset((
    "a an the and or but if then than so of to in on at by for with from as is are was were be been "
    "being it its this that these those there here we you they he she i me my our your their them his "
    "her not no yes do does did can could should would will just also very more most some any all each "
    "into about over under which who what when where why how up out one two "
).split())
_WORD = re.compile(r"[a-z0-9'’]+")


@dataclass(frozen=True)
class _Candidate:
    section: int
    position: int
    text: str
    words: int
    score: float


class BuiltinScriptWriter:
    """Writes the dialogue from the note's own sentences; no network, no model."""

    name = "builtin"

    identity = "builtin-1"
    languages: frozenset[str] | None = frozenset({"en"})  # its connectives and questions are English

    def write(self, note: str, title: str | None, target_words: int, hosts: tuple[str, str]) -> Script:
        """Intro, one section per Markdown heading, outro; within `target_words` when the note allows."""
        sections = parse_note(note)
        topic = _topic(title, sections)
        candidates = _rank(sections)
        chosen = {(c.section, c.position) for c in candidates}
        script = self._assemble(topic, sections, chosen, candidates, hosts)
        # Drop the least important sentences until the script fits; the ranking keeps each section's opener.
        removable = sorted(candidates, key=lambda c: (c.score, -c.section, -c.position))
        while script.words > target_words and removable:
            overshoot = script.words - target_words
            while removable and overshoot > 0:
                dropped = removable.pop(0)
                chosen.discard((dropped.section, dropped.position))
                overshoot -= dropped.words + 1
            script = self._assemble(topic, sections, chosen, candidates, hosts)
        return script

    def _assemble(
        self, topic: str, sections: list[NoteSection], chosen: set[tuple[int, int]], ranked: list[_Candidate],
        hosts: tuple[str, str],
    ) -> Script:
        a, b = hosts
        intro = Section("Intro", (
            Turn(a, f"Welcome to the show. I'm {a}, and I'm here with {b}."),
            Turn(b, "Great to be here. So what are we talking about today?"),
            Turn(a, f"Today's topic is {topic}."),
        ))
        body: list[Section] = []
        reaction = 0
        for index, section in enumerate(sections):
            sentences = [
                CODE_REMARK if sentence == CODE_BLOCK else sentence
                for position, sentence in enumerate(section.sentences)
                if (index, position) in chosen
            ]
            turns: list[Turn] = []
            if section.heading and not sentences:
                turns.append(Turn(b, f"The note also covers {section.heading}, which we'll skip for time."))
            elif section.heading:
                question = _HOST_B_SECTION_QUESTIONS[index % len(_HOST_B_SECTION_QUESTIONS)]
                turns.append(Turn(b, question.format(heading=section.heading)))
            elif sentences:
                turns.append(Turn(b, "Where should we start?"))
            for group_index, group in enumerate(_group(sentences)):
                if group_index:
                    turns.append(Turn(b, _HOST_B_REACTIONS[reaction % len(_HOST_B_REACTIONS)]))
                    reaction += 1
                turns.append(Turn(a, " ".join(group)))
            if turns:
                body.append(Section(section.heading or topic, tuple(turns)))
        recap = [c.text for c in sorted(ranked, key=lambda c: -c.score)
                 if (c.section, c.position) in chosen and c.text != CODE_BLOCK][:3]
        recap.sort(key=lambda text: _order_of(text, ranked))
        outro_turns = [Turn(b, "Before we wrap up, what should people remember?")]
        if recap:
            outro_turns.append(Turn(a, " ".join(["To recap, here are the key points.", *recap])))
        outro_turns += [
            Turn(b, f"Thanks, {a}. That was really helpful."),
            Turn(a, "Thanks for listening, and see you next time."),
        ]
        return Script(title=topic, sections=(intro, *body, Section("Outro", tuple(outro_turns))))


def _order_of(text: str, ranked: list[_Candidate]) -> tuple[int, int]:
    for candidate in ranked:
        if candidate.text == text:
            return candidate.section, candidate.position
    return (0, 0)


def _group(sentences: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    size = 0
    for sentence in sentences:
        words = word_count(sentence)
        if groups and size + words <= _TURN_WORD_LIMIT:
            groups[-1].append(sentence)
            size += words
        else:
            groups.append([sentence])
            size = words
    return groups


def _topic(title: str | None, sections: list[NoteSection]) -> str:
    if title and title.strip():
        return title.strip().rstrip(".!?:")
    for section in sections:
        if section.heading:
            return section.heading
    for section in sections:
        for sentence in section.sentences:
            if sentence != CODE_BLOCK:
                first = split_sentences(sentence)[0]
                return first.rstrip(".!?:")
    return "this note"


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOPWORDS]


def _rank(sections: list[NoteSection]) -> list[_Candidate]:
    """Score each sentence by how central its words are to the whole note; openers of sections get a boost."""
    frequency = Counter(w for s in sections for sentence in s.sentences for w in _content_words(sentence))
    candidates = []
    for index, section in enumerate(sections):
        heading_words = set(_content_words(section.heading or ""))
        for position, sentence in enumerate(section.sentences):
            if sentence == CODE_BLOCK:
                candidates.append(_Candidate(index, position, sentence, word_count(CODE_REMARK), 0.0))
                continue
            words = _content_words(sentence)
            centrality = sum(frequency[w] for w in set(words)) / (len(words) + 4) if words else 0.0
            boost = 1.0 + (1.0 if position == 0 else 0.0) + 0.25 * len(heading_words.intersection(words))
            candidates.append(_Candidate(index, position, sentence, word_count(sentence), centrality * boost))
    return candidates
