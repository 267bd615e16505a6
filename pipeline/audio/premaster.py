"""Pass 1 of the mastering (see pipeline.audio.mastering), streamed: the float mix goes in as it is made, and
comes out compressed, limited and measured, at the delivery rate."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import IO, Protocol

from errors import AudioError
from pipeline import ffmpeg
from pipeline.audio.dynamics import FFMPEG_DYNAMICS
from pipeline.audio.mastering import PREMASTER_FORMAT, Loudness, loudness_summary
from pipeline.audio.mixer import MIX_FORMAT


class Onward(Protocol):
    """Pass 2 started before pass 1 ends: reads the premastered audio as pass 1 writes it."""

    def start(self, premastered: IO[bytes], rate: int) -> None:
        """Begin reading `premastered` (PREMASTER_FORMAT, mono, at `rate`)."""
        ...

    def abandon(self) -> None:
        """Stop, dropping what was made."""
        ...


class Premaster:
    """Pass 1, streamed: takes the float mix as it is made, compresses and limits it into `path` at `out_rate`,
    measuring its loudness on the way. With `onward`, the same premastered audio also goes straight on to pass 2
    as it is made (see pipeline.audio.early)."""

    def __init__(self, path: Path, mix_rate: int, out_rate: int, onward: Onward | None = None) -> None:
        self.path, self.out_rate, self._onward = path, out_rate, onward
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in finish() or abandon())
        # The sample peak, not the true peak: pass 2 limits the true peak and the read-back measures it, so
        # measuring it here too would cost a third of this pass for a figure nothing uses.
        chain = f"aresample={out_rate},{FFMPEG_DYNAMICS},ebur128=peak=sample:framelog=quiet"
        premastered = ["-f", PREMASTER_FORMAT, "-ar", str(out_rate), "-ac", "1"]
        args = ["-nostats", "-f", MIX_FORMAT, "-ar", str(mix_rate), "-ac", "1", "-i", "pipe:0"]
        if onward is None:
            args += ["-af", chain, *premastered, "-y", str(path)]
        else:
            args += ["-filter_complex", f"[0:a]{chain},asplit=2[kept][onward]",
                     "-map", "[kept]", *premastered, "-y", str(path), "-map", "[onward]", *premastered, "pipe:1"]
        self._process = ffmpeg.start(args, log_level="info", stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL if onward is None else subprocess.PIPE,
                                     stderr=self._log)
        if onward is not None:
            assert self._process.stdout is not None
            try:
                onward.start(self._process.stdout, out_rate)
            except BaseException:
                self.abandon()
                raise

    def write(self, data: bytes) -> None:
        """The next samples of the mix."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(data)
        except BrokenPipeError as exc:
            raise AudioError(f"ffmpeg stopped while mastering: {self._text()[-300:]}") from exc

    def finish(self) -> Loudness:
        """Wait for the pass to end; the premastered audio's loudness."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        code = self._process.wait(timeout=600)
        text = self._text()
        self._log.close()
        if code != 0:
            raise AudioError(f"ffmpeg failed while mastering (exit code {code})")
        return loudness_summary(text)

    def abandon(self) -> None:
        """Stop (pass 2 too, if it was following) and drop the partial file."""
        self._process.kill()
        self._process.wait()
        if self._onward is not None:
            self._onward.abandon()
        self._log.close()
        self.path.unlink(missing_ok=True)

    def _text(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")
