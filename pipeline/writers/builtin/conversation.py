"""The default format: both hosts carry the note. One asks about what comes next and the other answers, or one
reacts to what was just said and adds the next fact; whoever has carried less of the note takes the next part."""

from __future__ import annotations

from pipeline.writers.base import Script
from pipeline.writers.builtin.dialogue import Dialogue
from pipeline.writers.builtin.facts import Fact, Key, ReadNote
from pipeline.writers.builtin.headings import spoken_heading
from pipeline.writers.builtin.phrases import Picker
from pipeline.writers.builtin.reading import first_clause, key_phrase, upper_first, with_article

_SHORT_FACT_WORDS = 8  # two facts this short (bullets, mostly) are said in one breath
_GROUP_WORDS = 20
_MAX_RUN = 2  # facts one host may deliver in a row before the other takes over


def conversation(note: ReadNote, chosen: set[Key], hosts: tuple[str, str], topic: str, picker: Picker) -> Script:
    """Intro, one chapter per section of the note, outro with a recap in key phrases."""
    talk = Dialogue(hosts, note, picker)
    intro(talk, topic, [s.heading for i, s in enumerate(note.sections) if s.heading and note.section_facts(i, chosen)])
    skipped: list[str] = []  # headings whose every sentence was dropped for length, said together
    for index, section in enumerate(note.sections):
        facts = note.section_facts(index, chosen)
        if section.heading and not facts:
            if note.by_section.get(index) and not note.names_topic(section.heading, topic):
                skipped.append(spoken_heading(section.heading, note.proper))  # dropped for length: say so
            continue
        if skipped:
            _mention_skipped(talk, skipped)
            skipped = []
        if section.heading and not note.names_topic(section.heading, topic):
            _open_section(talk, section.heading, facts)
        else:  # the note's preamble, or a first heading that only repeats the topic
            discuss(talk, facts, answering=False)
        talk.close_section(section.heading or upper_first(topic) or note.headline(topic))
    if skipped:
        _mention_skipped(talk, skipped)
    outro(talk, topic, [fact for fact in note.facts if fact.key in chosen])
    return Script(title=topic[:1].upper() + topic[1:], sections=tuple(talk.sections))


def _mention_skipped(talk: Dialogue, headings: list[str]) -> None:
    """One line naming the parts dropped for length: three at most, however many there were."""
    named = headings[:3] + ([f"{len(headings) - 3} more parts"] if len(headings) > 3 else [])
    talk.say(talk.listener, talk.picker.choose("skipped_section", heading=spoken_list(named)))


def _open_section(talk: Dialogue, heading: str, facts: list[Fact]) -> None:
    """A heading turned into a question; or, when the first fact invites a question of its own (a cause, a
    term, a count), a transition naming the heading and that question."""
    first = _groups(facts)[0]
    # the host who did not speak last asks (the one who did would seem to ask themselves); the beats that follow
    # balance how much of the note each host carries
    asker = talk.listener
    if first[0].asks:  # the section opens with the note's own question: name the section, then ask it
        talk.say(asker, talk.picker.choose("heading_transition", heading=spoken_heading(heading, talk.note.proper)))
        discuss(talk, facts, answering=False, opened=True)
        return
    if not talk.has_specific_question(first[0]):
        talk.say(asker, talk.heading_question(heading))
        talk.deliver(talk.other(asker), first, "answer")
        discuss(talk, facts[len(first):], answering=False, opened=True)
        return
    talk.say(asker, talk.picker.choose("heading_transition", heading=spoken_heading(heading, talk.note.proper)))
    asked = talk.question_about(first[0])
    if asked is None:
        talk.deliver(talk.other(asker), first, "answer")
    else:
        _ask_and_answer(talk, first, asker, *asked)
    discuss(talk, facts[len(first):], answering=False, opened=True)


def intro(talk: Dialogue, topic: str, headings: list[str]) -> None:
    """The first host welcomes, the second names the topic, the first says what the note covers."""
    a, b = talk.hosts
    talk.say(a, talk.picker.choose("welcome", a=a, b=b))
    if topic.endswith("?"):  # a heading such as "Should we put a heat pump in?"
        talk.say(b, talk.picker.choose("topic_question", topic=topic.rstrip("?"), a=a))
    elif topic:
        talk.say(b, talk.picker.choose("topic", topic=talk.note.spoken_topic(topic), a=a))
    else:  # the first sentence names no subject ("I started running in January"): it is said next
        talk.say(b, talk.picker.choose("topic_none", a=a))
    parts = [spoken_heading(h, talk.note.proper) for h in headings if not talk.note.names_topic(h, topic)]
    if len(parts) >= 2:
        talk.say(a, talk.picker.choose("overview", list=spoken_list(parts[:4])))
    talk.close_section("Intro")


def discuss(talk: Dialogue, facts: list[Fact], answering: bool, opened: bool = False) -> None:
    """One section's facts as beats; `answering` when the listener has just asked about the section, `opened`
    when the section is already under way."""
    groups = _groups(facts)
    number = 0
    while number < len(groups):
        group = groups[number]
        number += 1
        if answering and number == 1:
            talk.deliver(talk.listener, group, "answer")
        elif number == 1 and not group[0].asks and not opened:
            _opening(talk, group)
        elif group[0].asks:
            # the note's own question: one host asks it, the other answers with what follows; a run of
            # questions is asked in turn and left open
            talk.say(talk.listener, group[0].text)
            if number < len(groups) and not groups[number][0].asks:
                talk.deliver(talk.listener, groups[number], "answer")
                number += 1
            elif number == len(groups):
                several = number > 1 and groups[number - 2][0].asks
                talk.say(talk.listener, talk.picker.choose("open_questions" if several else "open_question"))
        else:
            _beat(talk, group)


