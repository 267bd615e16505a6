"""The two other formats: a brief (one host, the key points) and a debate (the note's two sides in turn)."""

from __future__ import annotations

from pipeline.writers.base import Script, Section, Turn
from pipeline.writers.builtin.conversation import discuss
from pipeline.writers.builtin.dialogue import Dialogue
from pipeline.writers.builtin.facts import Fact, Key, ReadNote
from pipeline.writers.builtin.phrases import Picker
from pipeline.writers.builtin.reading import key_phrase, lower_first, upper_first
from pipeline.writers.builtin.wording import JOINED_ON
from pipeline.writers.debate import SideSentences

_BRIEF_TURN_WORDS = 60


def brief(note: ReadNote, chosen: set[Key], hosts: tuple[str, str], topic: str, picker: Picker) -> Script:
    """The first host alone: the topic, the chosen key points in note order, a close."""
    host = hosts[0]
    facts = [fact for fact in note.facts if fact.key in chosen and not fact.code and not fact.asks]
    kind = "brief_open_question" if topic.endswith("?") else "brief_open" if topic else "brief_open_none"
    turns = [Turn(host, upper_first(picker.choose(kind, topic=note.spoken_topic(topic))))]
    words = 0
    for fact in facts:
        if turns[-1].text and words + fact.words > _BRIEF_TURN_WORDS and len(turns) > 1:
            turns.append(Turn(host, fact.text))
            words = fact.words
        else:
            turns[-1] = Turn(host, f"{turns[-1].text} {fact.text}")
            words += fact.words
    turns.append(Turn(host, picker.choose("brief_close")))
    return Script(title=upper_first(topic), sections=(Section("Brief", tuple(turns)),))


def debate(note: ReadNote, chosen: set[Key], hosts: tuple[str, str], topic: str, picker: Picker,
           sides: SideSentences) -> Script:
    """Background as a conversation, then the first host argues for and the second against, turn by turn, then
    the open questions, then where that leaves the listener."""
    talk = Dialogue(hosts, note, picker)
    a, b = hosts
    on_a_side = set(sides.pros) | set(sides.cons) | set(sides.questions)
    talk.say(a, picker.choose("welcome", a=a, b=b))
    kind = "debate_topic_question" if topic.endswith("?") else "debate_topic" if topic else "debate_topic_none"
    talk.say(b, picker.choose(kind, topic=note.spoken_topic(topic), a=a))
    talk.close_section("Intro")
    for index, section in enumerate(note.sections):
        background = [f for f in note.section_facts(index, chosen) if f.key not in on_a_side]
        if background:
            asks = bool(section.heading) and not note.names_topic(section.heading or "", topic)
            if asks and section.heading:
                talk.say(talk.listener, talk.heading_question(section.heading))
            discuss(talk, background, answering=asks)
            talk.close_section(section.heading or "Background")
    pros, cons, questions = (_facts(note, keys, chosen) for keys in (sides.pros, sides.cons, sides.questions))
    if pros or cons:
        talk.say(talk.listener, picker.choose("debate_turn"))
        for number in range(max(len(pros), len(cons))):
            for speaker, kind, facts in ((a, "pro_first" if number == 0 else "pro", pros), (b, "con", cons)):
                if number < len(facts):
                    # the side's own opener takes the place of a "But" ("Here's my worry: but …")
                    own = JOINED_ON.sub("", facts[number].text, count=1).lstrip(", ")
                    talk.say(speaker, picker.choose(kind, fact_lc=lower_first(own, note.proper)))
                    talk.credit(speaker, [facts[number]])
        talk.close_section("For and against")
    for number, question in enumerate(questions):
        asker = (a, b)[number % 2]
        talk.say(asker, picker.choose("question_first" if number == 0 else "question_turn", fact=question.text))
        talk.credit(asker, [question])
    talk.close_section("Open questions")
    _verdict(talk, topic, pros, cons)
    return Script(title=upper_first(topic), sections=tuple(talk.sections))


def _facts(note: ReadNote, keys: tuple[Key, ...], chosen: set[Key]) -> list[Fact]:
    wanted = set(keys) & chosen
    return [fact for fact in note.facts if fact.key in wanted]


def _verdict(talk: Dialogue, topic: str, pros: list[Fact], cons: list[Fact]) -> None:
    a, b = talk.hosts
    note = talk.note
    asker = talk.listener  # whoever did not speak last asks, and the other host answers first
    talk.say(asker, talk.picker.choose("debate_wrap" if topic else "debate_wrap_none", topic=note.spoken_topic(topic)))
    recaps = [(a, "debate_recap_pro", pros), (b, "debate_recap_con", cons)]
    for speaker, kind, facts in recaps if asker == b else reversed(recaps):
        best = max(facts, key=lambda f: f.score, default=None)
        phrase = key_phrase(best.text, note.frequency, note.proper) if best else None
        if phrase:
            talk.say(speaker, talk.picker.choose(kind, k=phrase))
    talk.say(b, talk.picker.choose("thanks", a=a))
    talk.say(a, talk.picker.choose("goodbye"))
    talk.close_section("Outro")

