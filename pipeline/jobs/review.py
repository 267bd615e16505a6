"""Reviewing a script before it is voiced: the script as people edit it (turns with ids), and the checks an
edited script must pass before it replaces the written one."""

from __future__ import annotations

from typing import Any

from errors import InputError
from pipeline.writers.base import CONTROL_CHARACTERS, MAX_TITLE_CHARS

MAX_TURNS = 400
MAX_TURN_CHARS = 2000
MAX_SPANS = 20  # pronunciations per turn
MIN_WRITTEN_CHARS = 2  # a single letter said otherwise everywhere it stands would multiply a turn's length
MAX_WRITTEN_CHARS = 100
MAX_SPOKEN_CHARS = 200
MAX_LEXICON = 500


def editable(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored script (checkpoints.script_json's shape) as the API shows it: each turn with an id."""
    number = iter(range(1, MAX_TURNS * 10))
    return {"title": stored["title"],
            "sections": [{"title": section["title"],
                          "turns": [_editable_turn(f"t{next(number)}", turn) for turn in section["turns"]]}
                         for section in stored["sections"]]}


def _editable_turn(turn_id: str, stored: list[Any]) -> dict[str, Any]:
    speaker, text, *rest = stored
    spans = [{"text": written, "say": spoken} for written, spoken in rest[0].items()] if rest and rest[0] else []
    return {"id": turn_id, "speaker": speaker, "text": text, **({"say": spans} if spans else {})}


def _checked_spans(spans: Any, text: str, where: str, problems: dict[str, str]) -> dict[str, str]:
    """A turn's pronunciations as {written: spoken}; each written form must occur in the turn's text."""
    say: dict[str, str] = {}
    spans = list(spans or [])
    if len(spans) > MAX_SPANS:  # refused before any is looked at: the body is the client's to make large
        problems.setdefault(f"{where}.say", f"must hold at most {MAX_SPANS} pronunciations")
        return say
    folded = text.casefold()
    for n, span in enumerate(spans):
        written, spoken = str(span.get("text") or "").strip(), " ".join(str(span.get("say") or "").split())
        if not MIN_WRITTEN_CHARS <= len(written) <= MAX_WRITTEN_CHARS or written.casefold() not in folded:
            problems.setdefault(f"{where}.say[{n}].text",
                                f"must be {MIN_WRITTEN_CHARS}-{MAX_WRITTEN_CHARS} characters found in the turn's text")
        if not spoken or len(spoken) > MAX_SPOKEN_CHARS or CONTROL_CHARACTERS.search(spoken):
            problems.setdefault(f"{where}.say[{n}].say", f"must be 1-{MAX_SPOKEN_CHARS} characters on one line")
        say[written] = spoken
    return say


def checked(edited: dict[str, Any], hosts: list[str], stored: dict[str, Any]) -> dict[str, Any]:
    """`edited` (the API's shape) in the stored shape, keeping the stored word target and notices. InputError
    naming the first turn that is wrong."""
    problems: dict[str, str] = {}
    title = str(edited.get("title") or "").strip()
    if not title or len(title) > MAX_TITLE_CHARS or CONTROL_CHARACTERS.search(title):
        problems["title"] = f"must be 1-{MAX_TITLE_CHARS} characters on one line"
    sections = []
    total = sum(len(section.get("turns") or []) for section in edited.get("sections") or [])
    if total > MAX_TURNS:  # refused before any turn is looked at
        raise InputError(f"Invalid script: sections must hold at most {MAX_TURNS} turns (got {total})",
                         fields={"sections": f"must hold at most {MAX_TURNS} turns (got {total})"})
    for s, section in enumerate(edited.get("sections") or []):
        section_title = str(section.get("title") or "").strip()
        if not section_title or len(section_title) > MAX_TITLE_CHARS or CONTROL_CHARACTERS.search(section_title):
            problems.setdefault(f"sections[{s}].title", f"must be 1-{MAX_TITLE_CHARS} characters on one line")
        turns = []
        for t, turn in enumerate(section.get("turns") or []):
            where = f"sections[{s}].turns[{t}]"
            raw = str(turn.get("text") or "")
            speaker, text = turn.get("speaker"), " ".join(raw[: MAX_TURN_CHARS * 2].split())
            if len(raw) > MAX_TURN_CHARS * 2:
                text = raw  # far too long: refused below, not normalised
            if speaker not in hosts:
                problems.setdefault(f"{where}.speaker", f"must be one of the hosts: {', '.join(hosts)}")
            if not text or len(text) > MAX_TURN_CHARS:
                problems.setdefault(f"{where}.text", f"must be 1-{MAX_TURN_CHARS} characters")
            say = _checked_spans(turn.get("say"), text, where, problems)
            turns.append([speaker, text, say] if say else [speaker, text])
        if turns:
            sections.append({"title": section_title, "turns": turns})
    if total == 0:
        problems.setdefault("sections", "must hold at least one turn")
    if problems:
        first = next(iter(problems.items()))
        raise InputError(f"Invalid script: {first[0]} {first[1]}", fields=problems)
    return {"title": title, "target_words": stored.get("target_words", 0), "notices": stored.get("notices", []),
            "sections": sections}


def checked_lexicon(entries: list[dict[str, Any]]) -> dict[str, str]:
    """A user's lexicon as {written: spoken}; a written form given twice (in any case) keeps its last spoken
    form. InputError naming the first entry that is wrong (empty, too long, or not one line)."""
    if len(entries) > MAX_LEXICON:  # refused before any entry is looked at
        raise InputError(f"Invalid lexicon: entries must hold at most {MAX_LEXICON} entries (got {len(entries)})",
                         fields={"entries": f"must hold at most {MAX_LEXICON} entries (got {len(entries)})"})
    problems: dict[str, str] = {}
    by_form: dict[str, tuple[str, str]] = {}
    for n, entry in enumerate(entries):
        written, spoken = str(entry.get("text") or "").strip(), " ".join(str(entry.get("say") or "").split())
        if not MIN_WRITTEN_CHARS <= len(written) <= MAX_WRITTEN_CHARS or CONTROL_CHARACTERS.search(written):
            problems.setdefault(f"entries[{n}].text",
                                f"must be {MIN_WRITTEN_CHARS}-{MAX_WRITTEN_CHARS} characters on one line")
        if not spoken or len(spoken) > MAX_SPOKEN_CHARS or CONTROL_CHARACTERS.search(spoken):
            problems.setdefault(f"entries[{n}].say", f"must be 1-{MAX_SPOKEN_CHARS} characters on one line")
        by_form[written.casefold()] = (written, spoken)
    if problems:
        first = next(iter(problems.items()))
        raise InputError(f"Invalid lexicon: {first[0]} {first[1]}", fields=problems)
    return dict(by_form.values())