def _opening(talk: Dialogue, group: list[Fact]) -> None:
    """A section with no heading to ask about starts with a question about its first fact, or with the fact."""
    asked = talk.question_about(group[0], generic=False)  # "Go on, what else?" cannot open anything
    if asked is None:
        talk.deliver(talk.listener, group, "answer")
        return
    _ask_and_answer(talk, group, talk.listener, *asked)


def _beat(talk: Dialogue, group: list[Fact]) -> None:
    """Whoever has carried less of the note delivers the next group. A question about it comes first when it
    has something specific to ask (a cause, a term, a count) and on every other beat; otherwise the deliverer
    reacts to what was just said, or is nudged on by the other host's reaction."""
    speaker, listener = talk.last_speaker, talk.listener
    deliverer = listener if talk.carried.get(listener, 0) <= talk.carried.get(speaker, 0) else speaker
    if talk.run[0] == deliverer and talk.run[1] >= _MAX_RUN:
        deliverer = talk.other(deliverer)
    talk.beats += 1
    if talk.has_specific_question(group[0]) or talk.beats % 2 == 0:
        asked = talk.question_about(group[0])
        if asked is not None:
            _ask_and_answer(talk, group, talk.other(deliverer), *asked)
            return
    reaction = talk.reaction_to(talk.last_fact) if talk.beats % 3 else None
    if deliverer == listener:
        if reaction:
            talk.say(listener, reaction)
        talk.deliver(listener, group, "add")
    elif reaction:
        talk.say(listener, reaction)
        talk.deliver(speaker, group, "continue")
    else:
        talk.deliver(listener, group, "add")


def _ask_and_answer(talk: Dialogue, group: list[Fact], asker: str, question: str, answer: str | None) -> None:
    """`asker` asks; the other host answers with the group (or with `answer`, which already says its first
    fact)."""
    speaker = talk.other(asker)
    talk.say(asker, question)
    if answer is None:
        talk.deliver(speaker, group, "answer")
        return
    talk.say(speaker, answer)  # the question said the effect; the answer gives the reason
    talk.credit(speaker, group[:1])
    if group[1:]:
        talk.deliver(speaker, group[1:], "continue")


def outro(talk: Dialogue, topic: str, chosen: list[Fact]) -> None:
    """A question about the whole, a recap shared by both hosts in shorter words than the note's (first
    clauses, else key phrases), thanks and goodbye."""
    a, b = talk.hosts
    clauses, phrases = _key_points(talk, topic, chosen)
    if clauses or phrases:
        kind = "wrap_topic_question" if topic.endswith("?") else "wrap_question" if topic else "wrap_none"
        talk.say(talk.listener, talk.picker.choose(kind, topic=talk.note.spoken_topic(topic)))
    if len(clauses) >= 2:
        talk.say(talk.listener, talk.picker.choose("recap", list=spoken_list(clauses[:2])))
        if len(clauses) > 2:
            talk.say(talk.listener, talk.picker.choose("recap_add", k=clauses[2]))
    elif phrases:
        talk.say(talk.listener, talk.picker.choose("recap_phrases", list=spoken_list(phrases[:3])))
    # with nothing to recap, whoever answered last would thank straight after their own answer
    thanker = a if not talk.turns and talk.last_speaker == b else b
    talk.say(thanker, talk.picker.choose("thanks", a=talk.other(thanker)))
    talk.say(talk.other(thanker), talk.picker.choose("goodbye"))
    talk.close_section("Outro")


def _key_points(talk: Dialogue, topic: str, chosen: list[Fact]) -> tuple[list[str], list[str]]:
    """The opening clauses and the key phrases of the most central facts (three at most, in note order)."""
    note = talk.note
    ranked = sorted((f for f in chosen if not f.code and not f.asks), key=lambda f: -f.score)
    clauses = [(f.key, c) for f in ranked if (c := first_clause(f.text, note.proper))][:3]
    said = [{w.rstrip("s") for w in topic.lower().split()}]  # the topic, then each phrase chosen
    phrases: list[tuple[Key, str]] = []
    for fact in ranked:
        phrase = key_phrase(fact.text, note.frequency, note.proper)
        words = {w.rstrip("s") for w in phrase.lower().split()} if phrase else set()
        # "disease" after "wasting disease" says nothing new
        if phrase and not any(words <= before for before in said) and len(phrases) < 3:
            said.append(words)
            phrases.append((fact.key, with_article(phrase, fact.text, note.proper)))
    return [c for _, c in sorted(clauses)], [p for _, p in sorted(phrases)]


def spoken_list(items: list[str]) -> str:
    """"a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _groups(facts: list[Fact]) -> list[list[Fact]]:
    groups: list[list[Fact]] = []
    for fact in facts:
        last = groups[-1] if groups else None
        if (last and not fact.asks and not last[0].asks and not fact.code and not last[-1].code and len(last) < 2
                and fact.words <= _SHORT_FACT_WORDS and last[-1].words <= _SHORT_FACT_WORDS
                and sum(f.words for f in last) + fact.words <= _GROUP_WORDS):
            last.append(fact)
        else:
            groups.append([fact])
    return groups

