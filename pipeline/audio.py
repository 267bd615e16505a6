"""Audio plumbing on imageio-ffmpeg's bundled ffmpeg: pitch shifting, decoding, measuring.

imageio-ffmpeg ships no ffprobe, so nothing here asks pydub to read compressed audio back; ffmpeg decodes it
(durations and loudness are measured by decoding, see pipeline.mastering.read_back).
"""

from __future__ import annotations

import subprocess
import warnings

import imageio_ffmpeg

with warnings.catch_warnings():
    # pydub warns at import that no system ffmpeg is on PATH; we hand it imageio-ffmpeg's binary below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from errors import AudioError

SAMPLE_WIDTH = 2  # 16-bit PCM from every voice


def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg binary."""
    return imageio_ffmpeg.get_ffmpeg_exe()


AudioSegment.converter = ffmpeg_exe()


def _run(args: list[str], stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", *args],
                                input=stdin, capture_output=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioError(f"ffmpeg could not run: {exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise AudioError(f"ffmpeg failed: {detail[-1] if detail else 'exit code ' + str(result.returncode)}")
    return result.stdout


def pitch_shift(pcm: bytes, sample_rate: int, factor: float) -> bytes:
    """Shift the pitch of mono 16-bit PCM by `factor`, keeping its tempo (rubberband)."""
    raw = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1"]
    return _run([*raw, "-i", "pipe:0", "-af", f"rubberband=pitch={factor}:formant=shifted", *raw, "pipe:1"], pcm)


def decode_to_pcm(data: bytes, sample_rate: int) -> bytes:
    """Decode compressed audio (e.g. MP3 from a TTS server) to mono 16-bit PCM; ValueError if it is not audio."""
    try:
        pcm = _run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], data)
    except AudioError as exc:
        raise ValueError(f"the audio could not be decoded ({exc.message})") from None
    if not pcm:
        raise ValueError("the audio was empty")
    return pcm
