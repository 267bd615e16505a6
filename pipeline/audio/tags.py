"""Tags and chapters inside the audio file (mutagen): ID3v2.4 with CHAP/CTOC for MP3, iTunes atoms for M4A
(whose chapters ffmpeg writes while encoding), Vorbis comments with the CHAPTERxxx convention for Opus."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from errors import AudioError
from pipeline.audio.chapters import chapter_spans


@dataclass(frozen=True)
class EpisodeTags:
    """What an episode's file says about itself."""

    title: str
    show: str
    date: str  # ISO date
    comment: str
    chapters: list[dict[str, Any]]  # startTime, title
    seconds: float
    cover: bytes
    cover_type: str = "image/png"


def default_cover() -> bytes:
    """The cover bundled in `static/` (found as a package resource, so it works from a frozen build too)."""
    return resources.files("static").joinpath("cover.png").read_bytes()


def image_type(data: bytes) -> str:
    """The content type of cover art: PNG or (anything else we accept) JPEG."""
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def write_tags(path: Path, format_name: str, tags: EpisodeTags) -> None:
    """Write `tags` into the encoded episode at `path`."""
    try:
        {"mp3": _tag_mp3, "m4a": _tag_m4a, "opus": _tag_opus}[format_name](path, tags)
    except Exception as exc:  # mutagen raises its own error types per format
        raise AudioError(f"Could not tag the episode: {exc}") from exc


def _tag_mp3(path: Path, tags: EpisodeTags) -> None:
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TPE1, CTOCFlags, Encoding

    id3 = ID3()
    utf8 = Encoding.UTF8
    id3.add(TIT2(encoding=utf8, text=tags.title))
    id3.add(TPE1(encoding=utf8, text=tags.show))
    id3.add(TALB(encoding=utf8, text=tags.show))
    id3.add(TDRC(encoding=utf8, text=tags.date))
    id3.add(COMM(encoding=utf8, lang="eng", desc="", text=tags.comment))
    id3.add(APIC(encoding=utf8, mime=tags.cover_type, type=3, desc="Cover", data=tags.cover))
    ids = []
    for number, (chapter, start, end) in enumerate(chapter_spans(tags.chapters, tags.seconds), 1):
        ids.append(f"chp{number}")
        id3.add(CHAP(element_id=ids[-1], start_time=start, end_time=end,
                     sub_frames=[TIT2(encoding=utf8, text=chapter["title"])]))
    if ids:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=utf8, text="Chapters")]))
    id3.save(path, v2_version=4)


def _tag_m4a(path: Path, tags: EpisodeTags) -> None:
    from mutagen.mp4 import MP4, MP4Cover

    audio = MP4(path)
    audio["\xa9nam"], audio["\xa9ART"], audio["\xa9alb"] = [tags.title], [tags.show], [tags.show]
    audio["\xa9day"], audio["\xa9cmt"], audio["stik"] = [tags.date], [tags.comment], [21]  # 21: podcast
    audio["covr"] = [MP4Cover(tags.cover, imageformat=MP4Cover.FORMAT_PNG if tags.cover_type == "image/png"
                              else MP4Cover.FORMAT_JPEG)]
    audio.save()


def _tag_opus(path: Path, tags: EpisodeTags) -> None:
    from mutagen.flac import Picture
    from mutagen.oggopus import OggOpus

    audio = OggOpus(path)
    audio.update({"TITLE": tags.title, "ARTIST": tags.show, "ALBUM": tags.show, "DATE": tags.date,
                  "COMMENT": tags.comment})
    for number, (chapter, start, _) in enumerate(chapter_spans(tags.chapters, tags.seconds), 1):
        hours, rest = divmod(start, 3_600_000)
        audio[f"CHAPTER{number:03d}"] = f"{hours:02d}:{rest // 60_000:02d}:{rest % 60_000 / 1000:06.3f}"
        audio[f"CHAPTER{number:03d}NAME"] = chapter["title"]
    picture = Picture()
    picture.type, picture.mime, picture.data = 3, tags.cover_type, tags.cover
    audio["METADATA_BLOCK_PICTURE"] = base64.b64encode(picture.write()).decode("ascii")
    audio.save()
