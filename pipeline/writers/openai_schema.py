"""JSON schemas for the model's structured output, and validation that repairs what it safely can."""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.writers.base import Section, Turn

_STRING = {"type": "string"}


def outline_schema() -> dict[str, Any]:
    """`{sections: [{title, points: [..]}]}`."""
    section = {"type": "object", "additionalProperties": False, "required": ["title", "points"],
               "properties": {"title": _STRING, "points": {"type": "array", "items": _STRING}}}
    return {"type": "object", "additionalProperties": False, "required": ["sections"],
            "properties": {"sections": {"type": "array", "items": section}}}


def dialogue_schema(hosts: tuple[str, ...]) -> dict[str, Any]:
    """`{sections: [{title, turns: [{speaker, text}]}]}` with the speakers fixed to the two hosts."""
    turn = {"type": "object", "additionalProperties": False, "required": ["speaker", "text"],
            "properties": {"speaker": {"type": "string", "enum": list(hosts)}, "text": _STRING}}
    section = {"type": "object", "additionalProperties": False, "required": ["title", "turns"],
               "properties": {"title": _STRING, "turns": {"type": "array", "items": turn}}}
    return {"type": "object", "additionalProperties": False, "required": ["sections"],
            "properties": {"sections": {"type": "array", "items": section}}}


def _load_sections(content: str) -> list[Any]:
    text = content.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)  # some local models wrap JSON in a fence
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list) or not sections:
        raise ValueError("no 'sections' list")
    return sections


def parse_outline(content: str) -> list[tuple[str, list[str]]]:
    """Outline sections as (title, points)."""
    outline = []
    for section in _load_sections(content):
        if not isinstance(section, dict):
            raise ValueError("a section is not an object")
        title = str(section.get("title") or "").strip()
        points = [str(point).strip() for point in section.get("points") or [] if str(point).strip()]
        if title or points:
            outline.append((title or "Untitled", points))
    if not outline:
        raise ValueError("the outline is empty")
    return outline


def _speaker(raw: Any, hosts: tuple[str, ...]) -> str:
    name = str(raw or "").strip().strip(":").strip()
    lowered = name.lower()
    for host in hosts:
        if lowered == host.lower():
            return host
    aliases = {0: {"a", "host a", "host 1", "speaker 1", "1", "host1"}, 1: {"b", "host b", "host 2", "speaker 2", "2",
                                                                          "host2"}}
    for index, names in aliases.items():
        if lowered in names and index < len(hosts):
            return hosts[index]
    raise ValueError(f"unknown speaker {name[:40]!r}")


def parse_dialogue(content: str, hosts: tuple[str, ...]) -> list[Section]:
    """Sections of turns; speaker aliases are mapped to the hosts, empty turns dropped, unknown speakers refused."""
    sections: list[Section] = []
    for section in _load_sections(content):
        if not isinstance(section, dict) or not isinstance(section.get("turns"), list):
            raise ValueError("a section has no 'turns' list")
        turns = []
        for turn in section["turns"]:
            if not isinstance(turn, dict):
                raise ValueError("a turn is not an object")
            text = " ".join(str(turn.get("text") or "").split())
            if text:
                turns.append(Turn(_speaker(turn.get("speaker"), hosts), text))
        if turns:
            sections.append(Section(str(section.get("title") or "").strip() or "Untitled", tuple(turns)))
    if not sections:
        raise ValueError("the dialogue has no turns")
    return sections


def dialogue_json(sections: list[Section]) -> str:
    """Sections back to the schema's JSON, for asking the model to adjust a draft."""
    return json.dumps({"sections": [{"title": s.title, "turns": [{"speaker": t.speaker, "text": t.text}
                                                                   for t in s.turns]} for s in sections]},
                      ensure_ascii=False)
