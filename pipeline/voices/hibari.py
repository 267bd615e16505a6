"""The embedded hibari voice (`hibari-tts`): `heart`, the one voice inside its wheel. Its other voices are
downloaded on first use, so Notecast never offers them (nothing may download at run time)."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from errors import VoiceError

if TYPE_CHECKING:
    from hibari import Hibari

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # as for Piper: no state outside the data directory

BUNDLED_VOICE = "heart"
_SENTENCE_GAP_SECONDS = 0.2  # the same breath between sentences as the Piper voice takes
# hibari's synthesis adds a little noise drawn from a generator; a fixed seed makes a turn's audio the same
# every time, which the segment cache and the episode cache rely on.
_SEED = 20_240_301


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
        self._lock = threading.Lock()

    def cache_identity(self) -> str:
        """Engine version, voice, rate, seed and sentence gap."""
        if self._identity is None:
            from importlib.metadata import version

            self._identity = (f"hibari-{version('hibari-tts')}|{BUNDLED_VOICE}|rate={self.sample_rate}|"
                              f"seed={_SEED}|gap={_SENTENCE_GAP_SECONDS}|speed=1.0")
        return self._identity

    def warm_up(self) -> None:
        """Load the model and its phonemizer now, so the first turn does not wait for them."""
        with self._lock:
            self._loaded().phonemize("Ready.")

    def synthesize(self, text: str) -> bytes:
        """Speak `text`; sentences are separated by a short breath."""
        import numpy as np

        with self._lock:
            model = self._loaded()
            try:
                rng = np.random.default_rng(_SEED)
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

    def _loaded(self) -> Hibari:
        if self._model is None:
            try:
                from hibari import Hibari
                from hibari.voices import voice_path

                # download_missing=False: the bundled file or an error, never a network fetch
                path = voice_path(BUNDLED_VOICE, download_missing=False)
                self._model = Hibari(voice=BUNDLED_VOICE, model=path, threads=self.threads)
            except Exception as exc:
                raise VoiceError(f"The bundled hibari voice could not be loaded: {exc}") from exc
        return self._model
