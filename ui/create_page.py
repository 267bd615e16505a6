"""`/`: paste a note, pick a length, generate; jobs in progress show live below."""

from __future__ import annotations

import secrets

from nicegui import run, ui
from pydantic import ValidationError

from errors import InputError, NotecastError, QueueFullError
from pipeline.durations import DURATIONS
from pipeline.jobs.submission import (
    MAX_NOTE_CHARS,
    NoteSubmission,
    language_refusal,
    submission_digest,
    validation_fields,
)
from pipeline.services import Services
from pipeline.voices.base import Host
from pipeline.writers.base import FORMATS, MAX_FOCUS_CHARS, MAX_TITLE_CHARS
from pipeline.writers.language import detect
from store import queries
from store.models import OPEN_STATUSES, JobStatus
from ui.job_card import JobCard
from ui.length_hint import LengthHint
from ui.throttle import RateLimit
from ui.voice_picker import VoicePicker


def new_form_key() -> str:
    """A fresh Idempotency-Key for the next submission of this form."""
    return f"ui-{secrets.token_hex(16)}"


# What the form calls each field; the API's messages keep their field names, the page speaks of what you see.
_FIELD_WORDS = {"noteContent": "The note", "title": "The title", "focus": "The focus", "format": "The format",
                "duration": "The length", "hosts": "The hosts"}


def in_plain_words(fields: dict[str, str]) -> str:
    """Validation problems as sentences about the form: "The note must not be empty or only whitespace."."""
    return " ".join(f"{_FIELD_WORDS.get(name.split('.')[0], 'This form')} {message}." for name, message in
                    fields.items())


DURATION_LABELS = {name: duration.label for name, duration in DURATIONS.items()}
FORMAT_LABELS = {name: label.split(":")[0] for name, label in FORMATS.items()}


def format_intro(format_name: str) -> str:
    """The line under the page's heading, for the chosen format: "… One host, the key points in a minute or two."."""
    described = FORMATS[format_name].split(": ", 1)[1]
    return f"Paste a note (Markdown is fine). {described[:1].upper()}{described[1:]}."


