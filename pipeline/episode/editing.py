"""Editing a finished episode: its script as it was voiced, the job that voices an edited one as the next
version, and the listener's pronunciations laid over a script before it is voiced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pipeline.writers.base import Script, Section
from store.records import NewJob


def script_of(podcast: Mapping[str, Any]) -> dict[str, Any]:
    """A podcast's script in the stored shape: as voiced, or (episodes made before scripts were kept) rebuilt
    from its transcript, one section per chapter."""
    if podcast.get("script"):
        return dict(podcast["script"]) | {"title": podcast["title"]}  # renamed since: the name people see
    sections: list[dict[str, Any]] = []
    for line in podcast["transcript"]:
        title = line.get("section") or podcast["title"]
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "turns": []})
        sections[-1]["turns"].append([line["speaker"], line["text"]])
    words = sum(len(line["text"].split()) for line in podcast["transcript"])
    return {"title": podcast["title"], "target_words": words, "notices": [], "sections": sections}


def changed_turns(before: Mapping[str, Any], after: Mapping[str, Any]) -> int:
    """How many turns of `after` are not in `before` (new, or with a new speaker, text or pronunciation): the
    turns an edit has to voice; the others come from the segment cache."""
    def turns(script: Mapping[str, Any]) -> list[str]:
        return [repr(turn) for section in script["sections"] for turn in section["turns"]]

    remaining = turns(before)
    changed = 0
    for turn in turns(after):
        if turn in remaining:
            remaining.remove(turn)
        else:
            changed += 1
    return changed


def edit_job(podcast: Mapping[str, Any], script: dict[str, Any]) -> NewJob:
    """The job that voices `script` as the podcast's next version, with the hosts, language and length the
    episode was made with."""
    return NewJob(user_id=podcast["user_id"], note_id=podcast["note_id"],
                  note_content=podcast.get("note_excerpt") or script["title"], duration=podcast["duration"],
                  title=script["title"], hosts=podcast.get("hosts"), language=podcast.get("language"),
                  format=podcast.get("format") or "conversation", focus=podcast.get("focus"))


def with_lexicon(script: Script, lexicon: Mapping[str, str]) -> Script:
    """The script with the user's pronunciations added to each turn that uses one (a turn's own spans win)."""
    if not lexicon:
        return script

    def turn_say(text: str, own: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        folded = text.casefold()
        used = {written: spoken for written, spoken in lexicon.items() if written.casefold() in folded}
        return tuple((used | dict(own)).items())

    return replace(script, sections=tuple(
        Section(section.title, tuple(replace(turn, say=turn_say(turn.text, turn.say)) for turn in section.turns))
        for section in script.sections))
