"""Chapters and the transcript under a player: each line plays from its time (click, Enter or Space), and the
line being heard is highlighted as the episode plays."""

from __future__ import annotations

from bisect import bisect_right

from nicegui import events, ui

from pipeline.episode.transcripts import chapters_from, clock
from store.records import Transcript
from ui.theme import SPEAKER_COLOURS

_PLAYING = "transcript-playing"  # styled in static/notecast.css
_LINE = ("w-full no-wrap items-start gap-2 cursor-pointer hover:bg-gray-500/10 rounded p-1 transcript-line")


def play_from(player: ui.audio, at: float) -> None:
    """Seek and play: a listener who picks a line wants to hear it."""
    player.seek(at)
    player.play()


def chapters_view(transcript: Transcript, player: ui.audio) -> None:
    """One chip per chapter (the script's sections); choosing one plays from there."""
    chapters = chapters_from(transcript)
    if len(chapters) < 2:
        return
    with ui.row().classes("w-full gap-1 flex-wrap").props('role=group aria-label="Chapters"'):
        for chapter in chapters:
            at = float(chapter["startTime"])
            chip = ui.chip(f"{clock(at)} {chapter['title']}", on_click=lambda _, at=at: play_from(player, at)).props(
                "outline dense clickable")
            chip.props["aria-label"] = f"Play chapter {clock(at)} {chapter['title']}"  # holds the visible text


class TranscriptView:
    """Speaker-coloured lines with timestamps. A line is a button named by what it says (its time, speaker and
    text), so a screen reader reads the transcript, not a list of "Play from" buttons."""

    def __init__(self, transcript: Transcript, player: ui.audio) -> None:
        self.player = player
        self.starts: list[float] = []
        self.rows: list[ui.row] = []
        self.current: int | None = None
        self.speakers: dict[str, str] = {}
        with ui.expansion("Transcript", icon="subject", value=True).classes("w-full").props(
                'aria-label="Transcript"'):
            self.column = ui.column().classes("w-full gap-1")
        self.extend(transcript)
        # only the time crosses to the server, at most twice a second
        player.on("timeupdate", self.follow, js_handler="(event) => emit(event.target.currentTime)", throttle=0.5)

    def extend(self, lines: Transcript) -> None:
        """Add lines at the end (a live preview's transcript grows as its turns are voiced)."""
        with self.column:
            for line in lines:
                colour = self.speakers.setdefault(line["speaker"],
                                                  SPEAKER_COLOURS[len(self.speakers) % len(SPEAKER_COLOURS)])
                start = float(line["start"])
                row = ui.row().classes(_LINE).props("role=button tabindex=0").mark("transcript-line")
                for event in ("click", "keydown.enter", "keydown.space.prevent"):
                    row.on(event, lambda _, at=start: play_from(self.player, at))
                with row:
                    ui.label(clock(start)).classes("font-mono text-xs text-gray-500 pt-1 w-10 shrink-0")
                    ui.label(line["speaker"]).classes("font-semibold shrink-0 w-14").classes(colour)
                    ui.label(line["text"]).classes("grow")  # a label: note text is never rendered as HTML
                self.starts.append(start)
                self.rows.append(row)

    def follow(self, event: events.GenericEventArguments) -> None:
        """Highlight the line being heard (and mark it for screen readers as the current one)."""
        try:
            now = float(event.args)
        except (TypeError, ValueError):
            return
        index = bisect_right(self.starts, now) - 1
        found = index if index >= 0 else None
        if found == self.current:
            return
        if self.current is not None:
            self.rows[self.current].classes(remove=_PLAYING)
            self.rows[self.current].props(remove="aria-current")
        if found is not None:
            self.rows[found].classes(add=_PLAYING)
            self.rows[found].props["aria-current"] = "true"
            self.rows[found].update()
        self.current = found


def transcript_view(transcript: Transcript, player: ui.audio) -> TranscriptView:
    """The transcript of an episode, following `player`."""
    return TranscriptView(transcript, player)
