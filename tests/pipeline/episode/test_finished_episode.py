"""A real episode (built-in writer, Piper, ffmpeg) sounds and behaves like a published podcast: loudness,
level-matched hosts, click-free joins, tags with chapters, timed transcripts, and a length within the target."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import webvtt
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from pipeline.audio.preview import PREVIEW_AUDIO, PREVIEW_DONE, PREVIEW_WANTED, preview_lines
from pipeline.episode.produce import produce_episode
from pipeline.episode.transcripts import chapters_from
from pipeline.providers import Providers, build_providers, mix_settings
from settings import Settings
from store.records import ClaimedJob, FinishedEpisode
from tests.audio_metrics import decode_float, ebur128, file_ebur128, median_pitch
from tests.conftest import TOPICS, long_note
from tests.fakes import QuietSink


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> tuple[FinishedEpisode, Path, Settings]:
    root = tmp_path_factory.mktemp("episode")
    settings = Settings(_env_file=None, notecast_data_dir=root / "data",  # type: ignore[call-arg]
                        public_base_url="http://testserver", show_name="Garden Show")
    providers = build_providers(settings)
    providers = Providers(writer=providers.writer, voices=providers.voices, hosts=providers.hosts,
                          media=providers.media)
    job = ClaimedJob(job_id="job_1", podcast_id="p" * 24, user_id="u", note_id="n", note_content=long_note(),
                     title="Growing vegetables", duration="short")
    (root / "work").mkdir()
    (root / "work" / PREVIEW_WANTED).touch()  # someone listens to the preview
    finished = produce_episode(job, providers, mix_settings(settings), root / "work", QuietSink())
    return finished, settings.media_dir, settings


def test_loudness_meets_podcast_targets(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, media, _ = episode
    measured = file_ebur128(media / finished.audio_key)
    assert abs(measured["integrated"] - -16) <= 1, measured
    assert measured["true_peak"] <= -1.5, measured
    assert measured["range"] <= 11, measured
    assert finished.loudness is not None and abs(finished.loudness["integrated"] - measured["integrated"]) <= 0.2


def _turns_by_host(finished: FinishedEpisode, media: Path, rate: int) -> dict[str, list[np.ndarray]]:
    """Each host's turns, cut from the decoded episode at the transcript's times."""
    audio = decode_float(media / finished.audio_key, rate)
    per_host: dict[str, list[np.ndarray]] = {}
    for line in finished.transcript:
        per_host.setdefault(line["speaker"], []).append(audio[int(line["start"] * rate): int(line["end"] * rate)])
    return per_host


def test_hosts_are_level_matched(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, media, _ = episode
    rate = 48_000
    per_host = _turns_by_host(finished, media, rate)
    loudness = {host: ebur128(np.concatenate(parts), rate)["integrated"] for host, parts in per_host.items()}
    assert len(loudness) == 2
    first, second = loudness.values()
    # two engines (Piper and hibari) with different levels and spectra, matched turn by turn
    assert abs(first - second) <= 1, loudness
    # turn by turn too: the typical turn of one host is as loud as the other's
    per_turn = {host: float(np.median([ebur128(part, rate)["integrated"] for part in parts if len(part) > rate]))
                for host, parts in per_host.items()}
    first, second = per_turn.values()
    assert abs(first - second) <= 1, per_turn


def test_the_hosts_are_two_different_voices(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, media, _ = episode
    rate = 16_000
    per_host = _turns_by_host(finished, media, rate)
    pitch = {host: median_pitch((np.concatenate(parts) * 32767).astype("<i2").tobytes(), rate)
             for host, parts in per_host.items()}
    low, high = sorted(pitch.values())
    assert high / low >= 1.3, pitch  # Joe (Piper) about 110 Hz, Heart (hibari) about 195 Hz


def test_no_clicks_at_the_joins(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, media, _ = episode
    rate = 44_100
    audio = decode_float(media / finished.audio_key, rate)
    steps = np.abs(np.diff(audio))
    normal = float(np.percentile(steps[steps > 0], 99.9))
    window = int(0.004 * rate)
    for line in finished.transcript:
        for edge in (line["start"], line["end"]):
            at = int(edge * rate)
            local = steps[max(0, at - window): at + window]
            assert local.max(initial=0) <= normal, (edge, float(local.max()), normal)


def test_tags_cover_and_chapters(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, media, _settings = episode
    path = media / finished.audio_key
    tags = ID3(path)
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == "Growing vegetables"
    assert str(tags["TPE1"]) == "Garden Show"
    assert tags.getall("APIC")[0].data[:4] == b"\x89PNG"
    assert tags.getall("COMM")[0].text == ["Growing vegetables"]
    toc = tags.getall("CTOC")[0]
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    sections = chapters_from(finished.transcript)
    assert [str(chapter.sub_frames["TIT2"]) for chapter in chapters] == [s["title"] for s in sections]
    assert {"Intro", *TOPICS} <= {s["title"] for s in sections}  # one per script section
    section_starts = [0.0] + [next(line["start"] for line in finished.transcript if line["section"] == s["title"])
                              for s in sections[1:]]
    for chapter, start in zip(chapters, section_starts, strict=True):
        assert abs(chapter.start_time / 1000 - start) <= 0.05
    assert abs(chapters[-1].end_time / 1000 - MP3(path).info.length) <= 0.5
    chapters_json = json.loads((media / finished.files["chapters"]).read_text())  # type: ignore[index]
    assert [c["startTime"] for c in chapters_json["chapters"]] == pytest.approx(section_starts, abs=0.05)


def _srt_cues(text: str) -> list[tuple[float, float, str]]:
    """A strict SRT reader: numbered blocks, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text, blank line."""
    clock = r"(\d{2}):(\d{2}):(\d{2}),(\d{3})"
    cues = []
    for number, block in enumerate(text.strip().split("\n\n"), 1):
        index, timing, *lines = block.split("\n")
        assert index == str(number) and lines, block
        match = re.fullmatch(f"{clock} --> {clock}", timing)
        assert match, timing
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        cues.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, " ".join(lines)))
    return cues


def _vtt_seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 3)


def test_vtt_and_srt_match_the_json_transcript(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, media, _ = episode
    lines: list[dict[str, Any]] = finished.transcript
    files: dict[str, str] = finished.files  # type: ignore[assignment]
    vtt = webvtt.from_buffer(io.StringIO((media / files["vtt"]).read_text()))
    assert len(vtt) == len(lines)
    for cue, line in zip(vtt, lines, strict=True):
        assert (_vtt_seconds(cue.start), _vtt_seconds(cue.end)) == (line["start"], line["end"])
        assert cue.voice == line["speaker"]
        assert " ".join(line["text"].split()).startswith(cue.text.replace("&amp;", "&")[:40])
    srt = _srt_cues((media / files["srt"]).read_text())
    assert [(round(s, 3), round(e, 3)) for s, e, _ in srt] == [(line["start"], line["end"]) for line in lines]
    assert all(text.startswith(f"{line['speaker']}: ") for (_, _, text), line in zip(srt, lines, strict=True))
    podcast_json = json.loads((media / files["json"]).read_text())
    assert [(s["startTime"], s["endTime"], s["speaker"]) for s in podcast_json["segments"]] == \
        [(line["start"], line["end"], line["speaker"]) for line in lines]


def test_builtin_writer_lands_within_the_target(episode: tuple[FinishedEpisode, Path, Settings]) -> None:
    finished, _, _ = episode
    assert 0.7 * 300 <= finished.audio_duration <= 300, finished.audio_duration


def test_the_live_preview_is_the_whole_episode_near_its_loudness(episode: tuple[FinishedEpisode, Path, Settings]
                                                                  ) -> None:
    finished, _, settings = episode
    work = settings.data_dir.parent / "work"
    assert (work / PREVIEW_DONE).is_file(), "the preview was marked whole"
    measured = file_ebur128(work / PREVIEW_AUDIO)
    assert abs(measured["integrated"] - -16) <= 2 and measured["true_peak"] <= -1, measured
    heard = len(decode_float(work / PREVIEW_AUDIO, 16_000)) / 16_000
    assert abs(heard - finished.audio_duration) < 0.5, (heard, finished.audio_duration)
    assert preview_lines(work) == finished.transcript
