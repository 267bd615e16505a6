"""What a user's podcast feed says: its title and each episode's show notes."""

from __future__ import annotations

from typing import Any

from pipeline.episode.transcripts import chapters_from, clock

DEFAULT_FEED_NAME = "My episodes"
MAX_FEED_NAME_CHARS = 100


def feed_title(show: str, name: str | None) -> str:
    """"Notecast — <the name the person gave the feed>", else "Notecast — My episodes"."""
    return f"{show} — {name or DEFAULT_FEED_NAME}"


def show_notes(podcast: dict[str, Any]) -> str:
    """An episode's description: its title, its chapters with their times, and the note's first lines."""
    parts = [podcast["title"]]
    chapters = chapters_from(podcast["transcript"])
    if len(chapters) > 1:
        parts.append("Chapters:\n" + "\n".join(f"{clock(c['startTime'])} {c['title']}" for c in chapters))
    # episodes made before excerpts were kept: their opening lines instead
    excerpt = podcast.get("note_excerpt") or " ".join(line["text"] for line in podcast["transcript"][:2])[:600]
    if excerpt:
        parts.append(f"From the note: {excerpt}")
    return "\n\n".join(parts)
