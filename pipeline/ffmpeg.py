"""The one way Notecast runs imageio-ffmpeg's bundled ffmpeg, and the small jobs the voices need of it
(decoding a TTS server's audio, shifting a voice's pitch).

imageio-ffmpeg ships no ffprobe, so nothing here asks pydub to read compressed audio back; ffmpeg decodes it
(durations and loudness are measured by decoding, see pipeline.audio.mastering.read_back).
"""

from __future__ import annotations

import subprocess
import warnings
from typing import IO, Any

import imageio_ffmpeg

with warnings.catch_warnings():
    # pydub warns at import that no system ffmpeg is on PATH; we hand it imageio-ffmpeg's binary below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment as AudioSegment  # re-exported: pydub configured with this ffmpeg

from errors import AudioError


def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg binary."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


AudioSegment.converter = ffmpeg_exe()


def command(args: list[str], log_level: str = "error") -> list[str]:
    """The full command line for ffmpeg with `args`: no banner, no stdin prompts, `log_level` on stderr."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", log_level, *args]


def start(args: list[str], *, log_level: str = "error", stdin: int | None = None, stdout: int | IO[Any] | None = None,
          stderr: int | IO[Any] | None = None) -> subprocess.Popen[bytes]:
    """Start ffmpeg for streaming work (pipes the caller reads and writes as it goes)."""
    try:
        return subprocess.Popen(command(args, log_level), stdin=stdin, stdout=stdout, stderr=stderr)
    except OSError as exc:
        raise AudioError(f"ffmpeg could not run: {exc}") from exc


def run(args: list[str], *, stdin: bytes | None = None, log_level: str = "error", failure: str = "ffmpeg failed",
        timeout: float = 1800) -> tuple[bytes, str]:
    """Run ffmpeg to the end: its output and its log. A failure raises AudioError with `failure` and the log's
    last line."""
    try:
        result = subprocess.run(command(args, log_level), input=stdin, capture_output=True, check=False,
                                timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioError(f"ffmpeg could not run: {exc}") from exc
    log = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        raise AudioError(f"{failure}: {last_line(log) or 'exit code ' + str(result.returncode)}")
    return result.stdout, log


def last_line(log: str) -> str:
    """The last non-blank line of an ffmpeg log (where it says what went wrong)."""
    lines = [line for line in log.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def pitch_shift(pcm: bytes, sample_rate: int, factor: float) -> bytes:
    """Shift the pitch of mono 16-bit PCM by `factor`, keeping its tempo (rubberband)."""
    raw = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1"]
    return run([*raw, "-i", "pipe:0", "-af", f"rubberband=pitch={factor}:formant=shifted", *raw, "pipe:1"],
               stdin=pcm, timeout=600)[0]


def decode_to_pcm(data: bytes, sample_rate: int) -> bytes:
    """Decode compressed audio (e.g. MP3 from a TTS server) to mono 16-bit PCM; ValueError if it is not audio."""
    try:
        pcm = run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], stdin=data,
                  timeout=600)[0]
    except AudioError as exc:
        raise ValueError(f"the audio could not be decoded ({exc.message})") from None
    if not pcm:
        raise ValueError("the audio was empty")
    return pcm
