"""The `openai` script writer: outline the note chunk by chunk, write each part from its own chunk, then
steer each part's length. Works with OpenAI and OpenAI-compatible servers (Ollama, vLLM, LM Studio)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from importlib.resources import files
from typing import Any, TypeVar

import openai

from errors import ScriptError
from pipeline.openai_client import classifier, make_client, retry_policy
from pipeline.retry import call_with_retries
from pipeline.sentences import word_count
from pipeline.writers.base import NO_DEBATE_NOTICE, Script, Section, WritingRequest
from pipeline.writers.chunks import chunk_note
from pipeline.writers.debate import sides
from pipeline.writers.language import detect_language
from pipeline.writers.notes import parse_note
from pipeline.writers.openai_schema import dialogue_json, dialogue_schema, outline_schema, parse_dialogue, parse_outline
from settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

LENGTH_TOLERANCE = 0.10  # of the word target; with the measured speaking rate the audio lands within ±15 %
MAX_LENGTH_ROUNDS = 2
_MIN_PART_WORDS = 60


_PROMPTS = ("system", "outline", "write", "adjust")


def prompt(name: str) -> str:
    """A prompt template shipped with the package."""
    return files("pipeline.writers").joinpath("prompts", f"{name}.md").read_text(encoding="utf-8")


class OpenAIScriptWriter:
    """Structured-output dialogue from an OpenAI-compatible chat model."""

    name = "openai"
    languages: frozenset[str] | None = None  # the prompt asks for the note's own language
    can_expand = True

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        self.model = settings.openai_model
        self.chunk_chars = settings.openai_chunk_chars
        self.client = client or make_client(settings)
        self.policy = retry_policy(settings)
        self.classify = classifier(ScriptError, settings.openai_api_key)
        prompts = hashlib.sha256("".join(prompt(name) for name in _PROMPTS).encode()).hexdigest()[:16]
        self.identity = (f"openai|{settings.openai_base_url or 'api.openai.com'}|{self.model}|"
                         f"chunk={self.chunk_chars}|prompts={prompts}")

    def write(self, request: WritingRequest) -> Script:
        """Outline every chunk, then write and length-steer one part per chunk."""
        note, title, target_words = request.note, request.title, request.words_wanted
        language = detect_language(note)
        hosts: tuple[str, ...] = request.hosts
        style, notices = _style(request)
        if request.format == "brief":
            hosts = request.hosts[:1]
            style += f" Only {hosts[0]} speaks: there is no second host in a brief."
        system = prompt("system").format(host_a=request.hosts[0], host_b=request.hosts[1], language=language)
        chunks = chunk_note(note, self.chunk_chars)
        outlines = [self._outline(system, chunk, index, len(chunks)) for index, chunk in enumerate(chunks)]
        outline_text = "\n".join(f"- {title_}: {'; '.join(points)}" for part in outlines for title_, points in part)
        topic = title or outlines[0][0][0]
        total_chars = sum(len(chunk) for chunk in chunks)
        sections: list[Section] = []
        for index, chunk in enumerate(chunks):
            budget = max(_MIN_PART_WORDS, round(target_words * len(chunk) / total_chars))
            part = self._write_part(system, chunk, (index, len(chunks)), budget, topic, outline_text, hosts, style)
            sections += self._fit_length(system, chunk, part, budget, hosts)
        return Script(title=topic, sections=tuple(sections), notices=notices)

    def _outline(self, system: str, chunk: str, index: int, parts: int) -> list[tuple[str, list[str]]]:
        user = prompt("outline").format(part=index + 1, parts=parts, chunk=chunk)
        return self._ask(system, user, "outline", outline_schema(), parse_outline)

    def _write_part(self, system: str, chunk: str, place: tuple[int, int], budget: int, topic: str,
                    outline: str, hosts: tuple[str, ...], style: str) -> list[Section]:
        index, parts = place
        placement = []
        if index == 0:
            placement.append(f'Start with a short section titled "Intro": {hosts[0]} welcomes listeners, '
                             f"introduces {' and '.join(hosts[1:]) or 'the brief'} and names the topic.")
        if index == parts - 1:
            placement.append('End with a short section titled "Outro" that recaps two or three key points of the '
                             "whole outline and says goodbye.")
        if not placement:
            placement.append("This part continues the conversation: no welcome and no goodbye.")
        user = prompt("write").format(part=index + 1, parts=parts, target_words=budget, topic=topic,
                                      placement=" ".join(placement), style=style, outline=outline, chunk=chunk)
        return self._ask(system, user, "dialogue", dialogue_schema(hosts),
                         lambda content: parse_dialogue(content, hosts))

    def _fit_length(self, system: str, chunk: str, part: list[Section], budget: int, hosts: tuple[str, ...]
                    ) -> list[Section]:
        for _ in range(MAX_LENGTH_ROUNDS):
            actual = sum(word_count(turn.text) for section in part for turn in section.turns)
            if abs(actual - budget) <= LENGTH_TOLERANCE * budget:
                break
            direction = ("Expand it: add detail and explanation drawn from the note part." if actual < budget
                         else "Trim it: keep the key points, drop repetition and small talk.")
            log.info("script part has %d words for a target of %d; asking the model to adjust", actual, budget)
            user = prompt("adjust").format(actual_words=actual, target_words=budget, direction=direction,
                                           chunk=chunk, draft=dialogue_json(part))
            part = self._ask(system, user, "dialogue", dialogue_schema(hosts),
                             lambda content: parse_dialogue(content, hosts))
        return part

    def _ask(self, system: str, user: str, schema_name: str, schema: dict[str, Any], parse: Callable[[str], T]
             ) -> T:
        def action() -> T:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format={"type": "json_schema",
                                 "json_schema": {"name": schema_name, "schema": schema, "strict": True}},
            )
            content = response.choices[0].message.content if response.choices else None
            if not content:
                raise ValueError("the model returned no content")
            return parse(content)

        return call_with_retries(action, self.classify, self.policy, f"OpenAI {schema_name} call")


def _style(request: WritingRequest) -> tuple[str, tuple[str, ...]]:
    """The format and focus as an instruction for the model, and the notices for the listener (a note with no
    two sides to debate is written as a conversation, as the built-in writer does)."""
    a, b = request.hosts
    notices: tuple[str, ...] = ()
    if request.format == "brief":
        style = "Format: a brief. One host gives only the key points, in plain words."
    elif request.format == "debate" and sides(parse_note(request.note)).debatable:
        style = (f"Format: a debate. {a} argues for, {b} against, taking the note's pros and cons or open "
                 "questions in turn; both stay with what the note says.")
    else:
        notices = (NO_DEBATE_NOTICE,) if request.format == "debate" else ()
        style = "Format: a conversation. Both hosts explain, ask and react."
    if request.focus:
        style += f" The listener asked for this focus; follow it where the note allows: {request.focus}"
    return style, notices
