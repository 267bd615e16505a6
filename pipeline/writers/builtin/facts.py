"""A note read as facts: its sentences in order, in the third person, each scored by how central it is (and how
close to the listener's focus), with the names and word counts the dialogue needs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property

from pipeline.sentences import split_sentences, word_count
from pipeline.writers.builtin.headings import is_statement, names_something, spoken_topic, subject_phrase
from pipeline.writers.builtin.meeting import named_part, said_plainly
from pipeline.writers.builtin.person import third_person, with_subject
from pipeline.writers.builtin.reading import (
    content_words,
    proper_words,
    sentence_case,
    stem,
    upper_first,
)
from pipeline.writers.notes import CODE_BLOCK, NoteSection, as_sentence, parse_note

Key = tuple[int, int]  # (section index, sentence index)
_TOPIC_WORDS = 12


@dataclass(frozen=True)
class Fact:
    """One sentence of the note, as a host will say it."""

    key: Key
    text: str
    words: int
    score: float
    code: bool = False
    asks: bool = False  # the note itself asks this question
    first_person: bool = False  # the author's own I or we, now said as "they"


@dataclass
class ReadNote:
    """The note's sections and facts, its names, and how often each content word occurs."""

    sections: list[NoteSection]
    facts: list[Fact]
    proper: set[str]
    frequency: Counter[str]
    first_heading: str | None  # as the author wrote it, for the episode's title
    topic_stems: set[str]  # the words of the first heading (or first sentence's opening), as stems
    subject: str  # what the note's first sentence is about, as a line names it ("the new library"), or ""
    opening: str  # the note's first sentence as the author wrote it
    stated_heading: bool = False  # the note opens with a heading that says something: it names no topic

    @cached_property
    def by_section(self) -> dict[int, list[Fact]]:
        """Facts grouped by section, in note order (looked up once per section on every rewrite)."""
        grouped: dict[int, list[Fact]] = {}
        for fact in self.facts:
            grouped.setdefault(fact.key[0], []).append(fact)
        return grouped

    def section_facts(self, index: int, chosen: set[Key]) -> list[Fact]:
        """The chosen facts of one section, in note order."""
        return [fact for fact in self.by_section.get(index, ()) if fact.key in chosen]

    def topic(self, title: str | None) -> str:
        """What the episode is about, as said in a sentence: the title, else the heading the note opens with,
        else the subject of the first sentence; "" when none of these names it (the lines then name no topic). A
        title that is a sentence is named by its subject ("The council voted yes": the council)."""
        if title and title.strip():
            title = title.strip()
            if not is_statement(title):
                return sentence_case(title, self.proper)
            if named := subject_phrase(title, self.proper):
                return named
        for section in self.sections if not self.stated_heading else ():
            if section.heading and len(section.heading.split()) <= _TOPIC_WORDS:
                return sentence_case(named_part(section.heading), self.proper)
        return self.subject

    def names_topic(self, heading: str, topic: str) -> bool:
        """Whether a heading only names the episode's topic (the first one perhaps with its date: a later "Weekly
        sync, Nov 19" is a chapter of its own): it opens no chapter."""
        said = named_part(heading) if heading == self.first_heading else heading
        return sentence_case(said, self.proper) == topic

    def spoken_topic(self, topic: str) -> str:
        """`topic` as a line says it: the first sentence's subject already carries its article ("sea stars",
        "the new library"); a title or heading is named as a heading is."""
        return topic if topic == self.subject else spoken_topic(topic, self.proper)

    def headline(self, topic: str) -> str:
        """A title for a note with neither title nor heading: its first sentence as the author wrote it, or, when
        that is long, the topic, or the sentence's opening words."""
        words = self.opening.rstrip(".!:;").split()
        if len(words) <= _TOPIC_WORDS:
            return " ".join(words) or "Notes"
        return upper_first(topic) if topic else " ".join(words[:_TOPIC_WORDS]).rstrip(",;:") + "…"


def read_note(note: str, focus: str | None) -> ReadNote:
    """Facts scored by centrality: a sentence whose words recur across the note scores high, a section's opener
    and a sentence sharing its heading's words get a boost, and one sharing words with `focus` a larger one."""
    parsed = _listed(_titled(parse_note(note)))
    as_written, stated = parsed, bool(parsed and parsed[0].heading and is_statement(parsed[0].heading))
    if stated:
        # "I went to the market today" on top says what happened: it is the note's first sentence, not its name
        as_written = [NoteSection(None, [as_sentence(parsed[0].heading or ""), *parsed[0].sentences]), *parsed[1:]]
    # a heading such as "My sourdough year" is the author's too
    sections = [NoteSection(third_person(s.heading)[0] if s.heading else None, s.sentences) for s in as_written]
    sentences = [s for section in sections for s in section.sentences if s != CODE_BLOCK]
    proper = proper_words(sentences, [named_part(section.heading) for section in sections if section.heading])
    frequency = Counter(w for sentence in sentences for w in content_words(sentence))
    focus_words = {stem(word) for word in content_words(focus or "")}
    facts = []
    for index, section in enumerate(sections):
        heading_words = set(content_words(section.heading or ""))
        heading_stems = {stem(word) for word in heading_words}
        for position, sentence in enumerate(section.sentences):
            if sentence == CODE_BLOCK:
                facts.append(Fact((index, position), sentence, 12, 0.0, code=True))
                continue
            words = content_words(sentence)
            centrality = sum(frequency[w] for w in set(words)) / (len(words) + 4) if words else 0.0
            boost = 1.0 + (1.0 if position == 0 else 0.0) + 0.25 * len(heading_words.intersection(words))
            focused = 1.0 + 3.0 * len(focus_words & ({stem(word) for word in words} | heading_stems))
            spoken, first_person = third_person(with_subject(said_plainly(as_sentence(sentence), proper)))
            facts.append(Fact((index, position), spoken, word_count(spoken), centrality * boost * focused,
                              asks=sentence.rstrip().endswith("?"), first_person=first_person))
    first_heading = next((section.heading for section in parsed if section.heading), None)
    # "=====" or "---" on top is no sentence to name the episode by
    written = next((s for section in as_written for s in section.sentences
                    if s != CODE_BLOCK and any(ch.isalpha() for ch in s)), "")
    first_sentence = split_sentences(written)[0] if written.strip() else ""
    subject = subject_phrase(first_sentence, proper) if first_sentence else ""
    topic_stems = {stem(word) for word in content_words(first_heading or first_sentence)[:4]}
    return ReadNote(sections, facts, proper, frequency, first_heading, topic_stems, subject, first_sentence, stated)


def _titled(sections: list[NoteSection]) -> list[NoteSection]:
    """A note whose first line may be its title, with that line as its heading when it names something."""
    first = sections[0] if sections else None
    if first is None or not first.opens_with_title_line or not names_something(first.sentences[0]):
        return sections
    return [NoteSection(first.sentences[0], first.sentences[1:]), *sections[1:]]


def _listed(sections: list[NoteSection]) -> list[NoteSection]:
    """A line above a list heads it when it names something ("What went well", "Ingredients"); one that says
    something ("Went to the gym this morning", "Today") stays a sentence of the part before."""
    kept: list[NoteSection] = []
    for section in sections:
        if not (section.heads_a_list and section.heading) or names_something(section.heading):
            kept.append(section)
        elif kept:
            said = [*kept[-1].sentences, as_sentence(section.heading), *section.sentences]
            kept[-1] = replace(kept[-1], sentences=said)
        else:
            kept.append(NoteSection(None, [as_sentence(section.heading), *section.sentences]))
    return kept

