"""An episode's timed transcript in the formats podcast apps read: WebVTT, SRT, Podcasting 2.0 JSON, and its
chapters (one per script section) as Podcasting 2.0 JSON chapters."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from store.records import Transcript

# Each file's kind and the suffix its key adds to the podcast id; the first three name `transcriptUrls`.
TRANSCRIPT_KINDS = ("vtt", "srt", "json")
SIDE_FILE_SUFFIXES = {"vtt": ".vtt", "srt": ".srt", "json": "-transcript.json", "chapters": "-chapters.json"}


def chapters_from(transcript: Transcript) -> list[dict[str, Any]]:
    """One chapter per script section, starting where its first line starts; the first starts at 0 so intro
    music (if any) belongs to the intro chapter."""
    chapters: list[dict[str, Any]] = []
    for line in transcript:
        title = line.get("section") or "Episode"
        if not chapters or chapters[-1]["title"] != title:
            chapters.append({"startTime": 0.0 if not chapters else float(line["start"]), "title": title})
    return chapters


def clock(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`) for a time in seconds, as people read it."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def _cue_text(text: str) -> str:
    # Cue payloads may not contain a blank line or "-->"; VTT also reserves & and <.
    return " ".join(text.split()).replace("-->", "→")


def to_vtt(transcript: Transcript, language: str = "en") -> str:
    """WebVTT with a voice span per cue (`<v Alex>`), its language in a header (as YouTube and players read it)."""
    cues = ["WEBVTT", "Kind: captions", f"Language: {language}", ""]
    for number, line in enumerate(transcript, 1):
        text = _cue_text(line["text"]).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        speaker = line["speaker"].replace(">", "")
        cues += [str(number), f"{_clock(line['start'], '.')} --> {_clock(line['end'], '.')}",
                 f"<v {speaker}>{text}", ""]
    return "\n".join(cues)


def to_srt(transcript: Transcript, language: str = "en") -> str:
    """SubRip, the speaker's name leading each cue (the format has no place for the language)."""
    cues = []
    for number, line in enumerate(transcript, 1):
        cues += [str(number), f"{_clock(line['start'], ',')} --> {_clock(line['end'], ',')}",
                 f"{line['speaker']}: {_cue_text(line['text'])}", ""]
    return "\n".join(cues)


def to_json_transcript(transcript: Transcript, language: str = "en") -> str:
    """The Podcasting 2.0 JSON transcript format, with the episode's language."""
    segments = [{"speaker": line["speaker"], "startTime": line["start"], "endTime": line["end"],
                 "body": line["text"]} for line in transcript]
    return json.dumps({"version": "1.0.0", "language": language, "segments": segments}, ensure_ascii=False)


def to_json_chapters(chapters: list[dict[str, Any]]) -> str:
    """The Podcasting 2.0 JSON chapters format."""
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False)


def render(kind: str, transcript: Transcript, language: str = "en") -> str:
    """The file of `kind` (a key of SIDE_FILE_SUFFIXES) for `transcript` in `language` (ISO 639-1)."""
    renderers: dict[str, Callable[[Transcript, str], str]] = {
        "vtt": to_vtt, "srt": to_srt, "json": to_json_transcript,
        "chapters": lambda lines, _: to_json_chapters(chapters_from(lines))}
    return renderers[kind](transcript, language)
