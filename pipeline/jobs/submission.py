"""What a note submission must look like. The API and the UI both validate with this, so they say the same words."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.config import JsonDict

from pipeline.durations import DurationName
from pipeline.writers.base import CONTROL_CHARACTERS
from store.records import NewJob

MAX_NOTE_CHARS = 100_000
MAX_TITLE_CHARS = 200
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
_NOTE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line breaks



def _check_id(value: str) -> str:
    if not is_valid_id(value):
        raise ValueError(ID_RULE)
    return value


class NoteSubmission(BaseModel):
    """A request to turn a note into an episode."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    # The rules are enforced by the validators below (for our own error words) and documented in the schema here.
    note_id: str = Field(alias="noteId", description="The caller's id for the note", examples=["note-123"],
                         json_schema_extra=ID_SCHEMA)
    note_content: str = Field(alias="noteContent", description=(
        "The note, Markdown allowed (1-100,000 characters, not blank, no control characters but line breaks and "
        "tabs)"), json_schema_extra={"minLength": 1, "maxLength": MAX_NOTE_CHARS, "pattern": NOTE_PATTERN})
    user_id: str = Field(alias="userId", description="Whose history the job belongs to", examples=["user-456"],
                         json_schema_extra=ID_SCHEMA)
    duration: DurationName = Field(default="short", description="short ≈ 5 min, medium ≈ 10, long ≈ 20")
    title: str | None = Field(default=None, description="Optional episode title (≤ 200 characters, one line)",
                              json_schema_extra={"maxLength": MAX_TITLE_CHARS, "pattern": TITLE_PATTERN})

    _ids = field_validator("note_id", "user_id")(_check_id)

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

    @field_validator("title")
    @classmethod
    def _title_fits(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if len(value) > MAX_TITLE_CHARS:
            raise ValueError(f"must be at most {MAX_TITLE_CHARS} characters")
        if found := CONTROL_CHARACTERS.search(value):
            raise ValueError(f"must not contain control characters or line breaks (found U+{ord(found.group()):04X})")
        return value.strip()

    def to_new_job(self) -> NewJob:
        """The store's view of this submission."""
        return NewJob(user_id=self.user_id, note_id=self.note_id, note_content=self.note_content,
                      duration=self.duration, title=self.title)


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
        return "must be one of: short, medium, long"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "must be a JSON object with noteId, noteContent and userId"
    if kind in ("string_type", "str_type"):
        return "must be a string"
    return message.removeprefix("Value error, ")


def summarize(fields: dict[str, str]) -> str:
    """One sentence naming every failing field."""
    return "Invalid request: " + "; ".join(f"{name} {message}" for name, message in fields.items())


def validation_fields(exc: ValidationError) -> dict[str, str]:
    """Shorthand for `describe_errors(exc.errors())`."""
    return describe_errors(exc.errors())
