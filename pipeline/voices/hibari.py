"""The embedded hibari voice (`hibari-tts`): `heart`, the one voice inside its wheel. Its other voices are
downloaded on first use, so Notecast never offers them (nothing may download at run time)."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from errors import VoiceError
from pipeline.tagger import shared_tagger

if TYPE_CHECKING:
    from hibari import Hibari
    from onnxruntime import InferenceSession

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # as for Piper: no state outside the data directory

BUNDLED_VOICE = "heart"
_SENTENCE_GAP_SECONDS = 0.2  # the same breath between sentences as the Piper voice takes
# hibari's synthesis adds a little noise drawn from a generator; a fixed seed makes a turn's audio the same
# every time, which the segment cache and the episode cache rely on.
SEED = 20_240_301


def downloads_on_first_use(voice: str) -> bool:
    """True for a hibari voice that is not inside the package (hibari would fetch it from the network)."""
    from hibari.voices import VOICES

    return voice in VOICES and not VOICES[voice].get("bundled", False)


class HibariVoice:
    """hibari's bundled `heart` voice (US English, female), 24 kHz."""

    name = f"hibari:{BUNDLED_VOICE}"
    sample_rate = 24_000
    # One turn at a time in this voice; the other host's voice runs beside it on the other core.
    concurrency = 1

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._model: Hibari | None = None
        self._identity: str | None = None
        self._loading = threading.Lock()
        self._lock = threading.Lock()  # hibari's phonemizer and session are used by one thread at a time

    def cache_identity(self) -> str:
        """Engine version, voice, rate, seed and sentence gap."""
        if self._identity is None:
            from importlib.metadata import version

            self._identity = (f"hibari-{version('hibari-tts')}|{BUNDLED_VOICE}|rate={self.sample_rate}|"
                              f"seed={SEED}|gap={_SENTENCE_GAP_SECONDS}|speed=1.0")
        return self._identity

    def warm_up(self) -> None:
        """Load the model and its phonemizer now, so the first turn does not wait for them."""
        model = self.loaded()
        with self._lock:
            model.phonemize("Ready.")

    def synthesize(self, text: str) -> bytes:
        """Speak `text`; sentences are separated by a short breath."""
        import numpy as np

        model = self.loaded()
        with self._lock:
            try:
                rng = np.random.default_rng(SEED)
                sentences = [model.from_ids(model.ids(phonemes), 1.0, rng) for phonemes in model.phonemize(text)]
            except Exception as exc:  # onnxruntime and the phonemizer raise bare errors
                raise VoiceError(f"hibari could not voice a turn: {exc}") from exc
        sentences = [audio for audio in sentences if len(audio)]
        if not sentences:
            raise VoiceError("hibari produced no audio for a turn")
        gap = np.zeros(int(self.sample_rate * _SENTENCE_GAP_SECONDS), dtype=np.float32)
        joined = np.concatenate([part for audio in sentences for part in (gap, audio)][1:])
        pcm: bytes = (np.clip(joined, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        return pcm

    def loaded(self) -> Hibari:
        """The model, loading it now if this is the first use."""
        with self._loading:
            if self._model is None:
                try:
                    from hibari import Hibari
                    from hibari.g2p import G2P
                    from hibari.voices import VOICES, voice_path

                    # download_missing=False: the bundled file or an error, never a network fetch
                    path = voice_path(BUNDLED_VOICE, download_missing=False)
                    tagger = shared_tagger()  # first, so the phonemizer's own copy is the last thing loaded
                    phonemizer = G2P(british=VOICES[BUNDLED_VOICE]["british"])
                    phonemizer.tagger = tagger  # the writer's copy: its own would be 55 MB more, for the same tags
                    model = Hibari(voice=BUNDLED_VOICE, model=path, threads=self.threads, g2p=phonemizer)
                    model.sess = _lean_session(path, self.threads)
                    self._model = model
                except Exception as exc:
                    raise VoiceError(f"The bundled hibari voice could not be loaded: {exc}") from exc
            return self._model


def _lean_session(path: str, threads: int) -> InferenceSession:
    """The model's session without onnxruntime's arena and memory patterns, as for Piper: hibari's own keeps its
    largest sentence's buffers for good (about 40 MB more at the worker's peak, where both engines run), for about
    6 % of hibari's speed, a fraction of a percent of an episode's. The audio is the same, sample for sample."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
