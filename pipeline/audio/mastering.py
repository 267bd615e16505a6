"""Finishing the mix the way published podcasts are, in two passes:

1. while the turns are still being voiced, the mix streams through gentle compression and a peak limiter into
   a scratch file at the delivery rate, and `ebur128` measures it on the way (so this pass costs no wall time);
2. one linear gain from those measurements brings it to -16 LUFS; a limiter just under the true-peak ceiling
   catches the few peaks that gain would lift past it (a mix whose peaks stand far above its loudness); short
   fades, and it is encoded.

The encoded file is decoded and measured by `ebur128` as it is written (`encode` returns what it reads back);
the caller encodes once more if the encoder moved the loudness.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from errors import AudioError
from pipeline import ffmpeg
from pipeline.audio.chapters import chapter_spans

TARGET_LUFS, TARGET_TRUE_PEAK, TARGET_RANGE = -16.0, -1.5, 11.0
LOUDNESS_TOLERANCE = 1.0
_CORRECT_ABOVE = 0.5  # LU off target after encoding that is worth a second encode (the tolerance is 1)
PREMASTER_FORMAT = "s16le"  # after the limiter, peaks sit at -6 dBFS: 16 bits lose nothing audible
_FADE_IN_SECONDS, _FADE_OUT_SECONDS = 0.03, 0.3  # the mix ends with a pause at least this long
# Sample peaks held 1.5 dB under the true-peak ceiling leave room for the peaks between samples and those the
# lossy encoders add (measured: at most 1.2 dB on speech at 44.1 kHz; more on a few onsets, see `correction`).
_PASS2_PEAK_LIMIT_DB = TARGET_TRUE_PEAK - 1.5
_ENCODER_OVERSHOOT_DB = 1.2
_PEAK_MARGIN_DB = 0.3  # under the ceiling, after a second encode
_MAX_CEILING_CUT_DB = 4.0  # further, the limiter would flatten speech itself


@dataclass(frozen=True)
class AudioFormat:
    """One delivery format: what podcast apps expect for it."""

    name: str
    extension: str
    content_type: str
    sample_rate: int
    codec: tuple[str, ...]
    encoder_gain_db: float = 0.0  # level change the encoder itself makes, compensated in pass 2
    streamable: bool = True  # the container can be written to a pipe (MP4 needs to seek back for its index)


def audio_format(name: str, bitrate_kbps: int) -> AudioFormat:
    """MP3 (the default every app plays), M4A/AAC or Opus, mono, at `bitrate_kbps`."""
    bitrate = f"{bitrate_kbps}k"
    if name == "m4a":
        return AudioFormat("m4a", "m4a", "audio/mp4", 44_100,
                           ("-c:a", "aac", "-b:a", bitrate, "-movflags", "+faststart", "-f", "ipod"), streamable=False)
    if name == "opus":
        return AudioFormat("opus", "opus", "audio/ogg", 48_000, ("-c:a", "libopus", "-b:a", bitrate, "-f", "ogg"))
    # LAME's quality 7 encodes speech at these bitrates audibly the same as its default, about twice as fast.
    # LAME scales its input by 0.95 (-0.45 dB, measured at every bitrate): made up in pass 2, so that no episode
    # needs a second encode to reach the target.
    return AudioFormat("mp3", "mp3", "audio/mpeg", 44_100,
                       ("-c:a", "libmp3lame", "-b:a", bitrate, "-compression_level", "7", "-f", "mp3"),
                       encoder_gain_db=-0.45)


@dataclass(frozen=True)
class Loudness:
    """EBU R 128 figures of a whole programme."""

    integrated: float  # LUFS
    true_peak: float  # dBTP
    range: float  # LU
    threshold: float  # LUFS, the relative gate of the integrated measurement

    def as_json(self) -> dict[str, float]:
        """For the API and the podcast record."""
        return {"integrated": self.integrated, "truePeak": self.true_peak, "range": self.range}

    def within_targets(self) -> bool:
        """Meets the published-podcast targets."""
        return (abs(self.integrated - TARGET_LUFS) <= LOUDNESS_TOLERANCE and self.true_peak <= TARGET_TRUE_PEAK
                and self.range <= TARGET_RANGE)


@dataclass(frozen=True)
class Correction:
    """What a second encode changes after the first read back off target: the gain (dB), and how far under its
    usual ceiling the limiter holds the peaks (dB)."""

    gain_db: float = 0.0
    ceiling_cut_db: float = 0.0

    def then(self, more: Correction) -> Correction:
        """This correction and `more` (read back from an encode made with this one) together."""
        return Correction(self.gain_db + more.gain_db,
                          min(_MAX_CEILING_CUT_DB, self.ceiling_cut_db + more.ceiling_cut_db))


def encode(premastered: Path, rate: int, seconds: float, measured: Loudness, out: Path, fmt: AudioFormat,
           chapters_metadata: Path | None = None, corrected: Correction | None = None) -> tuple[Loudness, float]:
    """Pass 2: normalise the premastered audio to the targets with the measured values, fade, encode to `out`.
    Returns the loudness and length read back from the encoded file (decoded as it is written, where the
    container allows). `corrected` makes up for what the encoder did last time."""
    extra = ["-i", str(chapters_metadata), "-map_chapters", "1"] if chapters_metadata else []
    args = ["-f", PREMASTER_FORMAT, "-ar", str(rate), "-ac", "1", "-i", str(premastered), *extra, "-map", "0:a",
            *pass_two(measured.integrated, fmt, seconds, corrected)]
    if not fmt.streamable:
        ffmpeg.run([*args, "-y", str(out)], failure="ffmpeg failed while mastering")
        return read_back(out)
    return encode_reading_back(args, out)


def pass_two(premaster_lufs: float, fmt: AudioFormat, seconds: float | None, corrected: Correction | None = None
             ) -> list[str]:
    """ffmpeg's output arguments for pass 2: the one gain to the target, the peak limiter, the fades (no fade-out
    without the length: the mix ends in silence anyway), the delivery rate and codec."""
    corrected = corrected or Correction()
    gain = TARGET_LUFS - premaster_lufs + corrected.gain_db - fmt.encoder_gain_db
    ceiling = _PASS2_PEAK_LIMIT_DB - corrected.ceiling_cut_db
    # ffmpeg's loudnorm would apply the same gain, but behind a 192 kHz round trip that costs a third of the
    # encode, and it silently switches to its dynamic mode (missing the target on short episodes) whenever the
    # gain would lift a peak past the ceiling; the limiter deals with those few peaks instead.
    normalise = (f"volume={gain:.2f}dB,alimiter=limit={10 ** (ceiling / 20):.4f}:attack=1:release=50"
                 ":level=false:latency=true")
    fades = f"afade=t=in:d={_FADE_IN_SECONDS}"
    if seconds is not None:
        fades += f",afade=t=out:st={max(0.0, seconds - _FADE_OUT_SECONDS):.3f}:d={_FADE_OUT_SECONDS}"
    return ["-af", f"{normalise},{fades},aresample={fmt.sample_rate}", "-ar", str(fmt.sample_rate), "-ac", "1",
            *fmt.codec]


def encode_reading_back(args: list[str], out: Path, source: IO[bytes] | None = None) -> tuple[Loudness, float]:
    """Encode to a pipe (from `source`, when its input is `pipe:0`), writing the bytes to `out` and into a second
    ffmpeg that decodes and measures them at the same time (the read-back costs no extra wall time on a
    multi-core machine). Whatever happens here, `source` is read to its end, so its writer never blocks."""
    relay = _Relay(source) if source is not None else None
    encoder = reader = None
    with tempfile.TemporaryFile() as encoder_log, tempfile.TemporaryFile() as reader_log:
        try:
            encoder = ffmpeg.start([*args, "pipe:1"], stdin=subprocess.PIPE if relay else None,
                                   stdout=subprocess.PIPE, stderr=encoder_log)
            if relay is not None:
                relay.feed(encoder.stdin)
            reader = ffmpeg.start(["-i", "pipe:0", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                                  log_level="info", stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=reader_log)
            assert encoder.stdout is not None and reader.stdin is not None
            reading = True
            with out.open("wb") as file:
                while chunk := encoder.stdout.read(1 << 16):
                    file.write(chunk)
                    if reading:
                        try:
                            reader.stdin.write(chunk)
                        except BrokenPipeError:  # the reader failed (its exit code says so below); keep encoding
                            reading = False
            with contextlib.suppress(BrokenPipeError):
                reader.stdin.close()
            encoded, decoded = encoder.wait(timeout=1800), reader.wait(timeout=1800)
        except BaseException:
            for process in (encoder, reader):
                if process is not None:
                    process.kill()
                    process.wait()
            raise
        finally:
            if relay is not None:
                relay.finish()
        if encoded != 0:
            raise AudioError(f"ffmpeg failed while mastering: {_last_line(encoder_log)}")
        if decoded != 0:
            raise AudioError(f"The episode audio does not decode: {_last_line(reader_log)}")
        reader_log.seek(0)
        return _loudness_and_length(reader_log.read().decode(errors="replace"))


class _Relay:
    """Copies `source` into the encoder, in a thread; once the encoder takes no more (it failed, or never
    started), reads the rest of `source` and drops it, so pass 1 (or whatever writes `source`) is never blocked
    nor broken by a failing pass 2."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._sink: IO[bytes] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._copy, name="encoder-input", daemon=True)
        self._thread.start()

    def feed(self, sink: IO[bytes] | None) -> None:
        """Where the input goes (None: nowhere)."""
        self._sink = sink
        self._ready.set()

    def _copy(self) -> None:
        self._ready.wait()
        sink = self._sink
        with self._source:
            while chunk := self._source.read(1 << 16):
                if sink is not None:
                    try:
                        sink.write(chunk)
                    except (OSError, ValueError):
                        _closed(sink)
                        sink = None
        _closed(sink)

    def finish(self) -> None:
        """Wait until all of `source` is read."""
        self._ready.set()
        self._thread.join()


