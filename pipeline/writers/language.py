"""A small, offline guess at a note's language, so prompts can name it."""

from __future__ import annotations

import re
from collections import Counter

_COMMON_WORDS = {
    "English": "the and is are of to in that it for with this was on be as you not",
    "Spanish": "el la los las de que y en es por con para una un del se no como",
    "French": "le la les des et est que une un du en pour dans pas sur avec qui",
    "German": "der die das und ist nicht ein eine zu den mit von auf für sich dem",
    "Italian": "il lo la gli le di che e è un una per con non del della sono",
    "Portuguese": "o a os as de que e é um uma para com não do da em se",
    "Dutch": "de het een en is van dat niet op te met voor zijn die",
}
_WORDS = {language: set(words.split()) for language, words in _COMMON_WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: str = "the same language as the note") -> str:
    """The most likely language among a few common ones, else `default`."""
    tokens = [token.lower() for token in _TOKEN.findall(text[:20_000])]
    if not tokens:
        return default
    scores = Counter({language: sum(token in words for token in tokens) for language, words in _WORDS.items()})
    language, hits = scores.most_common(1)[0]
    return language if hits >= max(3, len(tokens) // 25) else default
