"""Pass 2's second encode: what it corrects when the first one read back off target."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.audio.mastering import TARGET_TRUE_PEAK, Correction, Loudness, audio_format, correction, encode
from pipeline.audio.premaster import Premaster
from tests.pipeline.audio.test_mixing import RATE, babble


def _read(integrated: float, true_peak: float) -> Loudness:
    return Loudness(integrated=integrated, true_peak=true_peak, range=1.5, threshold=integrated - 10)


def test_an_encode_on_target_needs_no_correction() -> None:
    assert correction(_read(-16.0, -2.9)) is None
    assert correction(_read(-16.4, -1.6)) is None


def test_peaks_the_encoder_pushed_over_lower_the_limiter_not_the_loudness() -> None:
    # seen on an AAC episode: -16.1 LUFS, -0.3 dBTP; the gain used to be lowered 1.3 dB, and at -0.3 dBTP the next
    # encode could still be over while now quiet (-18.2 LUFS, -1.4 dBTP in one run)
    corrected = correction(_read(-16.1, -0.3))
    assert corrected is not None and corrected.gain_db == 0.0
    assert corrected.ceiling_cut_db == pytest.approx(-0.3 - TARGET_TRUE_PEAK + 0.3)


def test_a_quiet_encode_is_lifted_whole_when_the_limiter_holds_its_peaks() -> None:
    corrected = correction(_read(-20.4, -2.8))  # peaks at the limiter already: a lift cannot raise them far
    assert corrected == Correction(gain_db=pytest.approx(4.4), ceiling_cut_db=0.0)
    loud = correction(_read(-14.0, -2.0))
    assert loud == Correction(gain_db=pytest.approx(-2.0), ceiling_cut_db=0.0)
    # a peak already over stays the worse after a lift: the ceiling comes down by what the lift would add too
    both = correction(_read(-18.2, -1.4))
    assert both is not None and both.gain_db == pytest.approx(2.2) and both.ceiling_cut_db > 0


def test_corrections_add_up_and_the_ceiling_never_falls_past_its_limit() -> None:
    total = Correction(1.0, 3.0).then(Correction(-0.5, 3.0))
    assert total.gain_db == pytest.approx(0.5) and total.ceiling_cut_db == 4.0


def test_a_lower_ceiling_lowers_the_peaks_and_keeps_the_loudness(tmp_path: Path) -> None:
    speech = babble(8, 0.05, 4)
    speech[::RATE // 2] = 0.9  # peaks that reach the limiter, as a few onsets do
    fmt = audio_format("m4a", 96)
    premaster = Premaster(tmp_path / "premaster.pcm", RATE, fmt.sample_rate)
    premaster.write(speech.astype("<f4").tobytes())
    measured = premaster.finish()
    plain, _ = encode(tmp_path / "premaster.pcm", fmt.sample_rate, 8.0, measured, tmp_path / "a.m4a", fmt)
    cut, _ = encode(tmp_path / "premaster.pcm", fmt.sample_rate, 8.0, measured, tmp_path / "b.m4a", fmt,
                    corrected=Correction(0.0, 2.0))
    assert cut.true_peak <= plain.true_peak - 1.0, (plain, cut)
    assert abs(cut.integrated - plain.integrated) <= 0.6, (plain, cut)
