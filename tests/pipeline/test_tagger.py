"""The shared tagger: packed weights that tag exactly as hibari's own tagger does."""

from __future__ import annotations

import re

from hibari.g2p import _load_json
from hibari.g2p.tagger import Tagger

from pipeline.tagger import PackedWeights, shared_tagger
from tests.notes import SHORT_NOTE, field_guide, widget_facts


def test_packed_weights_tag_every_word_as_the_loaded_ones_do() -> None:
    own = Tagger(_load_json("tagger.json.gz"))
    text = " ".join([SHORT_NOTE, field_guide(), widget_facts(3, 10)])
    sentences = [re.findall(r"\w+|[^\w\s]", sentence) for sentence in re.split(r"(?<=[.!?])\s+", text)]
    assert sum(len(words) for words in sentences) > 5_000
    assert [own(words) for words in sentences] == [shared_tagger()(words) for words in sentences]


def test_every_packed_row_is_the_loaded_row_in_its_order() -> None:
    loaded = _load_json("tagger.json.gz")["weights"]
    packed = PackedWeights(loaded)
    assert all(list(packed.get(feature).items()) == list(row.items()) for feature, row in loaded.items())


def test_a_packed_row_is_the_row_it_was_made_from_in_its_order() -> None:
    weights = {"b": {"NN": 1.5, "VB": -0.2, "JJ": 0.1}, "w=cat": {"NN": 2.0}}
    packed = PackedWeights(weights)
    assert list(packed.get("b").items()) == list(weights["b"].items())
    assert packed.get("w=cat") == {"NN": 2.0}
    assert packed.get("w=unseen") is None
