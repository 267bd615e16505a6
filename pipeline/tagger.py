"""The part-of-speech tagger inside the hibari-tts wheel, loaded once per process and packed. The built-in writer
reads notes with it, and the hibari voice's phonemizer picks between readings with it ("read", "live")."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

_HOT_FEATURES = 8192  # rows kept unpacked: the bias, shapes and common words recur in every sentence
_loading = threading.Lock()  # the writer and a voice warming up may both ask first: one copy, loaded once


def shared_tagger() -> Any:
    """hibari's averaged-perceptron tagger (Penn Treebank tags), from the wheel (no download), its weights packed:
    as loaded they are 80,000 small dicts, about 55 MB; packed, about 15. The tags are the same."""
    with _loading:
        return _load()


@cache
def _load() -> Any:
    from hibari.g2p import _load_json
    from hibari.g2p.tagger import Tagger

    tagger = Tagger(_load_json("tagger.json.gz"))
    tagger.weights = PackedWeights(tagger.weights)
    return tagger


class PackedWeights:
    """feature → {tag: weight}, as the tagger reads it (`get`), from three flat arrays instead of a dict per
    feature. Each row keeps its weights in their original order, so the sums, and so the tags, are the same."""

    def __init__(self, weights: Mapping[str, Mapping[str, float]]) -> None:
        self.tags = sorted({tag for row in weights.values() for tag in row})
        code = {tag: index for index, tag in enumerate(self.tags)}
        # new key strings: the loaded ones sit among the dicts' floats, and would keep that memory from going back
        self.rows = {feature.encode().decode(): index for index, feature in enumerate(weights)}
        self.bounds = array("I", [0])
        codes, self.values = bytearray(), array("d")
        for row in weights.values():
            codes.extend(code[tag] for tag in row)
            self.values.extend(row.values())
            self.bounds.append(len(self.values))
        self.codes = bytes(codes)
        self.get = lru_cache(maxsize=_HOT_FEATURES)(self._unpacked)

    def _unpacked(self, feature: str) -> dict[str, float] | None:
        index = self.rows.get(feature)
        if index is None:
            return None
        start, end = self.bounds[index], self.bounds[index + 1]
        return dict(zip([self.tags[code] for code in self.codes[start:end]], self.values[start:end], strict=True))
