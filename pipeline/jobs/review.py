"""Reviewing a script before it is voiced: the script as people edit it (turns with ids), and the checks an
edited script must pass before it replaces the written one."""

from __future__ import annotations

from typing import Any

from errors import InputError
from pipeline.writers.base import CONTROL_CHARACTERS, MAX_TITLE_CHARS

MAX_TURNS = 400
MAX_TURN_CHARS = 2000


def editable(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored script (checkpoints.script_json's shape) as the API shows it: each turn with an id."""
    number = iter(range(1, MAX_TURNS * 10))
    return {"title": stored["title"],
            "sections": [{"title": section["title"],
                          "turns": [{"id": f"t{next(number)}", "speaker": speaker, "text": text}
                                    for speaker, text in section["turns"]]}
                         for section in stored["sections"]]}


def checked(edited: dict[str, Any], hosts: list[str], stored: dict[str, Any]) -> dict[str, Any]:
    """`edited` (the API's shape) in the stored shape, keeping the stored word target and notices. InputError
    naming the first turn that is wrong."""
    problems: dict[str, str] = {}
    title = str(edited.get("title") or "").strip()
    if not title or len(title) > MAX_TITLE_CHARS or CONTROL_CHARACTERS.search(title):
        problems["title"] = f"must be 1-{MAX_TITLE_CHARS} characters on one line"
    sections = []
    total = 0
    for s, section in enumerate(edited.get("sections") or []):
        section_title = str(section.get("title") or "").strip()
        if not section_title or len(section_title) > MAX_TITLE_CHARS or CONTROL_CHARACTERS.search(section_title):
            problems.setdefault(f"sections[{s}].title", f"must be 1-{MAX_TITLE_CHARS} characters on one line")
        turns = []
        for t, turn in enumerate(section.get("turns") or []):
            where = f"sections[{s}].turns[{t}]"
            speaker, text = turn.get("speaker"), " ".join(str(turn.get("text") or "").split())
            if speaker not in hosts:
                problems.setdefault(f"{where}.speaker", f"must be one of the hosts: {', '.join(hosts)}")
            if not text or len(text) > MAX_TURN_CHARS:
                problems.setdefault(f"{where}.text", f"must be 1-{MAX_TURN_CHARS} characters")
            turns.append([speaker, text])
        total += len(turns)
        if turns:
            sections.append({"title": section_title, "turns": turns})
    if total == 0:
        problems.setdefault("sections", "must hold at least one turn")
    if total > MAX_TURNS:
        problems.setdefault("sections", f"must hold at most {MAX_TURNS} turns (got {total})")
    if problems:
        first = next(iter(problems.items()))
        raise InputError(f"Invalid script: {first[0]} {first[1]}", fields=problems)
    return {"title": title, "target_words": stored.get("target_words", 0), "notices": stored.get("notices", []),
            "sections": sections}
