"""Finishing the mix the way published podcasts are: gentle compression and a peak limiter, two-pass loudness
normalisation (measure, then ffmpeg `loudnorm` with the measured values), fades, and encoding; then the final
file's loudness is read back with `ebur128`, and corrected once if the encoder moved it.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from errors import AudioError
from pipeline.audio import ffmpeg_exe
from pipeline.mixer import MIX_FORMAT

log = logging.getLogger(__name__)

TARGET_LUFS, TARGET_TRUE_PEAK, TARGET_RANGE = -16.0, -1.5, 11.0
LOUDNESS_TOLERANCE = 1.0
_CORRECT_ABOVE = 0.5  # LU off target after encoding that is worth a second encode (the tolerance is 1)
_FADE_IN_SECONDS, _FADE_OUT_SECONDS = 0.03, 0.3  # the mix ends with a pause at least this long
# Tuned on speech mixed at about -20 LUFS: brings the peak-to-loudness ratio under 14.5 dB, so loudnorm can
# apply one linear gain (no pumping, and about 4x faster than its dynamic mode).
_DYNAMICS = ("acompressor=threshold=0.125:ratio=2.5:attack=2:release=150:knee=4:makeup=2,"
             "alimiter=limit=0.5:attack=4:release=60:level=false")


@dataclass(frozen=True)
class AudioFormat:
    """One delivery format: what podcast apps expect for it."""

    name: str
    extension: str
    content_type: str
    sample_rate: int
    codec: tuple[str, ...]


def audio_format(name: str, bitrate_kbps: int) -> AudioFormat:
    """MP3 (the default every app plays), M4A/AAC or Opus, mono, at `bitrate_kbps`."""
    bitrate = f"{bitrate_kbps}k"
    if name == "m4a":
        return AudioFormat("m4a", "m4a", "audio/mp4", 44_100,
                           ("-c:a", "aac", "-b:a", bitrate, "-movflags", "+faststart", "-f", "ipod"))
    if name == "opus":
        return AudioFormat("opus", "opus", "audio/ogg", 48_000, ("-c:a", "libopus", "-b:a", bitrate, "-f", "ogg"))
    # LAME's quality 7 encodes speech at these bitrates audibly the same as its default, about twice as fast.
    return AudioFormat("mp3", "mp3", "audio/mpeg", 44_100,
                       ("-c:a", "libmp3lame", "-b:a", bitrate, "-compression_level", "7", "-f", "mp3"))


@dataclass(frozen=True)
class Loudness:
    """EBU R 128 figures of a whole programme."""

    integrated: float  # LUFS
    true_peak: float  # dBTP
    range: float  # LU
    threshold: float  # LUFS, the relative gate loudnorm needs from the first pass

    def as_json(self) -> dict[str, float]:
        """For the API and the podcast record."""
        return {"integrated": self.integrated, "truePeak": self.true_peak, "range": self.range}

    def within_targets(self) -> bool:
        """Meets the published-podcast targets."""
        return (abs(self.integrated - TARGET_LUFS) <= LOUDNESS_TOLERANCE and self.true_peak <= TARGET_TRUE_PEAK
                and self.range <= TARGET_RANGE)


def master(mix: Path, mix_rate: int, seconds: float, out: Path, fmt: AudioFormat,
           chapters_metadata: Path | None = None) -> Loudness:
    """Encode `mix` (mono float PCM lasting `seconds`) to `out`, normalised; returns the final file's loudness."""
    source = ["-f", MIX_FORMAT, "-ar", str(mix_rate), "-ac", "1", "-i", str(mix)]
    finish = f"aresample={fmt.sample_rate},{_DYNAMICS}"
    measured = _ebur128(source, finish)  # pass 1
    bias = 0.0  # LU the encoder lost last time; loudnorm's linear mode ignores `offset`, so the input is biased
    for attempt in range(2):
        normalise = (f"loudnorm=I={TARGET_LUFS}:TP={TARGET_TRUE_PEAK}:LRA={TARGET_RANGE}"
                     f":measured_I={measured.integrated - bias:.2f}:measured_TP={measured.true_peak - bias:.2f}"
                     f":measured_LRA={measured.range}:measured_thresh={measured.threshold - bias:.2f}:linear=true")
        fades = (f"afade=t=in:d={_FADE_IN_SECONDS},"
                 f"afade=t=out:st={max(0.0, seconds - _FADE_OUT_SECONDS):.3f}:d={_FADE_OUT_SECONDS}")
        extra = ["-i", str(chapters_metadata), "-map_chapters", "1"] if chapters_metadata else []
        _ffmpeg([*source, *extra, "-map", "0:a", "-af", f"{finish},{normalise},{fades},aresample={fmt.sample_rate}",
                 "-ar", str(fmt.sample_rate), "-ac", "1", *fmt.codec, "-y", str(out)])
        final = read_loudness(out)  # read back from the file a listener gets
        miss = TARGET_LUFS - final.integrated
        if (abs(miss) < _CORRECT_ABOVE and final.true_peak <= TARGET_TRUE_PEAK) or attempt:
            break
        bias = miss - max(0.0, final.true_peak + miss - TARGET_TRUE_PEAK + 0.1)
    if not final.within_targets():
        log.warning("episode loudness %s misses the targets", final.as_json())
    return final


def read_loudness(path: Path) -> Loudness:
    """EBU R 128 loudness, true peak and range of any audio file, by ffmpeg's `ebur128`."""
    return _ebur128(["-i", str(path)], "anull")


def _ebur128(source: list[str], chain: str) -> Loudness:
    text = _ffmpeg([*source, "-af", f"{chain},ebur128=peak=true:framelog=quiet", "-f", "null", "-"], log_level="info")
    summary = text[text.rfind("Summary:"):]

    def first(label: str, default: float) -> float:
        found = re.search(rf"^\s*{label}:\s+(-?[\d.]+|-inf)", summary, re.MULTILINE)
        return default if found is None or found.group(1) == "-inf" else float(found.group(1))

    integrated = first("I", float("nan"))
    if integrated != integrated:  # NaN: no summary, or a silent file
        raise AudioError("ffmpeg could not measure the episode's loudness")
    # The first Threshold is the integrated gate's; the second, LRA's.
    return Loudness(integrated=integrated, true_peak=first("Peak", -70.0), range=first("LRA", 0.0),
                    threshold=first("Threshold", -70.0))


def _ffmpeg(args: list[str], log_level: str = "error") -> str:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", log_level, *args]
    try:
        result = subprocess.run(command, capture_output=True, check=False, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioError(f"ffmpeg could not run: {exc}") from exc
    text = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        lines = [line for line in text.strip().splitlines() if line.strip()]
        raise AudioError(f"ffmpeg failed while mastering: {lines[-1] if lines else result.returncode}")
    return text


def chapters_metadata(path: Path, chapters: list[dict[str, object]], seconds: float) -> Path:
    """An ffmetadata file carrying `chapters` (startTime, title), for containers whose chapters ffmpeg writes."""
    lines = [";FFMETADATA1"]
    starts = [float(chapter["startTime"]) for chapter in chapters]  # type: ignore[arg-type]
    for chapter, start, end in zip(chapters, starts, [*starts[1:], seconds], strict=True):
        title = re.sub(r"([=;#\\\n])", r"\\\1", str(chapter["title"]))
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(start * 1000)}", f"END={round(end * 1000)}",
                  f"title={title}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