async def create_page(services: Services, user_id: str, job_limit: RateLimit) -> None:
    """The form and this browser's unfinished jobs; `job_limit` caps episodes per client address."""
    address = ui.context.client.ip
    ui.label("Turn a note into a podcast").classes("text-2xl font-bold").props("role=heading aria-level=1")
    intro = ui.label(format_intro("conversation")).classes("text-gray-500")
    note = ui.textarea("Your note", placeholder="# Topic\n\nWhat you want the hosts to discuss...").classes(
        "w-full").props('outlined autogrow input-style="min-height: 14rem" aria-label="Your note"')
    # no maxlength: a browser would cut a long paste silently; the counter says what is wrong instead
    counter = ui.label(f"0 / {MAX_NOTE_CHARS:,} characters").classes("text-xs text-gray-500 self-end -mt-3").props(
        "aria-live=polite")

    async def note_changed() -> None:
        error.set_visibility(False)  # it was about the form as it stood; the next Generate says what still is
        text = note.value or ""
        too_long = len(text) > MAX_NOTE_CHARS
        counter.set_text(f"{len(text):,} / {MAX_NOTE_CHARS:,} characters" + (
            f" · too long by {len(text) - MAX_NOTE_CHARS:,}: shorten the note to generate" if too_long else ""))
        counter.classes(replace="text-xs self-end -mt-3 " + ("text-red-700 font-semibold" if too_long
                                                              else "text-gray-500"))
        button.set_enabled(not too_long)
        # the same sentence the API would refuse the note with, while there is still time to change it
        problem = language_refusal(detect(text), services.providers, voices_chosen())
        language.set_text(problem or "")
        language.set_visibility(problem is not None)
        await length_hint.update(text, title.value or None, form_format.value, focus.value or None, voices.hosts())

    def voices_chosen() -> tuple[Host, Host]:
        first, second = (Host(**host) for host in voices.hosts())
        return first, second

    with ui.row().classes("w-full items-start gap-4 flex-wrap"):
        title = ui.input("Title (optional)").classes("grow").props('outlined aria-label="Episode title"')
        title.props["maxlength"] = MAX_TITLE_CHARS
        duration = ui.select(DURATION_LABELS, value="short", label="Length").classes("w-72").props(
            'outlined aria-label="Episode length"').mark("episode-length")
        form_format = ui.select(FORMAT_LABELS, value="conversation", label="Format").classes("w-44").props(
            'outlined aria-label="Episode format"').mark("episode-format")
        voices = VoicePicker(services)
    focus = ui.input("Focus (optional)", placeholder="e.g. focus on the numbers, or explain it to a beginner").classes(
        "w-full").props('outlined aria-label="Focus"').mark("episode-focus")
    focus.props["maxlength"] = MAX_FOCUS_CHARS  # values go onto the element, never into a props string
    review = ui.checkbox("Let me review the script first").mark("review")
    length_hint = LengthHint(services, duration)
    for control in (note, title, form_format, focus):
        control.on_value_change(note_changed)
    form_format.on_value_change(lambda event: intro.set_text(format_intro(event.value)))
    language = ui.label("").classes("text-amber-700 text-sm").props("role=status")
    language.set_visibility(False)
    error = ui.label("").classes("text-red-600 text-sm").props("role=alert")
    error.set_visibility(False)
    button = ui.button("Generate podcast", icon="graphic_eq").props('size=lg aria-label="Generate podcast"')
    ui.separator()
    ui.label("Your jobs").classes("text-lg font-semibold")
    in_progress = ui.column().classes("w-full gap-3")

    # One Idempotency-Key per form submission: a second click that slips past the disabled button replays the
    # first job instead of making another; a new key is drawn once a job has been made from this form.
    form_key = [new_form_key()]

    async def generate() -> None:
        if not button.enabled or len(note.value or "") > MAX_NOTE_CHARS:
            return
        button.disable()
        button.props("loading")
        try:
            try:
                submission = NoteSubmission.model_validate({
                    "noteId": "web-note", "noteContent": note.value or "", "userId": user_id,
                    "duration": duration.value, "title": title.value or None, "hosts": voices.hosts(),
                    "format": form_format.value, "focus": focus.value or None, "review": bool(review.value)})
            except ValidationError as exc:
                error.set_text(in_plain_words(validation_fields(exc)))
                error.set_visibility(True)
                return
            wait = job_limit.take(address)
            if wait > 0:
                error.set_text(f"You have started {job_limit.limit} episodes in the last hour from this address. "
                               f"Please try again in {int(wait // 60) + 1} min.")
                error.set_visibility(True)
                return
            error.set_visibility(False)
            try:
                new_job = submission.to_new_job(services.providers)
                created = await run.io_bound(lambda: services.executor.submit(
                    new_job, idempotency_key=form_key[0], request_hash=submission_digest(submission)))
            except InputError as exc:
                error.set_text(exc.message)
                error.set_visibility(True)
                return
            except QueueFullError as exc:
                error.set_text(f"{exc.message} Try again in {exc.retry_after} s.")
                error.set_visibility(True)
                return
            except NotecastError as exc:  # e.g. the form changed under a submission still in flight
                error.set_text(exc.message)
                error.set_visibility(True)
                return
            if created is None:  # the app is shutting down
                return
            if created.replayed:
                ui.notify("This note is already being generated", type="info")
                return
            form_key[0] = new_form_key()
            record = created.record
            empty.set_visibility(False)
            with in_progress:
                card = JobCard(services, record.job_id, job_limit)
                card.card.move(in_progress, target_index=0)
            await card.refresh()
            # the id is NiceGUI's own integer, never data from the note
            ui.run_javascript(f"getHtmlElement({card.card.id}).scrollIntoView({{behavior: 'smooth', block: 'center'}})")
            started = "Writing the script for your review" if submission.review else "Generation started"
            ui.notify(started, type="positive", position="top")  # the card below stays visible
        finally:
            button.props(remove="loading")
            button.set_enabled(len(note.value or "") <= MAX_NOTE_CHARS)

    button.on_click(generate)
    with in_progress:
        empty = ui.label("Nothing in progress. Paste a note above to make an episode.").classes("text-gray-500")
    await _show_unfinished(services, user_id, in_progress, empty, job_limit)


async def _show_unfinished(services: Services, user_id: str, column: ui.column, empty: ui.label,
                           job_limit: RateLimit) -> None:
    recent = await run.io_bound(queries.list_for_user, services.db, user_id, 20) or []
    # a script waiting for review is unfinished too: its card is where it is approved
    unfinished = [job for job in recent if job.status in (*OPEN_STATUSES, JobStatus.AWAITING_REVIEW)]
    if unfinished:
        empty.set_visibility(False)
    with column:
        for job in unfinished:
            JobCard(services, job.job_id, job_limit)
