"""Pass 2 run alongside pass 1, for an edited episode.

Pass 2's one gain comes from pass 1's measurement of the whole mix, so it normally waits for pass 1 to end: for a
fresh episode that costs nothing (pass 1 runs while the turns are voiced), but an edit voices a line or two and
then spends most of its time mastering, twice over the whole episode, one pass after the other. The premaster of
an edit measures within a few hundredths of a LU of its previous version's (the same chain, almost the same
turns), so pass 2 can start at once with that figure, encoding and reading back as pass 1 goes. The result is
kept only when pass 1's measurement confirms the prediction and the read-back meets the targets
(`EarlyEncode.confirmed`); otherwise the episode is encoded again from the premaster, as usual.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from pathlib import Path
from typing import IO, BinaryIO

from errors import AudioError
from pipeline.audio.mastering import (
    PREMASTER_FORMAT,
    TARGET_LUFS,
    AudioFormat,
    Loudness,
    correction,
    encode_reading_back,
    pass_two,
)

# How far pass 1's measurement may stand from the prediction for the early encode to count as the one pass 2
# would have made: 0.3 LU is well under what a listener hears and under the 1 LU tolerance of the target.
PREDICTION_TOLERANCE_LU = 0.3
_JOIN_SECONDS = 1900  # the encoder and the read-back are killed after 1800 s
_CHUNK_BYTES = 1 << 20


class EarlyEncode:
    """Pass 2 (and its read-back) into `out`, with the gain for a premaster at `predicted_lufs`; give it to the
    Premaster as its `onward`."""

    def __init__(self, out: Path, fmt: AudioFormat, predicted_lufs: float) -> None:
        if not fmt.streamable:
            raise ValueError(f"{fmt.name} cannot be encoded to a pipe")
        self.out, self.fmt, self.predicted_lufs = out, fmt, predicted_lufs
        self._thread: threading.Thread | None = None
        self._result: tuple[Loudness, float] | None = None
        self._error: BaseException | None = None

    def start(self, premastered: IO[bytes], rate: int) -> None:
        """Begin encoding what pass 1 writes to `premastered` (in a thread: the mix is still being written)."""
        args = ["-f", PREMASTER_FORMAT, "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-map", "0:a",
                *pass_two(self.predicted_lufs, self.fmt, seconds=None)]
        self._thread = threading.Thread(target=self._run, args=(args, premastered), name="early-encode", daemon=True)
        self._thread.start()

    def _run(self, args: list[str], premastered: IO[bytes]) -> None:
        try:
            self._result = encode_reading_back(args, self.out, premastered)
        except BaseException as exc:  # handed to finish(), in the job's thread (without the frames it ran in)
            self._error = exc.with_traceback(None)

    def finish(self) -> tuple[Loudness, float]:
        """Wait for the encode (pass 1 has ended); the loudness and length read back from `out`. Raises whatever
        stopped it (the caller then encodes from the premaster instead)."""
        self._join()
        if self._thread is not None and self._thread.is_alive():
            raise AudioError("The early encode did not finish")
        if self._error is not None:
            raise self._error
        if self._result is None:
            raise AudioError("The early encode never started")
        return self._result

    def confirmed(self, premaster_lufs: float | None, read: Loudness) -> bool:
        """Whether the early encode is the episode: the encoded file meets the targets without a correction (as
        any encode must), and pass 1 measured what was predicted, when it measured (a spliced premaster is not
        measured: the read-back alone says whether the prediction held)."""
        predicted = premaster_lufs is None or abs(premaster_lufs - self.predicted_lufs) <= PREDICTION_TOLERANCE_LU
        return predicted and correction(read) is None and read.within_targets()

    def premaster_estimate(self, read: Loudness) -> float:
        """The premaster's loudness as the read-back implies it (the gain was set for `predicted_lufs`)."""
        return self.predicted_lufs + read.integrated - TARGET_LUFS

    def abandon(self) -> None:
        """Pass 1 was stopped (so the encoder's input has ended): wait for the thread, drop the partial file."""
        self._join()
        self.out.unlink(missing_ok=True)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=_JOIN_SECONDS)


class FedPremaster:
    """A premaster written to `path` piece by piece (a spliced edit's: the previous version's audio, the new
    stretch, the rest), each piece also handed to `early` as it comes. Writing happens in a thread, so the
    encoder works on the first piece while the job voices the next."""

    def __init__(self, path: Path, early: EarlyEncode | None, rate: int) -> None:
        self.path = path
        self._file = path.open("wb")
        self._pieces: queue.Queue[bytes | tuple[BinaryIO, int, int] | None] = queue.Queue()
        self._pipe: IO[bytes] | None = None
        self._error: OSError | None = None
        self._stopping = threading.Event()
        if early is not None:
            readable, writable = os.pipe()  # not inherited: the encoder sees the end when this side closes
            self._pipe = os.fdopen(writable, "wb")
            early.start(os.fdopen(readable, "rb"), rate)
        self._thread = threading.Thread(target=self._write, name="premaster-feed", daemon=True)
        self._thread.start()

    def add(self, piece: bytes) -> None:
        """The next piece of the premaster."""
        self._pieces.put(piece)

    def add_range(self, source: BinaryIO, start: int, stop: int) -> None:
        """The next piece: bytes `start` to `stop` of `source` (read here, a chunk at a time, so a long episode
        never sits in memory; the caller keeps `source` open until `finish`)."""
        self._pieces.put((source, start, stop))

    def _write(self) -> None:
        try:
            while (piece := self._pieces.get()) is not None:
                if isinstance(piece, bytes):
                    if not self._stopping.is_set():
                        self._put(piece)
                    continue
                source, start, stop = piece
                source.seek(start)
                while (start < stop and not self._stopping.is_set()
                       and (chunk := source.read(min(_CHUNK_BYTES, stop - start)))):
                    self._put(chunk)
                    start += len(chunk)
        except OSError as exc:
            self._error = exc
        finally:
            self._file.close()
            self._drop_pipe()

    def _put(self, chunk: bytes) -> None:
        self._file.write(chunk)
        if self._pipe is not None:
            try:
                self._pipe.write(chunk)
            except BrokenPipeError:  # the encoder stopped: EarlyEncode.finish() reports it
                self._drop_pipe()

    def _drop_pipe(self) -> None:
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            with contextlib.suppress(BrokenPipeError):
                pipe.close()

    def finish(self) -> None:
        """Wait until every piece is written."""
        self._pieces.put(None)
        self._thread.join()
        if self._error is not None:
            raise AudioError(f"Could not write the episode: {self._error.strerror}")

    def abandon(self) -> None:
        """Stop writing (the encoder's input ends) and drop the partial file."""
        self._stopping.set()
        self._pieces.put(None)
        self._thread.join()
        self.path.unlink(missing_ok=True)
