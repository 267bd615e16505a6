"""What a note submission must look like. The API and the UI both validate with this, so they say the same words."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.config import JsonDict

from errors import InputError, VoiceError
from pipeline.durations import DurationName
from pipeline.providers import Providers
from pipeline.voices.base import Host, check_hosts
from pipeline.webhooks.guard import MAX_URL_CHARS, parse
from pipeline.writers.base import CONTROL_CHARACTERS, MAX_FOCUS_CHARS, MAX_TITLE_CHARS, FormatName
from pipeline.writers.language import Detected, detect
from pipeline.writers.notes import note_notices
from store.records import NewJob

MAX_NOTE_CHARS = 100_000
MAX_HOST_NAME_CHARS = 40
# At least one character besides dots: "." and ".." would make paths such as /feeds/../TOKEN.xml.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:@-]*[A-Za-z0-9_:@-][A-Za-z0-9_.:@-]*$")
MAX_ID_CHARS = 128
ID_RULE = "must be 1-128 characters of letters, digits and _ . : @ - (not only dots)"
ID_SCHEMA: JsonDict = {"pattern": ID_PATTERN.pattern, "minLength": 1, "maxLength": MAX_ID_CHARS}


def is_valid_id(value: str) -> bool:
    """True for a well-formed noteId or userId."""
    return len(value) <= MAX_ID_CHARS and ID_PATTERN.fullmatch(value) is not None

# The same rules as the validators below, for the OpenAPI schema (ECMAScript regexes).
_NOTE_CHARACTER = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
NOTE_PATTERN = rf"^{_NOTE_CHARACTER}*[^\s\x00-\x1f\x7f-\x9f]{_NOTE_CHARACTER}*$"
TITLE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
_LINE_CHARACTER = r"[^\x00-\x1f\x7f-\x9f]"
HOST_NAME_PATTERN = rf"^{_LINE_CHARACTER}*[^\s\x00-\x1f\x7f-\x9f]{_LINE_CHARACTER}*$"
_NOTE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line breaks



def _check_id(value: str) -> str:
    if not is_valid_id(value):
        raise ValueError(ID_RULE)
    return value


class HostChoice(BaseModel):
    """One host of the episode; either part may be left out to keep the server's default for it."""

    name: str | None = Field(default=None, description="What the script calls this host (1-40 characters)",
                             examples=["Alex"], json_schema_extra={"maxLength": MAX_HOST_NAME_CHARS,
                                                                   "pattern": HOST_NAME_PATTERN})
    voice: str | None = Field(default=None, description="A voice from GET /api/voices, as engine:voice",
                              examples=["piper:joe"], json_schema_extra={"maxLength": 80})

    @field_validator("name")
    @classmethod
    def _name_fits(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value or len(value) > MAX_HOST_NAME_CHARS or CONTROL_CHARACTERS.search(value):
            raise ValueError(f"must be 1-{MAX_HOST_NAME_CHARS} characters on one line")
        return value


_NO_CHOICE = HostChoice()  # a host left out: the server's default name and voice


def one_line(value: str | None, longest: int) -> str | None:
    """A title-like field: stripped, None when blank; ValueError when too long or not one line of text."""
    if value is None or not value.strip():
        return None
    if len(value) > longest:
        raise ValueError(f"must be at most {longest} characters (got {len(value)})")
    if found := CONTROL_CHARACTERS.search(value):
        raise ValueError(f"must not contain control characters or line breaks (found U+{ord(found.group()):04X})")
    return value.strip()


class NoteRequest(BaseModel):
    """A note and how to make it into an episode: what an estimate needs, and a submission adds who and how
    long."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    # The rules are enforced by the validators below (for our own error words) and documented in the schema here.
    note_content: str = Field(alias="noteContent", description=(
        "The note, Markdown allowed (1-100,000 characters, not blank, no control characters but line breaks and "
        "tabs)"), json_schema_extra={"minLength": 1, "maxLength": MAX_NOTE_CHARS, "pattern": NOTE_PATTERN})
    title: str | None = Field(default=None, description="Optional episode title (≤ 200 characters, one line)",
                              json_schema_extra={"maxLength": MAX_TITLE_CHARS, "pattern": TITLE_PATTERN})

    format: FormatName = Field(default="conversation", description=(
        "conversation (both hosts talk the note through), brief (one host, the key points in a minute or two) or "
        "debate (the hosts take the note's pros and cons or open questions in turn; a note without them becomes "
        "a conversation, and the job says so)"))
    focus: str | None = Field(default=None, description=(
        'Optional, ≤ 500 characters: what to dwell on, e.g. "focus on the numbers" or "explain it to a '
        'beginner"'), json_schema_extra={"maxLength": MAX_FOCUS_CHARS, "pattern": TITLE_PATTERN})
    hosts: list[HostChoice] | None = Field(default=None, min_length=2, max_length=2, description=(
        "Optional: the two hosts, first the one who opens the episode, e.g. "
        '[{"name": "Alex", "voice": "piper:joe"}, {"name": "Sam", "voice": "hibari:heart"}]'))

    @field_validator("note_content")
    @classmethod
    def _note_is_speakable(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty or only whitespace")
        if len(value) > MAX_NOTE_CHARS:
            raise ValueError(f"must be at most {MAX_NOTE_CHARS:,} characters (got {len(value):,})")
        if found := _NOTE_CONTROL_CHARACTERS.search(value):
            raise ValueError(f"must not contain control characters (found U+{ord(found.group()):04X})")
        return value

    @field_validator("focus")
    @classmethod
    def _focus_fits(cls, value: str | None) -> str | None:
        return one_line(value, MAX_FOCUS_CHARS)

    @field_validator("title")
    @classmethod
    def _title_fits(cls, value: str | None) -> str | None:
        return one_line(value, MAX_TITLE_CHARS)

    def chosen_hosts(self, providers: Providers) -> tuple[Host, Host]:
        """The two hosts asked for, the server's defaults filling what was left out. InputError (422) when a
        voice is not on this server or both hosts have one name."""
        chosen = self.hosts or []
        hosts = tuple(Host(choice.name or fallback.name, choice.voice or fallback.voice) for choice, fallback
                      in zip([*chosen, _NO_CHOICE, _NO_CHOICE][:2], providers.hosts, strict=True))
        first, second = hosts
        try:
            check_hosts((first, second), providers.voices)
        except VoiceError as exc:
            raise InputError(f"Invalid request: hosts: {exc.message}", fields={"hosts": exc.message}) from None
        return first, second


class NoteSubmission(NoteRequest):
    """A request to turn a note into an episode."""

    note_id: str = Field(alias="noteId", description="The caller's id for the note", examples=["note-123"],
                         json_schema_extra=ID_SCHEMA)
    user_id: str = Field(alias="userId", description="Whose history the job belongs to", examples=["user-456"],
                         json_schema_extra=ID_SCHEMA)
    duration: DurationName = Field(default="short", description="short ≈ 5 min, medium ≈ 10, long ≈ 20")
    callback_url: str | None = Field(default=None, alias="callbackUrl", description=(
        "Optional http(s) URL (≤ 2048 characters) to POST a signed webhook to when the job completes, fails or "
        "is cancelled (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). Refused when it "
        "resolves to a loopback, private, link-local or metadata address. Attempts: "
        "GET …/jobs/{jobId}/deliveries"), json_schema_extra={"maxLength": MAX_URL_CHARS, "format": "uri"})
    review: bool = Field(default=False, description=(
        "Stop after writing the script (status awaiting_review) so it can be read and edited "
        "(GET/PUT …/jobs/{jobId}/script) before it is voiced (POST …/jobs/{jobId}/approve)"))
    _ids = field_validator("note_id", "user_id")(_check_id)

    @field_validator("callback_url")
    @classmethod
    def _callback_is_a_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parse(value)
        except InputError as refused:
            raise ValueError(refused.fields["callbackUrl"]) from None
        return value

    def to_new_job(self, providers: Providers, callback_url: str | None = None) -> NewJob:
        """The store's view of this submission, with its hosts and language. InputError (422) when a voice is
        not on this server, or the note is in a language the writer or the voices cannot speak."""
        hosts = self.chosen_hosts(providers)
        detected = detect(self.note_content)
        refusal = language_refusal(detected, providers, hosts)
        if refusal is not None:
            raise InputError(refusal, fields={"noteContent": refusal})
        return NewJob(user_id=self.user_id, note_id=self.note_id, note_content=self.note_content,
                      duration=self.duration, title=self.title, hosts=[host.as_json() for host in hosts],
                      language=detected.code if detected is not None and detected.decisive else None,
                      format=self.format, focus=self.focus, notices=note_notices(self.note_content),
                      review=self.review, callback_url=callback_url)

def submission_digest(submission: NoteSubmission) -> str:
    """What an Idempotency-Key is bound to: the submission's canonical JSON, hashed (the same key with another
    body is a conflict)."""
    canonical = json.dumps(submission.model_dump(by_alias=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def language_refusal(detected: Detected | None, providers: Providers, hosts: tuple[Host, Host]) -> str | None:
    """Why a note in the `detected` language cannot be made with this writer and these voices; None if it can
    (or the language is unclear: a few foreign words or names never refuse a note)."""
    if detected is None or not detected.decisive:
        return None
    writer_languages = providers.writer.languages
    writer_can = writer_languages is None or detected.code in writer_languages
    offered = {info.name: info.language for info in providers.voices.available()}
    mute = [host.voice for host in hosts if offered.get(host.voice) not in ("multi", detected.code)]
    if writer_can and not mute:
        return None
    voices = list(dict.fromkeys(mute))
    lacking = [*([] if writer_can else ["the built-in script writer"]),
               *([f"the voice{'s' if len(voices) > 1 else ''} {' and '.join(voices)}"] if voices else [])]
    verb = ("writes" if not voices else "speaks") if len(lacking) == 1 and len(voices) < 2 else "speak"
    remedy = [*([] if writer_can else ["SCRIPT_PROVIDER=openai"]),
              *(["VOICE_PROVIDER=openai (or pick OpenAI voices)"] if voices else [])]
    subject = " and ".join(lacking)
    return (f"This note looks {detected.name} ({detected.code}). {subject[0].upper()}{subject[1:]} {verb} English "
            f"only; set {' and '.join(remedy)} to make {detected.name} episodes.")


_FIELD_NAMES = {"note_id": "noteId", "note_content": "noteContent", "user_id": "userId"}


def describe_errors(errors: list[Any]) -> dict[str, str]:
    """Pydantic errors as `{camelCaseField: readable message}`."""
    described: dict[str, str] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
        field = ".".join(_FIELD_NAMES.get(part, part) for part in location) or "body"
        described.setdefault(field, _readable(error))
    return described


def _readable(error: Any) -> str:
    kind, message = error.get("type", ""), str(error.get("msg", "is invalid"))
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "short, medium or long"))
        return "must be one of: " + expected.replace("'", "").replace(" or ", ", ")
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "must be a JSON object with the fields listed at /docs (noteContent at least)"
    if kind in ("string_type", "str_type"):
        return "must be a string"
    return message.removeprefix("Value error, ")


def summarize(fields: dict[str, str]) -> str:
    """One sentence naming every failing field."""
    return "Invalid request: " + "; ".join(f"{name} {message}" for name, message in fields.items())


def validation_fields(exc: ValidationError) -> dict[str, str]:
    """Shorthand for `describe_errors(exc.errors())`."""
    return describe_errors(exc.errors())
