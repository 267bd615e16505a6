"""Re-mastering an edited episode by its changed stretch only.

Every episode keeps its premaster (pass 1's output) and where each turn lies in it (`Layout`, in the segment
cache, per podcast). An edit that keeps the first and the last turns compares its turns with the previous
version's: the unchanged turns at both ends keep their premastered audio, and only the stretch between them is
mixed and run through pass 1, then spliced in. Both cuts fall inside the pauses between turns, where the mix is
silent, and the compressor and limiter release within a fraction of a pause, so the splice sounds (and
measures) as a whole new pass 1 would; pass 2 then runs over the whole episode as usual.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import BinaryIO

from pipeline.audio.early import EarlyEncode, FedPremaster
from pipeline.audio.mix import MixSettings
from pipeline.audio.mixer import EpisodeMixer
from pipeline.audio.premaster import Premaster
from pipeline.audio.voicing import Voicer, spoken_for
from pipeline.cache import SegmentCache
from pipeline.progress import Interrupted, Milestone, ProgressSink, voicing_percent
from pipeline.writers.base import Script, Section, Turn
from store.records import Transcript

log = logging.getLogger(__name__)

_SAMPLE_BYTES = 2  # PREMASTER_FORMAT is 16-bit
_MIN_PAUSE_MS = 200  # shorter pauses leave too little silence to cut in
_BED_MARGIN_SECONDS = 0.5


@dataclass(frozen=True)
class Layout:
    """Where the turns of a premastered episode lie: each turn's segment key and whether it opens a section
    (which sets the pause before it), its transcript span in seconds, the episode's length, pass 1's loudness
    and the premaster's rate; once stored, the cache key and exact size of the premaster it describes (each
    version's premaster has a key of its own, so a layout can never describe another version's audio)."""

    turns: list[tuple[str, bool]]
    spans: list[tuple[float, float]]
    seconds: float
    lufs: float
    rate: int
    audio_key: str = ""
    audio_bytes: int = 0

    @classmethod
    def from_json(cls, data: object) -> Layout | None:
        """The record `store` wrote; None if `data` is not one."""
        try:
            assert isinstance(data, dict)
            layout = cls([(str(key), bool(opens)) for key, opens in data["turns"]],
                         [(float(start), float(end)) for start, end in data["spans"]],
                         float(data["seconds"]), float(data["lufs"]), int(data["rate"]), str(data["audio_key"]),
                         int(data["audio_bytes"]))
        except (AssertionError, KeyError, TypeError, ValueError):
            return None
        return layout if len(layout.turns) == len(layout.spans) else None


def turn_marks(script: Script, voicer: Voicer) -> list[tuple[str, bool]]:
    """Each turn's segment key and whether it opens a section (the voicer must have a cache)."""
    return [(voicer.key(turn, spoken_for(turn, n)), index == 0)
            for n, (index, turn) in enumerate((index, turn) for section in script.sections
                                              for index, turn in enumerate(section.turns))]


def store(cache: SegmentCache, key: str, layout: Layout, premaster: Path) -> None:
    """Keep an episode's premaster (moved into the cache under a key of its own) and then its layout, for its next
    edit; the previous version's premaster goes. A write that fails leaves the previous pair as it was."""
    before = _layout(cache, key)
    audio_key = cache.key("premaster", f"{key}|{secrets.token_hex(16)}")
    size = premaster.stat().st_size
    cache.put_file(audio_key, premaster)
    if cache.file(audio_key) is None:
        return
    cache.put(cache.key("layout", key), json.dumps(asdict(replace(layout, audio_key=audio_key,
                                                                  audio_bytes=size))).encode())
    if _layout(cache, key) == before:  # the layout was not written: the previous pair stands
        cache.remove(audio_key)
    elif before is not None:
        cache.remove(before.audio_key)


def recall(cache: SegmentCache, key: str) -> tuple[Layout, Path] | None:
    """The layout `store` kept, and where its premastered audio is; None on a miss."""
    layout = _layout(cache, key)
    audio = cache.file(layout.audio_key) if layout is not None else None
    return (layout, audio) if layout is not None and audio is not None else None


def _layout(cache: SegmentCache, key: str) -> Layout | None:
    found = cache.get(cache.key("layout", key))
    try:
        return Layout.from_json(json.loads(found)) if found is not None else None
    except ValueError:
        return None