def _closed(sink: IO[bytes] | None) -> None:
    if sink is not None:
        with contextlib.suppress(OSError, ValueError):
            sink.close()


def _last_line(log: IO[bytes]) -> str:
    log.seek(0)
    return ffmpeg.last_line(log.read().decode(errors="replace")) or "no output"


def correction(final: Loudness) -> Correction | None:
    """What a second encode should change when the file read back is noticeably off target, else None. The
    loudness is made up with the gain. Peaks over the ceiling (the encoder's overshoot, up to 3-4 dB on some
    speech onsets) are met by lowering the limiter's ceiling, not the gain: that leaves the loudness where it is,
    where a lower gain left a quiet episode whose peaks could still be over."""
    miss = TARGET_LUFS - final.integrated
    gain = miss if abs(miss) >= _CORRECT_ABOVE else 0.0
    # A gain lifts the peaks until the limiter holds them; past its ceiling they stand out by what the encoder
    # added this time, or by as much as it adds to speech at most.
    overshoot = max(final.true_peak - _PASS2_PEAK_LIMIT_DB, _ENCODER_OVERSHOOT_DB)
    peak = min(final.true_peak + max(gain, 0.0), _PASS2_PEAK_LIMIT_DB + overshoot)
    over = peak - TARGET_TRUE_PEAK
    cut = min(_MAX_CEILING_CUT_DB, over + _PEAK_MARGIN_DB) if over > 0 else 0.0
    return Correction(gain, cut) if gain or cut else None


