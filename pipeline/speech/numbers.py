"""Numbers, money, units, times and dates, read the way a person says them (English)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from num2words import num2words

from pipeline.speech import vocabulary

# One number as written: "1,250.5" or "3.14" or "42".
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# A number must not start inside a word or inside another number ("COVID19", the "250" of "1,250").
_START = r"(?<![\w.,])"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH_BY_ABBREVIATION = {month[:3]: month for month in _MONTHS} | {"Sept": "September"}
_MONTH_ABBREVIATIONS = "|".join(_MONTH_BY_ABBREVIATION)
_MONTH = r"(?P<month>(?:" + "|".join(_MONTHS) + r")|(?:" + _MONTH_ABBREVIATIONS + r")\.?)(?!\w)"
# Letters that are units only when glued to the number ("10k", "5M", "3x"): spaced, they are more often words.
_GLUED_ONLY = frozenset({"k", "M", "B", "T", "x"})
# "30 s" is thirty seconds, but "30s" is a decade (read before units).
_SPACED_ONLY = frozenset({"s"})
_UNIT = "|".join(re.escape(unit) for unit in sorted(vocabulary.UNITS, key=len, reverse=True))
# Names whose "3.11" is a version ("three point eleven"), not a decimal ("three point one one").
_PRODUCTS = ("Python", "Node", "Java", "Ruby", "Rust", "Go", "PHP", "Perl", "Kotlin", "Swift", "Scala", "Django",
             "Rails", "React", "Vue", "Angular", "TypeScript", "Postgres", "PostgreSQL", "MySQL", "Redis",
             "Kubernetes", "Docker", "Ubuntu", "Debian", "Fedora", "Windows", "macOS", "iOS", "iPadOS", "watchOS",
             "Android", "Chrome", "Firefox", "Safari", "GPT", "Claude", "Gemini", "Llama", "Mistral", "Qwen", "HTTP",
             "USB", "Bluetooth", "Unity", "Unreal", "Linux", "Git", "version", "Version")
_PRODUCT = r"(?P<name>Node\.js|" + "|".join(sorted(_PRODUCTS, key=len, reverse=True)) + ")"
_MONTH_GATE = (*_MONTH_BY_ABBREVIATION, "May")
# "Python 3.11.2024" or "version 1.2.2024" is a version, not a date with dots.
_VERSION_CUE = re.compile(r"\b" + _PRODUCT + r"\s?$")
# Words after which a four-digit number is a year: "in 2024", "since 1999", "March 2024", "Q1 2024", "mid-2024".
_YEAR_CUE = re.compile(r"(?:\b(?:in|since|by|from|until|till|through|of|circa|around|before|after|during|year|early|"
                       r"late|spring|summer|autumn|fall|winter|between|" + "|".join(_MONTHS) + "|"
                       + _MONTH_ABBREVIATIONS + r")\s+|\bmid-?\s*|\b[QH][1-4]\s+|\bFY\s?)$", re.IGNORECASE)


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern.replace("NUM", _NUM), flags)


@lru_cache(maxsize=2048)
def _words(number: int, to: str = "cardinal") -> str:
    return str(num2words(number, lang="en", to=to))


def digits(run: str) -> str:
    """Each digit as a word: "042" -> "zero four two"."""
    return " ".join(_words(int(digit)) for digit in run)


def cardinal(number: str) -> str:
    """A written number as words: "1,250" -> "one thousand, two hundred and fifty", "3.14" -> "three point one four"."""
    whole, _, fraction = number.replace(",", "").partition(".")
    # Leading zeros ("007") and very long runs (IDs, phone numbers) are read digit by digit, as people do.
    said = digits(whole) if (len(whole) > 1 and whole[0] == "0") or len(whole) > 15 else _words(int(whole))
    return f"{said} point {digits(fraction)}" if fraction else said


def year(number: int) -> str:
    return _words(number, "year")


def _plural(said: str) -> str:
    return said[:-1] + "ies" if said.endswith("y") else said + "s"


def _is_year(number: int) -> bool:
    return 1100 <= number <= 2099


def _money(symbol: str, number: str, scale: str | None, country: str = "") -> str:
    one, many, minor_one, minor_many = vocabulary.MONEY[symbol]
    if symbol == "$" and country:
        one, many = country + one, country + many
    if scale:
        return f"{cardinal(number)} {vocabulary.SCALES[scale]} {many}"
    whole, _, cents = number.replace(",", "").partition(".")
    if len(cents) == 2 and minor_one:
        major = "" if int(whole) == 0 and int(cents) else f"{cardinal(whole)} {one if int(whole) == 1 else many}"
        minor = f"{_words(int(cents))} {minor_one if int(cents) == 1 else minor_many}" if int(cents) else ""
        return " and ".join(part for part in (major, minor) if part)
    return f"{cardinal(number)} {one if number == '1' else many}"


def _currency(match: re.Match[str]) -> str:
    symbol, country = match["sym"], match["pre"] or ""
    if country and symbol != "$":
        return match[0]
    country = vocabulary.DOLLAR_COUNTRY.get(country, "")
    first, scale = match["n1"], match["s1"] or match["t1"]
    if not match["n2"]:
        return _money(symbol, first, scale, country)
    last_scale = match["s2"] or match["t2"] or scale
    last = _money(symbol, match["n2"], last_scale, country)
    # "$5–10" is "five to ten dollars", but "$5.50–$10" needs its own "dollars and fifty cents".
    if not scale and len(first.partition(".")[2]) == 2:
        return f"{_money(symbol, first, None, country)} to {last}"
    start = cardinal(first)
    if scale and (not last_scale or vocabulary.SCALES[scale] != vocabulary.SCALES[last_scale]):
        start += f" {vocabulary.SCALES[scale]}"
    return f"{start} to {last}"


def _iso_date(match: re.Match[str]) -> str:
    number, month, day = int(match[1]), int(match[2]), int(match[3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match[0]
    return f"{_MONTHS[month - 1]} {_words(day, 'ordinal')}, {year(number)}" + (" at " if match["at"] else "")


def _said_date(month: int, day: int, number: int, day_first: bool) -> str:
    said = f"the {_words(day, 'ordinal')} of {_MONTHS[month - 1]}" if day_first else (
        f"{_MONTHS[month - 1]} {_words(day, 'ordinal')}")
    return f"{said}, {year(number)}"


def _slash_date(match: re.Match[str]) -> str:
    first, second, number = int(match[1]), int(match[2]), int(match[3])
    if len(match[3]) == 4 and _is_year(number) and 1 <= first <= 31 and 1 <= second <= 31:
        if first <= 12 < second:  # 03/15/2024: the American order
            return _said_date(first, second, number, day_first=False)
        if second <= 12 < first:  # 15/03/2024: the order of most other places
            return _said_date(second, first, number, day_first=True)
    # 04/05/2024 is April 5 in one country and 4 May in another, and 12/31/24 leaves the century open: the
    # numbers are read as written.
    last = year(number) if len(match[3]) == 4 and _is_year(number) else _words(number)
    return f"{_words(first)} slash {_words(second)} slash {last}"


def _dotted_date(match: re.Match[str]) -> str:
    day, month, number = int(match[1]), int(match[2]), int(match[3])
    if not (_is_year(number) and 1 <= month <= 12 and 1 <= day <= 31) or _VERSION_CUE.search(
            match.string, max(0, match.start() - 20), match.start()):
        return match[0]
    return _said_date(month, day, number, day_first=True)  # 15.03.2024: dots put the day first everywhere


def _month_name(written: str) -> str:
    written = written.rstrip(".")
    return _MONTH_BY_ABBREVIATION.get(written, written)


def _month_day(match: re.Match[str]) -> str:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return match[0]
    said = f"{_month_name(match['month'])} {_words(day, 'ordinal')}"
    return f"{said}, {year(int(match['year']))}" if match["year"] else said


def _day_month(match: re.Match[str]) -> str:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return match[0]
    # "the 3rd of March" already has its "the".
    the = "" if match.string[max(0, match.start() - 4):match.start()].lower() == "the " else "the "
    said = f"{the}{_words(day, 'ordinal')} of {_month_name(match['month'])}"
    return f"{said}, {year(int(match['year']))}" if match["year"] else said


def _meridiem(match: re.Match[str]) -> str:
    said = f" {match['mer'].upper()}M"
    # "p.m." drops its last dot unless that dot also ends the sentence; "pm." keeps it either way.
    return said + "." if match["dot"] and "." not in match["mer_all"] else said


def _clock(match: re.Match[str]) -> str:
    hour, minute = int(match["h"]), int(match["m"])
    second = int(match["s"]) if match["s"] else 0
    if hour > 23 or minute > 59 or second > 59 or (match["mer"] and not 1 <= hour <= 12):
        return match[0]
    if minute == 0 and match["mer"]:
        said = _words(hour)
    elif minute == 0:
        said = "midnight" if hour == 0 else f"{_words(hour)} o'clock" if hour <= 12 else f"{_words(hour)} hundred"
    else:
        said = f"{_words(hour)} {'oh ' if minute < 10 else ''}{_words(minute)}"
    if match["s"]:
        said += f" and {_words(second)} second{'' if second == 1 else 's'}"
    return said + (_meridiem(match) if match["mer"] else "")


def _hour(match: re.Match[str]) -> str:
    hour = int(match["h"])
    return f"{_words(hour)}{_meridiem(match)}" if 1 <= hour <= 12 else match[0]


def _range(match: re.Match[str]) -> str:
    first, last = match["a"], match["b"]
    if first.isdigit() and last.isdigit() and _is_year(int(first)):
        if len(last) == 4 and int(last) > int(first) and _is_year(int(last)):
            return f"{year(int(first))} to {year(int(last))}"
        if len(last) == 2 and int(last) > int(first) % 100:
            return f"{year(int(first))} to {_words(int(last))}"
    # The numbers stay digits so a following "%" or unit still attaches to the second one.
    return f"{first} to {last}"


def _years_apart(match: re.Match[str]) -> str:
    first, last = int(match[1]), int(match[3])
    if not (_is_year(first) and _is_year(last) and last > first):
        return match[0]
    return f"{year(first)} {match[2]} {year(last)}"


def _decade(match: re.Match[str]) -> str:
    number = int(match[1])
    if number in (100, 1000):
        return "hundreds" if number == 100 else "thousands"
    return _plural(year(number) if _is_year(number) else _words(number))


def _unit(match: re.Match[str]) -> str:
    unit, separator, number = match["unit"], match["sep"] or "", match["n"]
    if (separator and unit in _GLUED_ONLY) or (not separator and unit in _SPACED_ONLY):
        return match[0]
    one, many = vocabulary.UNITS[unit]
    if separator == "-":  # "a 5-km run": the unit is an adjective, so singular
        return f"{cardinal(number)}-{one}"
    return f"{cardinal(number)} {one if number == '1' else many}"


def _version(match: re.Match[str]) -> str:
    return " point ".join(_words(int(part)) for part in match["v"].split("."))


def _dotted(match: re.Match[str]) -> str:
    parts = match[0].split(".")
    # Four parts that fit in a byte each are an IP address, said with "dot".
    joiner = " dot " if len(parts) == 4 and all(int(part) <= 255 for part in parts) else " point "
    return joiner.join(cardinal(part) for part in parts)


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match[1]), int(match[2])
    if match[0] == "24/7":
        return "twenty-four seven"
    if bottom in (5, 10, 100) and top <= bottom:  # ratings and scores
        return f"{_words(top)} out of {_words(bottom)}"
    if top == bottom:
        return f"{_words(top)}-{_words(bottom)}"
    if bottom in (2, 3, 4) and top < bottom:
        name = {2: "half", 4: "quarter"}.get(bottom) or _words(bottom, "ordinal")
        return f"{_words(top)} {name if top == 1 else _plural(name)}"
    return f"{cardinal(match[1])} slash {cardinal(match[2])}"


def _ratio(match: re.Match[str]) -> str:
    return " to ".join(cardinal(part) for part in match[0].split(":"))


def _year(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    cued = _YEAR_CUE.search(text, max(0, start - 14), start) is not None
    after = text[end:end + 2]
    ends_sentence = after[:1] in (".", "!", "?") and after[1:].strip() == ""
    # Uncued, only the last two centuries are likely enough to be years ("We sold 1234." is a count).
    if not (cued or (int(match[0]) >= 1900 and (ends_sentence or after in ("'s", "’s")))):
        return match[0]
    return (" " if start and text[start - 1].isalpha() else "") + year(int(match[0]))


def _bare(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    said = _words(int(match[0][:-2]), "ordinal") if match["ordinal"] else cardinal(match[0])
    # "Q1", "mp3", "3D": a number glued to letters is said as its own word.
    before = " " if start and text[start - 1].isalpha() else ""
    after = " " if end < len(text) and text[end].isalpha() else ""
    return before + said + after


def _glued(before: str = "", after: str = "") -> tuple[str, ...]:
    """Gate substrings for a character glued to any digit: _glued("-") is ("-0", …, "-9")."""
    return tuple(f"{before}{digit}{after}" for digit in "0123456789")


_MER = r"\s?(?P<mer_all>(?P<mer>[AaPp])\.?[Mm])\b(?P<dot>\.(?!\s+[\"'(]?[A-Z]|\s*$))?"
_AMOUNT = r"(?P<nI>NUM)(?:\s?(?P<sI>thousand|million|billion|trillion|bn|mn|tn)\b|(?P<tI>[kKmMbBT])\b)?"
_CURRENCY = (r"(?<![\w$€£¥₹])(?P<pre>US|A|C|NZ|HK)?(?P<sym>[$€£¥₹])\s?" + _AMOUNT.replace("I", "1")
             + r"(?:\s?[–—-]\s?(?P=sym)?\s?" + _AMOUNT.replace("I", "2") + ")?")
_Replacement = str | Callable[[re.Match[str]], str]
# (gate, pattern, replacement), in order: a pass runs only if the text holds one of its gate substrings, which
# keeps a turn with few numbers cheap. Dates, times, money and ranges go before units and bare numbers, which
# would otherwise take their parts one by one.
_PASSES: tuple[tuple[str | tuple[str, ...], re.Pattern[str], _Replacement], ...] = (
    (_glued("-"), _rx(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?:(?P<at>T)(?=\d)|(?![\w-]|\.\d))"), _iso_date),
    ("/", _rx(_START + r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/]|[.,]\d)"), _slash_date),
    (".", _rx(_START + r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\w.]?\d)"), _dotted_date),
    (_MONTH_GATE, _rx(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d|[:.,]\d)"
                      r"(?:,?\s+(?P<year>\d{4})(?!\d))?"), _month_day),
    (_MONTH_GATE, _rx(_START + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
                      + r"(?:,?\s+(?P<year>\d{4})(?!\d))?"), _day_month),
    (":", _rx(_START + r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?!:?\d)(?:" + _MER + ")?"), _clock),
    (("am", "pm", "AM", "PM", ".m", ".M"), _rx(_START + r"(?P<h>\d{1,2})" + _MER), _hour),
    ((*_glued("-"), "-$", "-€", "-£", "−"), _rx(r"(?<![\w)\]%.,])-(?=[$€£¥₹]?\d)|\s?−\s?(?=[$€£¥₹]?\d)"), " minus "),
    ("$€£¥₹", _rx(_CURRENCY), _currency),
    ("€£¥₹", _rx(_START + r"(?P<n1>NUM)\s?(?P<sym>[€£¥₹])(?![\w$€£¥₹])"), lambda m: _money(m["sym"], m["n1"], None)),
    ((" to ", " and ", " through ", " until ", " till "),
     _rx(_START + r"(\d{4})\s(to|and|through|until|till)\s(\d{4})(?![\w.,]?\d)"), _years_apart),
    # Three or more hyphenated groups ("555-123-4567") are codes or phone numbers, read digit by digit.
    (_glued("-"), _rx(r"(?<![\w.,-])\d+(?:-\d+){2,}(?![\w-])"), lambda m: ", ".join(map(digits, m[0].split("-")))),
    ((*_glued("-"), "–", "—"), _rx(_START + r"(?<!\d[-–])(?P<a>NUM)(?:\s?[–—]\s?|-)(?P<b>NUM)(?!\d|[-–:/]\d)"), _range),
    ("%", _rx(_START + r"(NUM)\s?%"), lambda m: f"{cardinal(m[1])} percent"),
    (("0s", "0’s"), _rx(r"(?<![\w.,])['’]?(\d{1,3}0)s\b"), _decade),
    (_glued(after="x"), _rx(r"(\d+)x(\d+)\b"), r"\1 by \2"),
    ("°", _rx(r"°\s+([CF])\b"), r"°\1"),
    ("", _rx(_START + r"(?P<n>NUM)(?P<sep>[ \u00a0\u202f]|-)?(?P<unit>" + _UNIT + r")(?![\w°²])"), _unit),
    ((*_glued("p"), *_glued("P")), _rx(r"(?<![\w.])[pP](\d{1,2}(?:\.\d+)?)\b(?!\.\d)"),
     lambda m: f"P {cardinal(m[1])}"),
    (_glued("v"), _rx(r"(?<![\w.])v(?P<v>\d+(?:\.\d+)*)\b(?!\.\d)"), lambda m: f"version {_version(m)}"),
    (_PRODUCTS, _rx(r"\b" + _PRODUCT + r"\s?(?P<v>\d+(?:\.\d+)+)\b(?!\.\d)"), lambda m: f"{m['name']} {_version(m)}"),
    (".", _rx(_START + r"\d+(?:\.\d+){2,}(?![\w.]?\d)"), _dotted),
    ("/", _rx(_START + r"(\d+)/(\d+)(?![\w/]|\.\d)"), _fraction),
    ("/", _rx(r"(?<=\d)/(?=\d)|(?<=[A-Za-z])/(?=\d)"), " slash "),
    (":", _rx(_START + r"NUM(?::NUM)+(?![\w:])"), _ratio),
    ("", _rx(r"(?<![\d.,])(?:1[1-9]\d\d|20\d\d)(?![\w]|[.,:]\d)"), _year),
    (_glued("."), _rx(r"(?<![\w.])\.(\d+)"), lambda m: f"point {digits(m[1])}"),
    # Ordinals ("1st", "22nd") are read here too: one scan fewer for every turn.
    ("", _rx(r"\d+(?P<ordinal>st|nd|rd|th|ST|ND|RD|TH)(?![a-z])|NUM"), _bare),
)
_DIGIT = re.compile(r"\d")


def speak_numbers(text: str) -> str:
    """Every number in `text` as words, reading dates, times, money, units and ranges first."""
    if not _DIGIT.search(text):
        return text
    for gate, pattern, replacement in _PASSES:
        if not gate or any(map(text.__contains__, gate)):
            text = pattern.sub(replacement, text)
    return text