def _common_ends(old: list[tuple[str, bool]], new: list[tuple[str, bool]]) -> tuple[int, int]:
    """How many turns the two lists share at their start and (not overlapping that) at their end."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def splice_edit(script: Script, marks: list[tuple[str, bool]], voicer: Voicer, mix: MixSettings,
                previous: tuple[Layout, Path], premaster_path: Path, sink: ProgressSink, early: EarlyEncode | None
                ) -> tuple[Transcript, float] | None:
    """The edited episode (its `turn_marks`: `marks`) premastered at `premaster_path`, made from the previous
    one and the changed stretch
    (pass 2 started on it when `early` is given; nothing measures it here), with its transcript and length in
    seconds; None when this edit cannot be spliced (its first or last turn changed, nothing changed, the cut
    would fall under the intro music, or the pauses are too short to cut in)."""
    layout, old_path = previous
    try:
        old_audio = old_path.open("rb")
    except OSError:  # evicted from the cache since
        return None
    with old_audio:
        return _spliced(script, marks, voicer, mix, layout, old_audio, premaster_path, sink, early)


def _spliced(script: Script, marks: list[tuple[str, bool]], voicer: Voicer, mix: MixSettings, layout: Layout,
             old_audio: BinaryIO, premaster_path: Path, sink: ProgressSink, early: EarlyEncode | None
             ) -> tuple[Transcript, float] | None:
    rate = mix.format.sample_rate
    planned = [(section, index, turn) for section in script.sections for index, turn in enumerate(section.turns)]
    head, tail = _common_ends(layout.turns, marks)
    half_ms = min(mix.pause_ms, mix.section_pause_ms) // 2
    changed = range(head, len(planned) - tail)
    if (head == 0 or tail == 0 or layout.rate != rate or 2 * half_ms < _MIN_PAUSE_MS
            or os.fstat(old_audio.fileno()).st_size != layout.audio_bytes
            or (not changed and len(layout.turns) == len(planned))):
        return None
    cut_from = layout.spans[head - 1][1] + half_ms / 1000
    cut_to = layout.spans[len(layout.turns) - tail][0] - half_ms / 1000
    if mix.intro_music is not None and cut_from < mix.intro_music_seconds + _BED_MARGIN_SECONDS:
        return None
    begin, end = round(cut_from * rate) * _SAMPLE_BYTES, round(cut_to * rate) * _SAMPLE_BYTES
    fed = FedPremaster(premaster_path, early, rate)
    stretch_path = premaster_path.with_name("stretch.pcm")
    try:
        fed.add_range(old_audio, 0, begin)  # encoded while the stretch is voiced
        stretch = _premastered_stretch(planned, changed, voicer, mix, stretch_path, sink, half_ms)
        made = stretch_path.read_bytes()
        fed.add(made)
        fed.add_range(old_audio, end, layout.audio_bytes)
        fed.finish()
    except BaseException:
        fed.abandon()
        if early is not None:
            early.abandon()
        raise
    finally:
        stretch_path.unlink(missing_ok=True)
    shift = (len(made) - (end - begin)) / _SAMPLE_BYTES / rate
    transcript: Transcript = []
    for n, (section, _, turn) in enumerate(planned):
        if n < head:
            start, end_s = layout.spans[n]
        elif n >= len(planned) - tail:
            old_start, old_end = layout.spans[n - len(planned) + len(layout.turns)]
            start, end_s = old_start + shift, old_end + shift
        else:
            start, end_s = cut_from + stretch[n - head][0], cut_from + stretch[n - head][1]
        transcript.append({"speaker": turn.speaker, "text": turn.text, "section": section.title,
                           "start": round(start, 3), "end": round(end_s, 3)})
    sink.segments_voiced(len(planned), len(planned) - len(changed) + voicer.cached)
    log.info("edit spliced: %d of %d turns re-mastered", len(changed), len(planned))
    return transcript, layout.seconds + shift


def _premastered_stretch(planned: list[tuple[Section, int, Turn]], changed: range, voicer: Voicer, mix: MixSettings,
                         path: Path, sink: ProgressSink, half_ms: int) -> list[tuple[float, float]]:
    """Mix and premaster the changed turns into `path`, from the cut in the pause before them to the cut in the
    pause after; their spans within it."""
    rate = voicer.rate
    premaster = Premaster(path, rate, mix.format.sample_rate)
    mixer = EpisodeMixer(premaster, rate, ramp_ms=mix.ramp_ms)
    spans = []
    try:
        sink.report(Milestone.VOICING, f"Voicing {len(changed)} changed lines...")
        for done, n in enumerate(changed):
            if sink.should_stop():
                raise Interrupted
            _, index, turn = planned[n]
            mixer.add_pause(mix.pause_before(index) - (half_ms if done == 0 else 0))
            spoken = spoken_for(turn, n)
            key, pcm, gain = voicer.lookup(turn, spoken)
            if pcm is None:
                pcm = voicer.synthesize(turn, spoken, key)
            spans.append(mixer.add_speech(pcm, gain))
            if gain is None:
                voicer.remember_gain(key, mixer.last_gain)
            sink.report(voicing_percent(done + 1, len(changed)), f"Voicing changed line {done + 1} of {len(changed)}")
        _, index, _ = planned[changed.stop]
        mixer.add_pause(mix.pause_before(index) - half_ms - (half_ms if not changed else 0))
        sink.report(Milestone.VOICED, "Splicing the changed lines in...")
        premaster.finish()
    except BaseException:
        premaster.abandon()
        raise
    return spans

