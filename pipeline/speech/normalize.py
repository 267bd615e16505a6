"""A turn's display text as the words a voice should say: no Markdown, links said briefly, no emoji, abbreviations
spelled out, numbers and symbols as words, sentence punctuation kept so the voice still phrases naturally."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from pipeline.speech.numbers import speak_numbers

# Part of the cache key for synthesised audio: bump it whenever a rule changes, so old audio is never reused.
NORMALISER_VERSION = "8"

_Replacement = str | Callable[[re.Match[str]], str]
_Passes = tuple[tuple[str | tuple[str, ...], re.Pattern[str], _Replacement], ...]

_HEADING = re.compile(r"^#{1,6}\s+(.*)$")  # closing #s stripped after: a lazy pattern backtracks over long spaces
_LIST_ITEM = re.compile(r"^(?:>\s?)*(?:[-*+•]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^(?:>\s?)+(?![\d=])")  # ">90%" is a comparison, not a quote
# Horizontal rules, table separator rows and code fences say nothing.
_SILENT_LINE = re.compile(r"^(?:([-*_])(?:\s*\1){2,}|\|?(?:\s*:?-{2,}:?\s*\|)+\s*(?::?-{2,}:?)?\s*|```.*)$")
_STOPS = ".,;:!?"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"{_LABEL}(?:\.{_LABEL})+"
# A path may hold balanced brackets ("/wiki/Mercury_(planet)") but never ends on sentence punctuation.
_PATH_TAIL = r"(?:(?:[^\s<>\"()]|\([^\s<>\"()]*\))*(?:[^\s<>\"'.,;:!?()\]]|\([^\s<>\"()]*\)))?"
_PATH = rf"(?:[/?#]{_PATH_TAIL})?"
# Without a scheme or "www", only these endings make a word a web address ("Node.js" and "e.g." are not).
_TLDS = "com|org|net|io|dev|ai|app|co|edu|gov|uk|de|fr|eu|us|ca|au|nl|info|me|tv|fm|ly|sh|gg|xyz|tech|blog|news|page"

_KEEP = frozenset("°")
# Joiners, variation selectors, keycaps, skin tones and tag characters only ever glue emoji together.
_EMOJI_GLUE = frozenset(["\u200d", "\ufe0e", "\ufe0f", "\u20e3"])
_FRACTIONS = {"½": ("a half", "one half"), "¼": ("a quarter", "one quarter"), "¾": ("three quarters", "three quarters"),
              "⅓": ("a third", "one third"), "⅔": ("two thirds", "two thirds")}
_PLACE_CUE = re.compile(r"\b(?:at|on|visit|via|from)\s+$", re.IGNORECASE)
_MAIL_CUE = re.compile(r"\be-?mail\s+$", re.IGNORECASE)
_PER = {"s": "second", "sec": "second", "min": "minute", "h": "hour"}
_PER_UNITS = {"mo": "month", "yr": "year", "wk": "week", "hr": "hour"}
_COMPARISONS = {"<": " at most ", ">": " at least ", "!": " does not equal ", "=": " equals "}
# Symbols said the same wherever they stand; the ones whose reading depends on their neighbours are passes.
_SAID_SYMBOLS = str.maketrans({
    "²": " squared", "³": " cubed", "→": " to ", "⟶": " to ", "⇒": " to ", "≤": " at most ", "≥": " at least ",
    "≠": " does not equal ", "<": " less than ", ">": " more than ", "&": " and ", "+": " plus ",
    "±": " plus or minus ", "×": " times ", "÷": " divided by ", "^": " to the power of ", "%": " percent",
    "°": " degrees", "|": ", ", "•": ", ", "·": ", ",
} | {character: " " for character in "*_\\[]{}`$€£¥₹@/#~≈∼⁰¹⁴⁵⁶⁷⁸⁹"})


def _domain(match: re.Match[str]) -> str:
    return match["domain"].replace(".", " dot ")


def _after(match: re.Match[str], cue: re.Pattern[str]) -> bool:
    return cue.search(match.string, max(0, match.start() - 8), match.start()) is not None


def _link(match: re.Match[str]) -> str:
    # "Read it at https://…" already says where: "a link to" would be one phrase too many.
    return _domain(match) if _after(match, _PLACE_CUE) else f"a link to {_domain(match)}"


def _email(match: re.Match[str]) -> str:
    return f"{'an address' if _after(match, _MAIL_CUE) else 'an e-mail address'} at {_domain(match)}"


def _bare_domain(match: re.Match[str]) -> str:
    return _link(match) if match["path"] else _domain(match)


def _unmark_lines(text: str) -> str:
    """Drop heading, list, quote and table markers, ending each heading or item so the voice pauses after it."""
    lines: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _SILENT_LINE.match(line):
            continue
        if heading := _HEADING.match(line):
            text = heading[1].rstrip()
            closed = text.rstrip("#")
            lines.append((closed.rstrip() if closed != text and (not closed or closed[-1].isspace()) else text, "."))
        elif line.startswith("|") and line.endswith("|") and len(line) > 1:
            lines.append((line.strip("|").strip(), "."))
        elif item := _LIST_ITEM.match(line):
            lines.append((line[item.end():], ","))
        else:
            lines.append((_QUOTE.sub("", line), ""))
    spoken: list[str] = []
    for index, (line, stop) in enumerate(lines):
        following = lines[index + 1][1] if index + 1 < len(lines) else None
        if stop and following is not None and line and line[-1] not in _STOPS:
            line += "," if stop == "," and following == "," else "."
        spoken.append(line)
    return " ".join(spoken)


def _is_pictograph(character: str) -> bool:
    if character in _EMOJI_GLUE or 0x1F3FB <= ord(character) <= 0x1F3FF or 0xE0020 <= ord(character) <= 0xE007F:
        return True
    return character not in _KEEP and unicodedata.category(character) == "So"


def _drop_pictographs(text: str) -> str:
    if text.isascii():
        return text
    text = text.replace("℃", "°C").replace("℉", "°F").replace("№", "number ")
    return "".join(character for character in text if not _is_pictograph(character))


def _fraction(match: re.Match[str]) -> str:
    after_number, alone = _FRACTIONS[match[2]]
    return f"{match[1]} and {after_number}" if match[1] else alone


def _run(passes: _Passes, text: str) -> str:
    for gate, pattern, replacement in passes:
        # Most turns hold few symbols: skip a pass whose gate (characters or substrings) is absent.
        if not gate or any(map(text.__contains__, gate)):
            text = pattern.sub(replacement, text)
    return text


_MARKDOWN: _Passes = (
    ("![", re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (("](", "]["), re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])"), r"\1"),
    ("<", re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>"), r"\1"),
    ("<", re.compile(r"</?[A-Za-z][^<>]*>"), " "),
    ("`", re.compile(r"`+([^`]+)`+"), r"\1"),
    (("**", "__", "~~"), re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    ("*", re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    ("_", re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
)
_LINKS: _Passes = (
    ("@", re.compile(rf"(?:mailto:)?[\w.+-]+@(?P<domain>{_DOMAIN})"), _email),
    ("://", re.compile(rf"\b(?:https?|ftp)://(?:www\.)?(?P<domain>{_LABEL}(?:\.{_LABEL})*)(?::\d+)?{_PATH}"), _link),
    ("www.", re.compile(rf"\bwww\.(?P<domain>{_DOMAIN})(?::\d+)?{_PATH}"), _link),
    (tuple(f".{tld}" for tld in _TLDS.split("|")),
     re.compile(rf"(?<![\w@./-])(?P<domain>(?:{_LABEL}\.)+(?:{_TLDS}))(?![\w-])(?P<path>/{_PATH_TAIL})?"),
     _bare_domain),
)
_TITLES = {"Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Prof": "Professor", "St": "Saint",
           "Mt": "Mount", "Jr": "Junior"}
_ABBREVIATIONS: _Passes = (
    (("e.g.", "E.g."), re.compile(r"\b([Ee])\.g\."), lambda match: "For example" if match[1] == "E" else "for example"),
    (("i.e.", "I.e."), re.compile(r"\b([Ii])\.e\."), lambda match: "That is" if match[1] == "I" else "that is"),
    # "etc." keeps its dot where it also ends the sentence.
    (("etc",), re.compile(r"\betc\.(?=\s+[\"'(]?[A-Z]|\s*$)"), "et cetera."),
    (("etc",), re.compile(r"\betc\b\.?"), "et cetera"),
    (("vs", "Vs", "v."), re.compile(r"\b([Vv])s\b\.?|(?<=\s)v\.(?=\s+[A-Z])"),
     lambda match: "Versus" if match[1] == "V" else "versus"),
    (("pprox",), re.compile(r"\b([Aa])pprox\b\.?"), r"\1pproximately"),
    (("aka", "a.k.a."), re.compile(r"\ba\.k\.a\.|\baka\b"), "also known as"),
    (("and/or",), re.compile(r"\band/or\b"), "and or"),
    (("w/",), re.compile(r"\bw/o\b"), "without"),
    (("w/",), re.compile(r"\bw/(?=\s)"), "with"),
    (("cf.",), re.compile(r"\bcf\.(?=\s)"), "compare"),
    (("et al",), re.compile(r"\bet al\.?"), "and others"),
    (tuple(_TITLES), re.compile(r"\b(" + "|".join(sorted(_TITLES, key=len, reverse=True)) + r")\.?(?=\s+[A-Z])"),
     lambda match: _TITLES[match[1]]),
    (("No.", "no.", "#"), re.compile(r"\b[Nn]o\.\s?(?=\d)|#\s?(?=\d)"), "number "),
)
_SYMBOLS: _Passes = (
    ("½¼¾⅓⅔", re.compile(r"(\w?)([½¼¾⅓⅔])"), _fraction),  # "2½" is "two and a half"; a lone "½" is "one half"
    (">", re.compile(r"-+>|=>"), " to "),
    ("=", re.compile(r"<=|>=|!=|={1,3}"), lambda match: _COMPARISONS[match[0][0]]),
    ("#", re.compile(r"\b([A-G])#"), r"\1 sharp"),
    ("~≈∼", re.compile(r"[~≈∼]\s?(?=\w)"), "about "),
    ("/", re.compile(r"\b([A-Z])/([A-Z])\b"), r"\1 \2"),  # "A/B testing", "I/O"
    ("/", re.compile(r"/(s|sec|min|h)\b"), lambda match: f" per {_PER[match[1]]}"),  # "10k req/s"
    ("/", re.compile(r"\s*/\s*(month|mo|year|yr|week|wk|day|hour|hr|night|user|seat|person|head)(s?)\b"),
     lambda match: f" per {_PER_UNITS.get(match[1], match[1])}"),  # "$5/mos" is five dollars per month
    ("/", re.compile(r"(?<=\w)\s*/\s*(?=\w)"), " or "),
    ("@", re.compile(r"\s@\s"), " at "),
    # Dashes between words or set off by spaces are pauses; a hyphen inside a word stays.
    ((" -", "- ", "--", "–", "—"), re.compile(r"(?:^|\s+)[-–—]+\s+|--+|[–—]"), ", "),
)
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;:]?\s*\)")
_REPEATED_COMMA = re.compile(r",(?: ?,)+")
_STRAY_COMMA = re.compile(r",(?=[.;:!?)])|(?<=\() ?, ?")
_CLOSERS = tuple(",.;:!?)")


def _tidy(text: str) -> str:
    if "(" in text:  # brackets emptied by dropped emoji or links
        text = _EMPTY_BRACKETS.sub("", text)
    text = " ".join(text.split())
    for closer in _CLOSERS:
        text = text.replace(" " + closer, closer)
    if "," in text:
        text = _STRAY_COMMA.sub("", _REPEATED_COMMA.sub(",", text))
    return text.replace("( ", "(").strip(" ,;:")


def pronounced(text: str, say: Mapping[str, str]) -> str:
    """`text` with each written form in `say` replaced by its spoken form, as a whole word, in any case ("Nginx"
    → "engine x"); longer forms first, so "Kubernetes API" wins over "API". Nothing is replaced twice."""
    written = sorted((form for form in say if form.strip()), key=len, reverse=True)
    if not written:
        return text
    by_form = {form.casefold(): spoken for form, spoken in say.items()}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(form) for form in written) + r")(?!\w)", re.IGNORECASE)
    # a match in another case can casefold differently from its written form ("İ" against "i"): left as written
    return pattern.sub(lambda found: by_form.get(found[0].casefold(), found[0]), text)


def too_long_to_say(text: str, spoken: str) -> bool:
    """Pronunciations made a turn's spoken form far longer than its text (a short written form said at length
    everywhere it stands): more speech than the turn's length limit allows for."""
    return len(spoken) > 2 * len(text) + 2000


def spoken_text(text: str, say: Mapping[str, str] | None = None) -> str:
    """The words a voice should say for a turn's display text (English), with the listener's pronunciations
    (`say`, written → spoken) applied first."""
    text = _unmark_lines(pronounced(text, say) if say else text)
    text = _run(_MARKDOWN, text)
    text = _run(_LINKS, text)
    text = _drop_pictographs(text)
    text = _run(_ABBREVIATIONS, text)
    text = speak_numbers(text)
    return _tidy(_run(_SYMBOLS, text).translate(_SAID_SYMBOLS))