def measure_premaster(path: Path, rate: int) -> Loudness:
    """Pass 1's figures for premastered audio already on disk (a spliced edit; see pipeline.audio.splicing)."""
    _, log = ffmpeg.run(["-nostats", "-f", PREMASTER_FORMAT, "-ar", str(rate), "-ac", "1", "-i", str(path),
                         "-af", "ebur128=peak=sample:framelog=quiet", "-f", "null", "-"],
                        log_level="info", failure="ffmpeg could not measure the episode")
    return loudness_summary(log)


def read_back(path: Path) -> tuple[Loudness, float]:
    """Decode all of `path` (which proves it decodes) with `ebur128`: its loudness and its length in seconds."""
    _, log = ffmpeg.run(["-i", str(path), "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                        log_level="info", failure="The episode audio does not decode")
    return _loudness_and_length(log)


def _loudness_and_length(text: str) -> tuple[Loudness, float]:
    times = re.findall(r"time=(\d+):(\d+):([\d.]+)", text)
    if not times:
        raise AudioError("The episode audio does not decode")
    hours, minutes, seconds = times[-1]
    return loudness_summary(text), int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def loudness_summary(text: str) -> Loudness:
    summary = text[text.rfind("Summary:"):]

    def first(label: str, default: float) -> float:
        found = re.search(rf"^\s*{label}:\s+(-?[\d.]+|-inf)", summary, re.MULTILINE)
        return default if found is None or found.group(1) == "-inf" else float(found.group(1))

    integrated = first("I", float("nan"))
    if "Summary:" not in text or integrated != integrated:  # NaN: no summary, or a silent file
        raise AudioError("ffmpeg could not measure the episode's loudness")
    # The first Threshold is the integrated gate's; the second, LRA's.
    return Loudness(integrated=integrated, true_peak=first("Peak", -70.0), range=first("LRA", 0.0),
                    threshold=first("Threshold", -70.0))


def chapters_metadata(path: Path, chapters: list[dict[str, Any]], seconds: float) -> Path:
    """An ffmetadata file carrying `chapters` (startTime, title), for containers whose chapters ffmpeg writes."""
    lines = [";FFMETADATA1"]
    for chapter, start, end in chapter_spans(chapters, seconds):
        title = re.sub(r"([=;#\\\n])", r"\\\1", str(chapter["title"]))
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={title}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

