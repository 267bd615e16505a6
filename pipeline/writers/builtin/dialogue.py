"""The running dialogue: who spoke last, how much of the note each host has carried, and the lines that tie
the note's facts into a conversation (questions about what comes next, reactions that echo what was said)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.writers.base import Section, Turn
from pipeline.writers.builtin.facts import Fact, ReadNote
from pipeline.writers.builtin.headings import spoken_heading
from pipeline.writers.builtin.meeting import is_attendance
from pipeline.writers.builtin.phrases import Picker
from pipeline.writers.builtin.reading import (
    cause,
    content_words,
    counted_noun,
    definition,
    is_wh_phrase,
    key_phrase,
    lower_first,
    number_phrase,
    sentence_case,
    stem,
    upper_first,
    with_article,
)
from pipeline.writers.builtin.wording import JOINED_ON, LABELLED


@dataclass
class Dialogue:
    """Turns as they are written, section by section."""

    hosts: tuple[str, str]
    note: ReadNote
    picker: Picker
    sections: list[Section] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    carried: dict[str, int] = field(default_factory=dict)
    last_fact: Fact | None = None
    run: tuple[str, int] = ("", 0)  # who delivered the latest facts, and how many in a row
    generic_asked: bool = False
    beats: int = 0
    counted: set[str] = field(default_factory=set)

    @property
    def last_speaker(self) -> str:
        """Who spoke last (the second host before anyone has, so the first host opens)."""
        if self.turns:
            return self.turns[-1].speaker
        for section in reversed(self.sections):
            if section.turns:
                return section.turns[-1].speaker
        return self.hosts[1]

    @property
    def listener(self) -> str:
        """The host who did not speak last."""
        return self.hosts[0] if self.last_speaker == self.hosts[1] else self.hosts[1]

    def other(self, host: str) -> str:
        """The host who is not `host`."""
        return self.hosts[1] if host == self.hosts[0] else self.hosts[0]

    def say(self, speaker: str, text: str) -> None:
        """Add a line; two in a row by one host become one turn."""
        text = upper_first(text.strip())
        if not text:
            return
        if self.turns and self.turns[-1].speaker == speaker:
            self.turns[-1] = Turn(speaker, f"{self.turns[-1].text} {text}")
        else:
            self.turns.append(Turn(speaker, text))

    def close_section(self, title: str) -> None:
        """End the current chapter."""
        if self.turns:
            self.sections.append(Section(title, tuple(self.turns)))
            self.turns = []

    def deliver(self, speaker: str, facts: list[Fact], kind: str) -> None:
        """`speaker` says `facts`, opened with a line of `kind` ("add", "answer", "continue"), or attributed to
        the author when the note speaks in the first person."""
        first, rest = facts[0], facts[1:]
        if first.code:  # after three code remarks, a short one (a question may be waiting for an answer)
            self.say(speaker, self.picker.fresh("code") or self.picker.choose("code_again"))
        else:
            opener = "attribution" if first.first_person and not (self.last_fact and self.last_fact.first_person) \
                else kind
            # "Decision: they pause the launch" names its own part of the note, and "But the best teams…" leans on
            # the sentence before: neither takes an opener ("Also, decision: …", "Well, but …"); the author is
            # credited after it instead ("But they ran every run at race pace, the note says.")
            if LABELLED.match(first.text) or JOINED_ON.match(first.text):
                closes = opener == "attribution" and first.text.endswith(".")
                self.say(speaker, self.picker.choose("attribution_after", fact=first.text[:-1]) if closes
                         else first.text)
            else:
                self.say(speaker, self.picker.choose(opener, fact=first.text,
                                                     fact_lc=lower_first(first.text, self.note.proper)))
        for fact in rest:
            line = (self.picker.fresh("code") or "") if fact.code else fact.text
            self.say(speaker, line)
        self.credit(speaker, facts)

    def credit(self, speaker: str, facts: list[Fact]) -> None:
        """Count `facts` as carried by `speaker`, whose turn said them."""
        self.carried[speaker] = self.carried.get(speaker, 0) + sum(len(content_words(f.text)) for f in facts)
        self.last_fact = facts[-1]
        self.run = (speaker, self.run[1] + 1 if self.run[0] == speaker else 1)

    def heading_question(self, heading: str) -> str:
        """A natural line that opens a section: "What went wrong" → "Can you explain what went wrong?"."""
        said = sentence_case(heading, self.note.proper).rstrip("?")
        if heading.endswith("?"):
            return upper_first(said) + "?"
        if is_wh_phrase(heading):
            return self.picker.choose("heading_wh", heading=said)
        return self.picker.choose("heading_noun", heading=spoken_heading(heading, self.note.proper))

    def has_specific_question(self, fact: Fact) -> bool:
        """Whether `fact` invites a question of its own: why (a cause), what is (a term), how many (a count)."""
        proper = self.note.proper
        # a count already asked about ("How many people?") is not asked again
        return not fact.code and not fact.asks and bool(
            cause(fact.text, proper) or definition(fact.text, proper) or counted_noun(fact.text) not in {
                None, *self.counted})

    def question_about(self, fact: Fact, generic: bool = True) -> tuple[str, str | None] | None:
        """A question whose answer is `fact`, and the answer's wording when the question already says part of
        it (a cause asked as "How come …?" is answered "Because …"); None when there is nothing to ask about."""
        proper = self.note.proper
        if fact.code or fact.asks:
            return None
        fresh = self.picker.fresh  # a question is never asked twice in one episode
        if (found := cause(fact.text, proper)) and (asked := fresh("ask_cause", clause=found[0])):
            return asked, self.picker.choose("because", cause=found[1])
        if found_term := definition(fact.text, proper):
            verb, term = found_term
            if asked := fresh("ask_means" if verb == "means" else "ask_definition", verb=verb, x=term):
                return asked, None
        if is_attendance(fact.text) and (asked := fresh("ask_who")):
            return asked, None
        if (noun := counted_noun(fact.text)) and noun not in self.counted and (asked := fresh("ask_count", noun=noun)):
            self.counted.add(noun)  # "How many pounds?" once is a question; three times is a tic
            return asked, None
        phrase = key_phrase(fact.text, self.note.frequency, proper)
        if phrase in self.counted:  # "How many people?" was asked: "What are the numbers on people?" asks it again
            phrase = None
        named = with_article(phrase, fact.text, proper) if phrase else ""
        if phrase and number_phrase(fact.text) and (asked := fresh("ask_number", x=named)):
            return asked, None
        if phrase and not self._only_the_topic(phrase) and (asked := fresh("ask_topic", x=named)):
            return asked, None
        if generic and not self.generic_asked:
            self.generic_asked = True
            return self.picker.choose("ask_generic"), None
        return None

    def _only_the_topic(self, phrase: str) -> bool:
        """"And octopus?" in an episode about octopuses asks nothing."""
        return {stem(word) for word in phrase.lower().split()} <= self.note.topic_stems

    def reaction_to(self, fact: Fact | None) -> str | None:
        """A short reaction echoing what was just said ("500 million neurons. Wow."), never the same twice."""
        if fact is not None and not fact.code:
            phrase = number_phrase(fact.text) or key_phrase(fact.text, self.note.frequency, self.note.proper, 2)
            # one common noun echoed ("Tickets. Okay.") sounds like a host who missed the point
            lone = phrase is not None and phrase.isalpha() and phrase not in self.note.proper  # "31%" says a lot
            if phrase and not lone and not self._only_the_topic(phrase) and (
                    line := self.picker.fresh("echo", phrase=phrase)):
                return line
        return self.picker.fresh("react")
