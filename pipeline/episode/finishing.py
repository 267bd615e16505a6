"""From the mix to the files a podcast app gets: the mastered, tagged audio with chapters, and the timed
transcripts and chapters beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.audio.mastering import AudioFormat, Correction, Loudness, chapters_metadata, encode
from pipeline.audio.mix import MixedEpisode
from pipeline.audio.tags import EpisodeTags, default_cover, image_type, write_tags
from pipeline.episode import transcripts
from store.media import content_type
from store.records import Transcript


@dataclass(frozen=True)
class EpisodeFile:
    """One file to store: where it is now, its media key, its content type."""

    path: Path
    key: str
    content_type: str


def audio_key(podcast_id: str, fmt: AudioFormat) -> str:
    """Where a podcast's audio is stored."""
    return f"{podcast_id}.{fmt.extension}"


def side_file_keys(podcast_id: str) -> dict[str, str]:
    """Where a podcast's transcripts and chapters are stored, by kind (vtt, srt, json, chapters)."""
    return {kind: podcast_id + suffix for kind, suffix in transcripts.SIDE_FILE_SUFFIXES.items()}


@dataclass(frozen=True)
class Labels:
    """What the tags say: the episode's title, the show's name, the note's title, and the cover art."""

    title: str
    show: str
    note_title: str
    cover: bytes | None = None


def finish_audio(premastered: Path, mixed: MixedEpisode, fmt: AudioFormat, labels: Labels, out: Path,
                 corrected: Correction | None = None) -> tuple[Loudness, float]:
    """Normalise and encode the premastered audio into `out` and tag it with the chapters from its transcript.
    Returns the loudness and length read back from the encoded audio."""
    chapters = transcripts.chapters_from(mixed.transcript)
    seconds = mixed.seconds
    embedded = chapters_metadata(out.with_suffix(".chapters.txt"), chapters, seconds) if fmt.name == "m4a" else None
    read = encode(premastered, fmt.sample_rate, seconds, mixed.loudness, out, fmt, embedded, corrected)
    tag_audio(out, fmt, labels, chapters, seconds)
    return read


def tag_audio(out: Path, fmt: AudioFormat, labels: Labels, chapters: list[dict[str, Any]], seconds: float) -> None:
    """Write (or rewrite) the tags, cover and chapters of the encoded episode at `out`."""
    cover = labels.cover or default_cover()
    write_tags(out, fmt.name, EpisodeTags(
        title=labels.title, show=labels.show, date=datetime.now(UTC).date().isoformat(), comment=labels.note_title,
        chapters=chapters, seconds=seconds, cover=cover,
        cover_type=image_type(cover)))


def side_files(podcast_id: str, transcript: Transcript, workdir: Path, language: str = "en"
               ) -> dict[str, EpisodeFile]:
    """Write the VTT, SRT and JSON transcripts and the JSON chapters into `workdir`, by kind."""
    files = {}
    for kind, key in side_file_keys(podcast_id).items():
        path = workdir / key
        path.write_text(transcripts.render(kind, transcript, language), encoding="utf-8")
        files[kind] = EpisodeFile(path, key, content_type(key))
    return files
