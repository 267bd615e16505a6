"""How conversational a script is, measured against its note: the figures issue #14 asks of the built-in
writer. Shared by the writer's tests and `bench/conversation.py`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.sentences import split_sentences, word_count
from pipeline.writers.base import Script

NOTES_DIR = Path(__file__).parent / "writer_notes"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*%?")
_STOPWORDS = frozenset(
    "the and but for with from that this these those there here you they them their his her its our your was were "
    "are been being have has had get gets got make makes made said says say note notes talk know think show people "
    "thing things today episode what when where why how who which will would could should can may might must not "
    "also just very more most some any all each into about over under than then so too yes okay right well really "
    "like one two let lets let's it's that's there's here's i'm we're they're don't didn't isn't wasn't "
    "now next first last again still even only much many such other another same way ways time come came did good "
    "work look put least".split())


@dataclass(frozen=True)
class Measures:
    """The figures for one script."""

    second_host_word_share: float  # words spoken by the second host / all words
    content_ratio: float  # note content carried by the second host / by the first
    grounded_question_share: float  # of the second host's questions, the share naming something in the note
    repeated_sentences: tuple[str, ...]  # sentences of six words or more spoken more than once
    invented: tuple[str, ...]  # numbers and names in the script that are not in the note
    numbers_spoken_share: float  # of the note's distinct numbers, the share the script says
    generic_prompts: int  # questions (by either host) that name nothing in the note
    repeated_reactions: tuple[str, ...]  # short turns (≤ 8 words) spoken twice word for word


def load_notes() -> dict[str, str]:
    """The sample notes, by file name without `.md`."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(NOTES_DIR.glob("*.md"))}


def content_words(text: str) -> list[str]:
    """Words that carry meaning, lowercased."""
    return [w for w in (word.lower().strip("'’-") for word in _WORD.findall(text)) if len(w) > 2 and
            w not in _STOPWORDS]


def measure(script: Script, note: str, hosts: tuple[str, str]) -> Measures:
    """Every figure of `script` against the note it was written from."""
    first, second = hosts
    vocabulary = set(content_words(note))
    turns = script.turns
    words = {host: sum(word_count(t.text) for t in turns if t.speaker == host) for host in hosts}
    carried = {host: sum(1 for t in turns if t.speaker == host for w in content_words(t.text) if w in vocabulary)
               for host in hosts}
    questions = {host: [s for t in turns if t.speaker == host for s in split_sentences(t.text) if s.endswith("?")]
                 for host in hosts}
    grounded = [q for q in questions[second] if vocabulary & set(content_words(q))]
    every_question = questions[first] + questions[second]
    sentences = Counter(_normal(s) for t in turns for s in split_sentences(t.text) if word_count(s) >= 6)
    short_turns = Counter(t.text for t in turns if word_count(t.text) <= 8)
    note_numbers = set(_NUMBER.findall(note))
    said = " ".join(t.text for t in turns)
    said_numbers = set(_NUMBER.findall(said))
    return Measures(
        second_host_word_share=words[second] / max(1, sum(words.values())),
        content_ratio=carried[second] / max(1, carried[first]),
        grounded_question_share=len(grounded) / len(questions[second]) if questions[second] else 1.0,
        repeated_sentences=tuple(s for s, n in sentences.items() if n > 1),
        invented=tuple(sorted((said_numbers - note_numbers) | (_names(said, hosts) - set(_WORD.findall(note))))),
        numbers_spoken_share=len(note_numbers & said_numbers) / len(note_numbers) if note_numbers else 1.0,
        generic_prompts=sum(1 for q in every_question if not vocabulary & set(content_words(q))),
        repeated_reactions=tuple(t for t, n in short_turns.items() if n > 1),
    )


def _normal(sentence: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", sentence.lower()).split())


def _names(text: str, hosts: tuple[str, str]) -> set[str]:
    """Capitalised words that do not start a sentence (or follow a colon): names the script says."""
    found: set[str] = set()
    for sentence in split_sentences(text):
        for clause in re.split(r"[:;]\s+", sentence):
            for word in _WORD.findall(clause)[1:]:
                if word[0].isupper() and word not in hosts and word != "I" and not word.startswith(("I'", "I’")):
                    found.add(word)
    return found
