"""What the writer reads out of a note's sentences: content words, key phrases, numbers, definitions, causes,
and the author's first person turned into the third, all by pattern (no model, nothing invented)."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.writers.builtin.dictionary import is_name
from pipeline.writers.builtin.tagging import noun_phrases, opens_with_imperative, tagged
from pipeline.writers.builtin.wording import CALENDAR_NAMES, CALENDAR_SHORT_NAMES, is_dull, without_generic_label

STOPWORDS = frozenset((
    "a an the and or but if then than so of to in on at by for with from as is are was were be been being it its "
    "this that these those there here we you they he she i me my our your their them his her not no yes do does "
    "did can could should would will just also very more most some any all each into about over under which who "
    "what when where why how up out one two has have had get gets got make makes made use uses used take takes "
    "took let lets keep keeps say says said go goes went only even still much many such both other another "
    "like well really way ways same own first last next new every before after while until because since "
    "through between during without within per via may might must need needs lot lots thing things "
    "nobody somebody someone everyone everybody anyone anybody nothing something everything anything"
).split())
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*")  # letters of any alphabet ("Belém", "Zürich")
_NUMBER = re.compile(r"(?:[$€£]\s?)?\d[\d,.]*(?:\s?%|[a-z]{1,2}\b)?")  # "40 %", "1930s", "3rd"
_SCALE = frozenset("hundred thousand million billion trillion percent".split())
_COUNTED_TAGS = frozenset(("NN", "NNS", "NNP", "NNPS", "JJ"))
_RELEASE = re.compile(r"\d+(?:\.\d+)+(?![%\w])")
_DOTTED = re.compile(r"\d+(?:\.\d+)+\.?")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w+#-]*)\s$")
_BEFORE_AMOUNTS = STOPWORDS | {"around", "nearly", "almost", "roughly", "exactly", "approximately", "up", "down"}
_DEFINITION = re.compile(
    r"^(?:(?P<article>An?|The)\s+)?(?P<x>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2}?)\s+"
    r"(?:(?P<verb>is|are)\s+(?P<rest>.*)|(?P<means>means|refers to|stands for)\b)")
_BECAUSE = re.compile(r"^(?P<effect>[^,;:]+?),?\s+because\s+(?P<cause>.+)$")
_LEADING_BECAUSE = re.compile(r"^Because\s+(?P<cause>[^,]+),\s*(?P<effect>.+)$")
# the unit of an amount, which the tagger takes for part of the noun after it ("200 g flour", "2 tbsp oil")
_AMOUNT_UNIT = re.compile(r"(\d)\s?(?:g|kg|mg|ml|l|oz|lb|lbs|tsp|tbsp|cl|dl)\b\.?")
# an amount of money counts no noun: "losing $100 feels twice as bad"
_COUNT = re.compile(r"(?<![\d.$€£¥₹])\b(?P<number>\d[\d,]*)(?:\s+(?:hundred|thousand|million|billion))?\s+"
                    r"(?P<noun>[a-z]{3,}s|people|children|men|women)\b")
# Units of time measure how long or how often ("every 4 weeks", "2.6 hours"): "How many weeks?" asks nothing.
_TIME_UNITS = frozenset(("milliseconds seconds minutes hours nights days weekends weeks sprints months quarters years "
                         "decades centuries").split())
_YEAR = re.compile(r"(?:1[1-9]|20)\d\d")
# words that open an embedded question ("Why it matters", "What we measured")
WH_WORDS = frozenset("what why how when where who whom whose which whether".split())
_NOT_NAMES = STOPWORDS | WH_WORDS  # capitalised in a heading only because a clause starts there
_HEADING_CLAUSE = re.compile(r"[:;?!–—]|\s-\s|\.\s")
_TITLES = frozenset("Dr Mr Mrs Ms Mx Prof St Mt Sr Jr Capt Gen Col Lt Sgt Rev Gov Sen Rep Pres Sir Dame".split())


def content_words(text: str) -> list[str]:
    """The words that carry meaning, lowercased."""
    return [word for word in (w.lower().strip("'’-") for w in _WORD.findall(text))
            if len(word) > 2 and word not in STOPWORDS]


def stem(word: str) -> str:
    """A word without its commonest endings, so "smell", "smells" and "smelling" match (and "octopus" and
    "octopuses": endings come off until none is left)."""
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return stem(word[: -len(ending)])
    return word


def proper_words(sentences: list[str], headings: list[str] | None = None) -> set[str]:
    """Words that keep their capitals: those the note capitalises in mid-sentence (names), in its sentences and
    in its headings written in sentence case ("Q3 results for Acme Corp", but not "Octopus Intelligence"),
    acronyms, titles such as "Dr" ("Dr. Smith" opening a sentence is never "dr. Smith"), and the names that
    only ever open a sentence or a heading ("Lisbon was lovely"), when the dictionary knows them as names."""
    found: set[str] = set(_TITLES) | CALENDAR_NAMES | CALENDAR_SHORT_NAMES
    # a heading's clauses each open with a capital ("Week 3: What we learned"), and its small words are no names
    clauses = [clause for heading in headings or () for clause in _HEADING_CLAUSE.split(heading)]
    cased = [clause for heading in headings or () if _in_sentence_case(heading)
             for clause in _HEADING_CLAUSE.split(heading)]
    for sentence in sentences:
        found.update(word for index, word in enumerate(_WORD.findall(sentence))
                     if (index and word[0].isupper()) or (len(word) > 1 and word.isupper()))
    for clause in clauses:
        found.update(word for index, word in enumerate(_WORD.findall(clause))
                     if (index and word[0].isupper() and word.lower() not in _NOT_NAMES and clause in cased)
                     or (len(word) > 1 and word.isupper()))
    written_lower = {word for sentence in sentences for word in _WORD.findall(sentence) if word.islower()}
    openers = {words[0] for text in (*sentences, *clauses) if (words := _WORD.findall(text))}
    found.update(word for word in openers - found
                 if word[0].isupper() and not word.isupper() and word.lower() not in written_lower
                 and word.lower() not in _NOT_NAMES and is_name(word))
    found.discard("I")
    return found


def _in_sentence_case(heading: str) -> bool:
    """Some word besides the first is a lowercase content word, so capitals after the first are names."""
    return any(word.islower() and word not in STOPWORDS and len(word) > 3 for word in _WORD.findall(heading)[1:])


def _keeps_capital(found: re.Match[str], proper: set[str]) -> bool:
    """A name, an acronym, "I", letters glued to a number ("Q3", "H2"), or a name before its version number
    ("Python 3.13")."""
    word, text, end = found.group(), found.string, found.end()
    release = _RELEASE.match(text, end + 1) if text[end:end + 1] == " " else None
    return (word in proper or word == "I" or (len(word) > 1 and word.isupper()) or text[end:end + 1].isdigit()
            or (release is not None and names_release(text, release)))


def lower_first(text: str, proper: set[str]) -> str:
    """`text` with its first letter lowered, unless it starts with a name (or its first word), an acronym, a
    number or "I"."""
    first = _WORD.match(text)
    if first is None or _keeps_capital(first, proper):
        return text
    following = _WORD.match(text, first.end() + 1) if text[first.end():first.end() + 1] == " " else None
    if following is not None and following.group() in proper and following.group()[0].isupper() \
            and first.group().lower() not in STOPWORDS:
        return text  # the first word of a name: "Atomic Habits", "New York"
    return text[0].lower() + text[1:]


def with_article(phrase: str, sentence: str, proper: set[str]) -> str:
    """A key phrase of `sentence` as a question names it: a singular common noun takes "the" ("the new plant",
    "the 2nd half"); plurals ("spot instances", "hundreds"), names and acronyms ("NPS", "Acme Corp") stay bare."""
    head = phrase.split()[-1]
    if head in proper or (len(head) > 1 and head.isupper()):
        return phrase
    tags = [tag for token, tag in tagged(sentence) if token.lower() == head.lower()]
    return f"the {phrase}" if tags and tags[-1] == "NN" else phrase


def upper_first(text: str) -> str:
    """`text` starting with a capital."""
    return text[:1].upper() + text[1:]


def sentence_case(heading: str, proper: set[str]) -> str:
    """A Title Case heading as it would be said in a sentence: "Octopus Intelligence" → "octopus intelligence"."""
    return _WORD.sub(lambda found: found.group() if _keeps_capital(found, proper) else found.group().lower(),
                     heading).strip().rstrip(".!:;")


def is_wh_phrase(heading: str) -> bool:
    """A heading such as "Why it matters" or "How we fixed it": it reads as an embedded question."""
    first = _WORD.match(heading)
    return first is not None and first.group().lower() in WH_WORDS and not heading.endswith("?")


def key_phrase(sentence: str, frequency: Counter[str], proper: set[str], longest: int = 3) -> str | None:
    """The sentence's most central noun phrase (at most `longest` words): the one whose words recur most in the
    note, with names keeping their capitals. A label ("Tip: keep the bedroom cool") is no part of what it says."""
    best: tuple[float, str] | None = None
    sentence = without_generic_label(sentence)  # "Tip: …", not "Churn: 3.1%"
    sentence = _AMOUNT_UNIT.sub(r"\1", sentence)  # "200 g flour": the flour
    for phrase in noun_phrases(sentence, longest):
        if any(is_dull(word) for word in phrase.split()):
            continue
        words = [w for w in phrase.split() if w.lower() not in STOPWORDS and len(w) > 2]
        if not words:
            continue
        score = sum(frequency[w.lower()] for w in words) + 0.5 * len(words) + (1.0 if " " in phrase else 0.0)
        if best is None or score > best[0]:
            best = (score, " ".join(w if w in proper or (w.isupper() and len(w) > 1) else w.lower()
                                    for w in phrase.split()))
    return best[1] if best else None


# a comma inside "9,000" is not a clause break
_CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|[;:(]|\s[-–—]\s"
                           r"|\s(?:because|which|that|so|but|while|although|when|where|as|and)\s")
# a clause starting so leans on the sentence before it
_CLAUSE_WORDS = 10
_CURRENCIES = frozenset("$€£¥₹")
_NOUNISH = frozenset(("NN", "NNS", "NNP", "NNPS", "JJ", "CD"))
_FRAGMENT_OPENERS = frozenset("in on at for with after before when if as by from to during once since it this that "
                              "these those he she".split())


def first_clause(sentence: str, proper: set[str]) -> str | None:
    """The opening clause, when it says something on its own and is clearly shorter than the sentence: "An
    octopus has 500 million neurons, as many as a dog" → "an octopus has 500 million neurons"."""
    found = None
    for candidate in _CLAUSE_BREAK.finditer(sentence):
        if sentence.count(" ", 0, candidate.start()) >= _CLAUSE_WORDS:
            return None  # a longer clause is no shorter way to say it
        if not _joins_nouns(sentence, candidate):
            found = candidate
            break
    if found is None:
        return None
    clause = sentence[:found.start()].strip().rstrip(".!?")
    words = clause.split()
    if (not 4 <= len(words) <= _CLAUSE_WORDS or len(words) > len(sentence.split()) - 2
            or words[0].lower() in _FRAGMENT_OPENERS):
        return None
    last = tagged(clause)[-1][1]
    if last.startswith("VB"):  # "the book argues", cut before "that …": what it argues is the point
        return None
    return lower_first(clause, proper)


