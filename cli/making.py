"""`notecast make`: an episode from a note file, offline, with a live progress bar."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from errors import InputError
from pipeline.episode.transcripts import clock
from pipeline.jobs.standalone import MadeEpisode, make_episode
from pipeline.jobs.submission import NoteSubmission
from pipeline.providers import build_providers
from settings import Settings

FORMATS_BY_SUFFIX = {".mp3": "mp3", ".m4a": "m4a", ".opus": "opus"}


class BarSink:
    """Progress of a job, drawn as a Rich bar: the step ("Voicing line 17 of 35"), elapsed time and an ETA."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task: TaskID | None = progress.add_task("Starting", total=100) if progress is not None else None

    def report(self, percent: int, step: str) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, completed=percent, description=step)

    def script_written(self, target_words: int, script_words: int, notices: list[str]) -> None:
        if self.progress is not None:
            for notice in notices:
                self.progress.console.print(f"[yellow]Note:[/] {notice}", markup=True, highlight=False)

    def segments_voiced(self, total: int, cached: int) -> None:
        """Nothing to show: the bar already says which line is being voiced."""

    def should_stop(self) -> bool:
        return False  # Ctrl-C stops the command itself


def read_note(source: str) -> str:
    """The note from a file, or from standard input for `-`."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise InputError(f"No note at {source}: give a Markdown or text file, or - to read standard input")
    return path.read_text(encoding="utf-8")


def default_output(source: str) -> Path:
    """`note.md` → `note.mp3` in the working directory; `-` → `episode.mp3`."""
    return Path("episode.mp3" if source == "-" else Path(source).with_suffix(".mp3").name)


def hosts_from(voices: str | None) -> list[dict[str, str]] | None:
    """`--voices piper:joe,hibari:heart` → the two hosts' voices, first the one who opens the episode."""
    if voices is None:
        return None
    names = [name.strip() for name in voices.split(",") if name.strip()]
    if len(names) != 2:
        raise InputError("--voices takes two voices separated by a comma, e.g. piper:joe,hibari:heart")
    return [{"voice": name} for name in names]


def make_command(settings: Settings, source: str, output: Path | None, *, duration: str, title: str | None,
                 format_name: str, focus: str | None, voices: str | None, as_json: bool, quiet: bool) -> None:
    """Make the episode and say where it is (or print it as JSON)."""
    target = output or default_output(source)
    audio_format = FORMATS_BY_SUFFIX.get(target.suffix.lower())
    if audio_format is None:
        raise InputError(f"-o must end in {', '.join(FORMATS_BY_SUFFIX)} (got {target.name})")
    settings = settings.model_copy(update={"audio_format": audio_format})
    submission = NoteSubmission.model_validate({
        "noteId": "cli", "userId": "cli", "noteContent": read_note(source), "duration": duration, "title": title,
        "format": format_name, "focus": focus, "hosts": hosts_from(voices)})
    providers = build_providers(settings)
    new = submission.to_new_job(providers)  # refuses voices or a language this setup lacks, before any work
    console = Console(stderr=True)
    show_bar = not quiet and not as_json and console.is_terminal
    columns = (TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not show_bar) as progress:
        sink = BarSink(progress if show_bar else None)
        made = make_episode(new, settings, providers, target, sink)
        sink.report(100, "Done")
    if as_json:
        print(json.dumps(_as_json(made), indent=2))
    elif not quiet:
        console.print(f"Made “{made.title}”: {made.audio} ({clock(made.seconds)}), transcripts and chapters "
                      f"beside it.", highlight=False)


def _as_json(made: MadeEpisode) -> dict[str, object]:
    data = asdict(made)
    data["audio"] = str(made.audio.resolve())  # absolute: a script may run from anywhere
    data["files"] = {kind: str(path.resolve()) for kind, path in made.files.items()}
    return data
