"""Audio plumbing on imageio-ffmpeg's bundled ffmpeg: pitch shifting, mixing to disk, encoding, measuring.

imageio-ffmpeg ships no ffprobe, so nothing here asks pydub to read compressed audio back; durations are
measured by decoding with ffmpeg itself.
"""

from __future__ import annotations

import subprocess
import tempfile
import warnings
from pathlib import Path

import imageio_ffmpeg

with warnings.catch_warnings():
    # pydub warns at import that no system ffmpeg is on PATH; we hand it imageio-ffmpeg's binary below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from errors import AudioError

SAMPLE_WIDTH = 2  # 16-bit PCM throughout
EPISODE_SAMPLE_RATE = 44_100
EPISODE_BITRATE = "96k"
# What podcast apps expect: 44.1 kHz mono CBR. LAME's quality 7 encodes speech at this bitrate audibly the same
# as its default, about twice as fast.
_MP3_OPTIONS = ["-ar", str(EPISODE_SAMPLE_RATE), "-ac", "1", "-codec:a", "libmp3lame", "-b:a", EPISODE_BITRATE,
                "-compression_level", "7", "-f", "mp3"]
_JOIN_FADE_MS = 8


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


class EpisodeMixer:
    """Streams speech and pauses straight into an MP3 encoder, so a long episode never sits in memory whole and
    encoding overlaps voicing instead of following it."""

    def __init__(self, mp3_path: Path, sample_rate: int) -> None:
        self.sample_rate, self.mp3_path = sample_rate, mp3_path
        self._frames = 0
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115  (closed in finish() or abandon())
        raw_input = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]
        command = [ffmpeg_exe(), "-hide_banner", "-v", "error", "-y", *raw_input, *_MP3_OPTIONS, str(mp3_path)]
        try:
            self._encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                             stderr=self._errors)
        except OSError as exc:
            raise AudioError(f"ffmpeg could not run: {exc}") from exc

    @property
    def seconds(self) -> float:
        """Length written so far."""
        return self._frames / self.sample_rate

    def add_pause(self, milliseconds: int) -> None:
        """Silence between turns."""
        self._write(AudioSegment.silent(duration=milliseconds, frame_rate=self.sample_rate))

    def add_speech(self, pcm: bytes) -> tuple[float, float]:
        """Append one voiced turn; short ramps at both ends avoid clicks at the joins. Returns (start, end)."""
        segment = AudioSegment(data=pcm, sample_width=SAMPLE_WIDTH, frame_rate=self.sample_rate, channels=1)
        start = self.seconds
        self._write(segment.fade_in(_JOIN_FADE_MS).fade_out(_JOIN_FADE_MS))
        return start, self.seconds

    def _write(self, segment: AudioSegment) -> None:
        assert self._encoder.stdin is not None
        try:
            self._encoder.stdin.write(segment.raw_data)
        except BrokenPipeError as exc:
            raise AudioError(f"The MP3 encoder stopped: {self._error_text()}") from exc
        self._frames += int(segment.frame_count())

    def finish(self) -> None:
        """Flush the encoder and check it wrote a complete file."""
        assert self._encoder.stdin is not None
        self._encoder.stdin.close()
        code = self._encoder.wait(timeout=600)
        message = self._error_text()
        self._errors.close()
        if code != 0:
            raise AudioError(f"The MP3 encoder failed: {message or 'exit code ' + str(code)}")

    def abandon(self) -> None:
        """Stop the encoder and drop the partial file."""
        self._encoder.kill()
        self._encoder.wait()
        self._errors.close()
        self.mp3_path.unlink(missing_ok=True)

    def _error_text(self) -> str:
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""


def decoded_duration(path: Path) -> float:
    """Seconds of audio in `path`, by decoding all of it (this also proves the file decodes)."""
    rate = 8_000  # the count of samples is what matters; a low rate keeps the pipe small
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path),
               "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise AudioError(f"ffmpeg could not run: {exc}") from exc
    assert process.stdout is not None and process.stderr is not None
    total = 0
    while chunk := process.stdout.read(1 << 16):
        total += len(chunk)
    errors = process.stderr.read().decode(errors="replace").strip()
    if process.wait() != 0 or total == 0:
        raise AudioError(f"The episode audio does not decode: {errors.splitlines()[-1] if errors else 'no audio'}")
    return total / SAMPLE_WIDTH / rate


def decode_to_pcm(data: bytes, sample_rate: int) -> bytes:
    """Decode compressed audio (e.g. MP3 from a TTS server) to mono 16-bit PCM; ValueError if it is not audio."""
    try:
        pcm = _run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], data)
    except AudioError as exc:
        raise ValueError(f"the audio could not be decoded ({exc.message})") from None
    if not pcm:
        raise ValueError("the audio was empty")
    return pcm
