"""Pass 2 for a job: the early encode when it held, otherwise the premaster measured (if it was not) and encoded,
again if the encoder moved the loudness or the peaks off target."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.audio.early import EarlyEncode
from pipeline.audio.mastering import AudioFormat, Correction, Loudness, correction, measure_premaster
from pipeline.audio.mix import MixedEpisode
from pipeline.episode.finishing import Labels, finish_audio, tag_audio
from pipeline.episode.transcripts import chapters_from
from store.records import Transcript

log = logging.getLogger(__name__)
# Encodes after the first, each correcting what the last one read back. Nearly every episode needs none; an
# encoder overshoot on a few onsets is met by the first; a second is there for the one it does not settle.
_CORRECTIONS = 2


def encoded(job_id: str, transcript: Transcript, seconds: float, measured: Loudness | None,
            early: EarlyEncode | None, premaster: Path, fmt: AudioFormat, labels: Labels, out: Path
            ) -> tuple[Loudness, float, float]:
    """The episode encoded and tagged at `out`, from the premaster whose loudness pass 1 `measured` (None when
    it was not measured: a spliced edit). Returns the loudness and length read back, and the
    premaster's loudness (measured, or as the early encode's read-back implies it)."""
    premaster_lufs = measured.integrated if measured is not None else None
    if early is not None:
        try:
            loudness, duration = early.finish()
        except Exception as exc:  # any failure of it: the usual pass 2 below says whether the audio is at fault
            log.warning("job %s: the early encode failed (%s); encoding from the premaster", job_id, exc)
        else:
            if early.confirmed(premaster_lufs, loudness):
                tag_audio(out, fmt, labels, chapters_from(transcript), seconds)
                estimate = premaster_lufs if premaster_lufs is not None else early.premaster_estimate(loudness)
                return loudness, duration, estimate
            log.info("job %s: the early encode came out at %.1f LUFS (premaster predicted at %.2f, measured at %s);"
                     " encoding from the premaster", job_id, loudness.integrated, early.predicted_lufs,
                     premaster_lufs)
    measured = measured or measure_premaster(premaster, fmt.sample_rate)
    mixed = MixedEpisode(transcript, seconds, measured)
    loudness, duration = finish_audio(premaster, mixed, fmt, labels, out)
    corrected = Correction()
    for _ in range(_CORRECTIONS):
        more = correction(loudness)
        if more is None:
            break
        log.info("job %s: the encoder moved the episode to %.1f LUFS, %.1f dBTP; encoding once more", job_id,
                 loudness.integrated, loudness.true_peak)
        corrected = corrected.then(more)
        loudness, duration = finish_audio(premaster, mixed, fmt, labels, out, corrected)
    return loudness, duration, measured.integrated