def _joins_nouns(sentence: str, found: re.Match[str]) -> bool:
    """Whether a break at "and" falls inside one noun phrase ("just flour and water"), where cutting would
    change what the clause says."""
    if found.group().strip() != "and":
        return False
    before = sentence[sentence.rfind(" ", 0, found.start()) + 1:found.start()]
    after_end = sentence.find(" ", found.end())
    after = sentence[found.end():after_end if after_end >= 0 else len(sentence)].rstrip(".,;:!?")
    if not before or not after:
        return False
    tags = dict(tagged(sentence))
    return tags.get(before, "").startswith("NN") and tags.get(after, "") in _NOUNISH


def number_phrase(sentence: str) -> str | None:
    """The first number with the words that say what it counts: "500 million neurons", "220 grams"."""
    match = next((m for m in _NUMBER.finditer(sentence) if not names_release(sentence, m)), None)
    if match is None:
        return None
    tail = sentence[match.end():].split()
    words = [match.group().rstrip(",.")]
    if tail and tail[0].startswith("-"):
        return None  # "30-day warning": the number is part of a word
    # what a number counts is a noun or an adjective before one ("5.7 reached end" counts nothing)
    counting = {token for token, tag in tagged(sentence) if tag in _COUNTED_TAGS}
    for word in tail[:3] if "%" not in words[0] else ():  # "12.5% year over year": a share says what it is
        clean = word.strip(",.;:!?()")
        # the tagger takes some plurals for verbs ("5 builds"): one right after the number counts
        plural = len(words) == 1 and clean.endswith("s") and len(clean) > 3 and words[0][:1] not in _CURRENCIES
        if not clean or clean.lower() in STOPWORDS - _SCALE or not (clean in ("°C", "°F", "℃", "℉") or (
                clean.isalpha() and (clean in counting or clean.lower() in _SCALE or plural))):
            break
        words.append(clean)
        if word != clean:  # punctuation closes the phrase
            break
    bare = len(words) == 1 and not re.search(r"[%$€£]", words[0])
    return None if bare else " ".join(words)  # a number alone says nothing when echoed


