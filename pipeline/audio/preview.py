"""Listen while it generates: the mix, as it is made, also goes to a growing MP3 in the job's working directory,
with the transcript lines voiced so far beside it. A player can start at the beginning while the rest is still
being voiced; the mastered file replaces the preview when the job completes.

Encoded only for a listener: until someone asks for the preview (the server leaves `preview.wanted` in the
working directory), the mix only goes to a spool file beside it. The first request starts the encoder, which
takes the spool from the top and then the mix as it comes, so a late listener still starts at the beginning.
An encoder nobody listens to took about a tenth of a medium job's time on two cores.

MP3, not HLS: a plain MP3 served as it grows plays in Chromium, Firefox and Safari's <audio> and in podcast
apps (as a live stream does, with no playlist and no script on the page), and its frames can be cut anywhere.

Loudness, in one pass: the turns are already level-matched; the mastering dynamics, one fixed gain and a
limiter bring the preview near the final -16 LUFS (the premaster measures about -18.3 LUFS on every episode,
since every turn is matched to the same level) with its true peak at most about -1 dBTP. The limiter works at four
times the mix rate: at 22-24 kHz the voices' peaks between samples run up to about 2 dB over the samples, and
one of them took a preview to -0.6 dBTP.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, BinaryIO

from pipeline import ffmpeg
from pipeline.audio.dynamics import FFMPEG_DYNAMICS
from pipeline.audio.mixer import MIX_FORMAT
from store.records import TranscriptLine

log = logging.getLogger(__name__)

PREVIEW_AUDIO, PREVIEW_LINES, PREVIEW_DONE = "preview.mp3", "preview.json", "preview.done"
PREVIEW_WANTED = "preview.wanted"  # left by the server when someone asks for the preview
_SPOOL = "preview.spool"  # the mix so far, for an encoder started later
PREVIEW_CONTENT_TYPE = "audio/mpeg"
PREVIEW_KBPS = 48  # mono speech at the mix rate (22-24 kHz): clear, and cheap to encode beside the voices
PREVIEW_BYTES_PER_SECOND = PREVIEW_KBPS * 1000 // 8  # constant bitrate: bytes map to seconds
_GAIN_DB = 2.4  # -18.3 LUFS premaster → -16 LUFS, less what the limiter takes
_BACKLOG = 4096  # pieces of mix (a turn or a pause each) waiting for the encoder
_SPOOL_BLOCK = 1 << 20
_WATCH_SECONDS = 0.1  # how often the worker looks for a listener's request
_CEILING = 0.668  # -3.5 dBFS true peak: MP3 encoding at 48 kbit/s adds up to about 1 dB
_OVERSAMPLED = 4  # times the mix rate, where the limiter sees the peaks between samples


def _filters(mix_rate: int) -> str:
    return (f"{FFMPEG_DYNAMICS},volume={_GAIN_DB}dB,aresample={mix_rate * _OVERSAMPLED},"
            f"alimiter=limit={_CEILING}:attack=2:release=50:level=false,aresample={mix_rate}")


class PreviewStream:
    """Encodes the mix into `workdir/preview.mp3` as it arrives. Best effort: a preview that fails stops on its
    own and never fails the job."""

    def __init__(self, workdir: Path, mix_rate: int) -> None:
        self.workdir, self.mix_rate = workdir, mix_rate
        self.lines: list[TranscriptLine] = []
        # A resumed job's preview starts again. A listener's mark stays: it may have been left while the job was
        # still writing its script (finish and abandon remove it).
        for name in (PREVIEW_AUDIO, PREVIEW_LINES, PREVIEW_DONE):
            (workdir / name).unlink(missing_ok=True)
        self._lock = threading.Lock()  # the mix's thread writes, the watch starts the encoder
        self._process: subprocess.Popen[bytes] | None = None
        # The mix is handed over through a queue, so an encoder that falls behind (two cores, three engines)
        # never holds up the voicing: the preview lags a little instead.
        self._pending: queue.Queue[bytes | None] = queue.Queue(_BACKLOG)
        self._writer: threading.Thread | None = None
        self._spool: BinaryIO | None = None
        self._stop_watching = threading.Event()
        try:
            self._spool = (workdir / _SPOOL).open("w+b")
        except OSError as exc:  # best effort: the job goes on without a preview
            log.warning("the live preview is off for this job: %s", exc)
            return
        # Watched from a thread, not only when the next piece of mix arrives: a turn can take a while to voice.
        threading.Thread(target=self._watch, name="preview-watch", daemon=True).start()

    @property
    def encoding(self) -> bool:
        """True once someone asked for the preview and its encoder runs."""
        return self._process is not None

    def write(self, data: bytes) -> None:
        """The next samples of the mix."""
        with self._lock:
            if self._spool is not None:
                try:
                    self._spool.write(data)
                except OSError as exc:  # a full disk ends the preview, not the job
                    log.warning("the live preview stopped: %s", exc)
                    self._drop_spool()
                return
        if self._process is None:
            return
        try:
            self._pending.put_nowait(data)
        except queue.Full:  # the encoder stalled for minutes: give the preview up rather than the job
            log.warning("the live preview fell too far behind and stopped")
            self.abandon()

    def _watch(self) -> None:
        while not self._stop_watching.wait(_WATCH_SECONDS):
            if (self.workdir / PREVIEW_WANTED).exists():
                with self._lock:
                    self._start()
                return

    def _start(self) -> None:
        """Start the encoder on what the spool holds, then on the mix as it comes (called holding the lock)."""
        spool, self._spool = self._spool, None
        if spool is None:  # already started, finished or given up
            return
        try:
            spool.flush()
            spool.seek(0)
            args = ["-f", MIX_FORMAT, "-ar", str(self.mix_rate), "-ac", "1", "-i", "pipe:0",
                    "-af", _filters(self.mix_rate), "-ac", "1", "-c:a", "libmp3lame", "-b:a", f"{PREVIEW_KBPS}k",
                    "-compression_level", "9",
                    # no Xing header (it would be rewritten at the end), and every packet out at once
                    "-write_xing", "0", "-flush_packets", "1", "-f", "mp3", "-y",
                    str(self.workdir / PREVIEW_AUDIO)]
            self._process = ffmpeg.start(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        except Exception as exc:  # best effort, as the class says: the job goes on without a preview
            log.warning("the live preview could not start: %s", exc)
            spool.close()
            (self.workdir / _SPOOL).unlink(missing_ok=True)
            return
        self._writer = threading.Thread(target=self._feed, args=(spool,), name="preview", daemon=True)
        self._writer.start()

    def _feed(self, spool: BinaryIO) -> None:
        process = self._process
        assert process is not None and process.stdin is not None
        try:
            with spool:
                while block := spool.read(_SPOOL_BLOCK):
                    process.stdin.write(block)
        except (OSError, ValueError):  # the encoder died, or was stopped: the queue below is drained all the same
            pass
        finally:
            (self.workdir / _SPOOL).unlink(missing_ok=True)
        while (data := self._pending.get()) is not None:
            try:
                process.stdin.write(data)
                process.stdin.flush()
            except (OSError, ValueError):  # the encoder died, or was stopped: what arrives next is dropped
                continue

    def add_line(self, line: TranscriptLine) -> None:
        """A turn is in the preview: its transcript line joins the others."""
        self.lines.append(line)
        try:
            _replace(self.workdir / PREVIEW_LINES, json.dumps(self.lines, ensure_ascii=False).encode())
        except OSError as exc:  # a full disk costs the card its lines so far, not the job
            log.warning("the live preview's lines could not be written: %s", exc)

    def finish(self) -> None:
        """The mix is complete: let the encoder finish (starting it if someone asked just now), then mark the
        preview whole."""
        self._end_watch()
        with self._lock:
            if (self.workdir / PREVIEW_WANTED).exists():
                self._start()
            self._drop_spool()
        if self._process is not None:
            process, self._process = self._process, None
            self._pending.put(None)
            if self._writer is not None:
                self._writer.join(timeout=120)
            try:
                if process.stdin is not None:
                    process.stdin.close()
                process.wait(timeout=120)
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.warning("the live preview did not finish: %s", exc)
                process.kill()
        self._mark_whole()

    def abandon(self) -> None:
        """Stop encoding (an interrupted or failed job); whatever was encoded stays readable, marked whole."""
        self._end_watch()
        with self._lock:
            self._drop_spool()
        if self._process is not None:
            process, self._process = self._process, None
            process.kill()
            process.wait()
            with contextlib.suppress(queue.Empty):  # what was waiting will never be encoded; the writer may stop
                while True:
                    self._pending.get_nowait()
            self._pending.put(None)
        self._mark_whole()

    def _end_watch(self) -> None:
        self._stop_watching.set()

    def _mark_whole(self) -> None:
        (self.workdir / PREVIEW_WANTED).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            (self.workdir / PREVIEW_DONE).touch()

    def _drop_spool(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
            (self.workdir / _SPOOL).unlink(missing_ok=True)


def preview_lines(workdir: Path) -> list[dict[str, Any]]:
    """The transcript lines voiced so far (empty when there is no preview)."""
    try:
        lines = json.loads((workdir / PREVIEW_LINES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return lines if isinstance(lines, list) else []


def _replace(path: Path, data: bytes) -> None:
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
