"""The `openai` voice: OpenAI TTS (or a compatible server), one voice per host, long turns split at sentences."""

from __future__ import annotations

import openai

from errors import VoiceError
from pipeline.ffmpeg import decode_to_pcm
from pipeline.openai_client import classifier, make_client, retry_policy
from pipeline.retry import call_with_retries
from pipeline.sentences import split_sentences
from settings import Settings

# OpenAI's speech endpoint takes at most 4,096 characters; stay below it with room for multi-byte text.
TTS_INPUT_LIMIT = 4_000


def split_for_tts(text: str, limit: int = TTS_INPUT_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at sentence boundaries where possible."""
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        joined = f"{current} {sentence}".strip()
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = sentence
    if current:
        pieces.append(current)
    return pieces


# The voices of OpenAI's speech endpoint; a compatible server's own voices are added with OPENAI_VOICES.
OPENAI_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse")


class OpenAIVoice:
    """One voice of `/v1/audio/speech` (OpenAI or a compatible server), decoded to PCM with the bundled ffmpeg.
    It speaks the language of the text it is given."""

    sample_rate = 24_000

    def __init__(self, settings: Settings, voice: str, client: openai.OpenAI | None = None) -> None:
        self.voice, self.name = voice, f"openai:{voice}"
        self.model = settings.openai_tts_model
        self.base_url = settings.openai_base_url or "https://api.openai.com/v1"
        self.concurrency = settings.tts_concurrency
        self.client = client or make_client(settings)
        self.policy = retry_policy(settings)
        self.classify = classifier(VoiceError, settings.openai_api_key)

    def synthesize(self, text: str) -> bytes:
        """PCM for `text` in this voice."""
        return b"".join(self._speak(piece) for piece in split_for_tts(text))

    def cache_identity(self) -> str:
        """Server, model and voice: the same text through another of these sounds different."""
        return f"openai|{self.base_url}|{self.model}|{self.voice}|mp3|rate={self.sample_rate}"

    def warm_up(self) -> None:
        """Nothing to load: the voice lives on the server."""

    def _speak(self, piece: str) -> bytes:
        def action() -> bytes:
            response = self.client.audio.speech.create(model=self.model, voice=self.voice, input=piece,
                                                       response_format="mp3")
            return decode_to_pcm(response.content, self.sample_rate)

        return call_with_retries(action, self.classify, self.policy, "OpenAI speech call")