def names_release(text: str, number: re.Match[str]) -> bool:
    """Whether `number`, found in `text`, is a release: dotted, after "version" or a name ("Python 3.13"). An
    amount after a sentence's first word ("Add 1.5 cups") or a word such as "about" is none."""
    if not _DOTTED.fullmatch(number.group()):
        return False
    before = _WORD_BEFORE.search(text, max(0, number.start() - 40), number.start())
    if before is None:
        return False
    word, at = before.group(1), before.start(1)
    if word.lower() in ("version", "release", "v"):
        return True
    if not word[0].isupper() or word.lower() in _BEFORE_AMOUNTS:
        return False
    opens = at == 0 or text[max(0, at - 3):at].rstrip()[-1:] in (".", "!", "?", ":")
    return not (opens and opens_with_imperative(text[at:at + 80]))


def counted_noun(sentence: str) -> str | None:
    """What a bare count counts, for "How many …?": "500 million neurons" → "neurons"."""
    for match in _COUNT.finditer(sentence):
        # "3 times as many" counts nothing; "in 2020 people started…" is a year
        noun = match.group("noun")
        if noun in STOPWORDS | _SCALE | _TIME_UNITS | {"times"} or _YEAR.fullmatch(match.group("number")):
            continue
        return noun
    return None


def definition(sentence: str, proper: set[str]) -> tuple[str, str] | None:
    """(question verb, term) when the sentence defines a term: "Chromatophores are pigment cells" → ("are",
    "chromatophores"); "SLO means …" → ("means", "SLO")."""
    found = _DEFINITION.match(sentence)
    if found is None:
        return None
    term = found.group("x")
    if any(word.lower() in STOPWORDS or word.endswith("ly") for word in term.split()):
        return None  # "Rolling back simply means …": an adverb is not part of a term
    if found.group("verb") and not _names_a_kind(found.group("rest")):
        return None  # "Latency is high" describes latency; it does not say what latency is
    verb = found.group("verb") or "means"
    article = (found.group("article") or "").lower()
    return verb, f"{article} {sentence_case(term, proper)}".strip()


def _names_a_kind(complement: str) -> bool:
    """Whether what follows "is"/"are" starts a noun phrase ("a target…", "pigment cells…")."""
    tags = [tag for _, tag in tagged(complement)[:3]]
    if not tags or complement[:1].isdigit():  # "80% done" is a state, not a kind
        return False
    if tags[0] == "DT" or tags[0].startswith("NN"):
        return True
    return tags[0] == "JJ" and len(tags) > 1 and tags[1].startswith("NN")


def cause(sentence: str, proper: set[str]) -> tuple[str, str] | None:
    """(effect, cause) when the sentence gives a reason with "because"; the effect is at least three words."""
    found = _BECAUSE.match(sentence) or _LEADING_BECAUSE.match(sentence)
    if found is None:
        return None
    effect, reason = found.group("effect").strip(), found.group("cause").strip()
    if len(effect.split()) < 3 or len(reason.split()) < 2 or effect.lower().startswith(("and ", "but ", "so ")):
        return None
    if tagged(effect)[0][1] in ("VB", "VBP", "MD"):
        return None  # "Let the loaf cool, because …" is advice: "How come let the loaf cool?" asks nothing
    return lower_first(effect.rstrip(".!?"), proper), reason
