"""Numbers, money, units, ranges and versions, read the way a person says them (English); dates and times are
read first, by `pipeline.speech.dates`."""

from __future__ import annotations

import re

from pipeline.speech import dates, vocabulary
from pipeline.speech.words import PRODUCT, START, Pass, cardinal, digits, glued, is_year, rx, words, year

# Letters that are units only when glued to the number ("10k", "5M", "3x"): spaced, they are more often words.
_GLUED_ONLY = frozenset({"k", "M", "B", "T", "x"})
# "30s" is a decade (read before units) unless it times something ("a 30s timeout", "from 2s to 30s"), and "2s",
# which is no decade, is two seconds.
_TIMING_CUE = re.compile(r"(?i:timeouts?|latency|interval|delay|ttl|every|after|within|wait(?:s|ed)?|took|takes|"
                         r"retry|retries|backoff|expires?|lasts?)\b[^.!?]{0,30}$")
_SECONDS_NEARBY = re.compile(r"(?<![\w.,])\d*[1-9](?:\.\d+)?s\b")
_UNIT = "|".join(re.escape(unit) for unit in sorted(vocabulary.UNITS, key=len, reverse=True))
# Words after which a four-digit number is a year: "in 2024", "since 1999", "March 2024", "Q1 2024", "mid-2024".
_YEAR_CUE = re.compile(r"(?:\b(?:in|since|by|from|until|till|through|of|circa|around|before|after|during|year|early|"
                       r"late|spring|summer|autumn|fall|winter|between|" + "|".join(dates.MONTHS) + "|"
                       + dates.MONTH_ABBREVIATIONS + r")\s+|\bmid-?\s*|\b[QH][1-4]\s+|\bFY\s?)$", re.IGNORECASE)


# right before the number: "call 555-1234", "phone: 555-1234", "call us at 555-1234" (not "phone prices run …")
_PHONE_CUE = re.compile(r"\b(?:call|phone|tel|telephone|fax|dial)(?:\s+(?:me|us|them))?(?:\s+(?:at|on))?\s*:?\s*$",
                        re.IGNORECASE)
_YEAR_SPAN = re.compile(r"\d{4}-\d{2,4}")


def _plural(said: str) -> str:
    return said[:-1] + "ies" if said.endswith("y") else said + "s"


def _money(symbol: str, number: str, scale: str | None, country: str = "") -> str:
    one, many, minor_one, minor_many = vocabulary.MONEY[symbol]
    if symbol == "$" and country:
        one, many = country + one, country + many
    if scale:
        return f"{cardinal(number)} {vocabulary.SCALES[scale]} {many}"
    whole, _, cents = number.replace(",", "").partition(".")
    if len(cents) == 2 and minor_one:
        major = "" if int(whole) == 0 and int(cents) else f"{cardinal(whole)} {one if int(whole) == 1 else many}"
        minor = f"{words(int(cents))} {minor_one if int(cents) == 1 else minor_many}" if int(cents) else ""
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


def _phone(match: re.Match[str]) -> str:
    found = re.findall(r"\d+", match[0])
    # "+5 (3) 10-12", "+25 2023-24" and "+30 1999 2000 2001" are no phone numbers
    years = sum(len(group) == 4 and is_year(int(group)) for group in found)
    if sum(map(len, found)) < 10 or _YEAR_SPAN.search(match[0]) or years >= 2:
        return match[0]
    groups = ", ".join(digits(group) for group in found)
    return f"plus {groups}" if match[0].startswith("+") else groups


def _range(match: re.Match[str]) -> str:
    first, last = match["a"], match["b"]
    # "555-0123" is no range (a range never ends on a leading zero), nor is "call 555-1234"; a local number
    # never opens with 0 or 1 ("100-1000 users" is a range)
    if (len(first) == 3 and len(last) == 4 and first.isdigit() and last.isdigit() and first[0] in "23456789"
            and (last[0] == "0" or _PHONE_CUE.search(match.string, max(0, match.start() - 24), match.start()))):
        return f"{digits(first)}, {digits(last)}"
    if first.isdigit() and last.isdigit() and is_year(int(first)):
        if len(last) == 4 and int(last) > int(first) and is_year(int(last)):
            return f"{year(int(first))} to {year(int(last))}"
        if len(last) == 2 and int(last) > int(first) % 100:
            return f"{year(int(first))} to {words(int(last))}"
    # The numbers stay digits so a following "%" or unit still attaches to the second one.
    return f"{first} to {last}"


def _years_apart(match: re.Match[str]) -> str:
    first, last = int(match[1]), int(match[3])
    if not (is_year(first) and is_year(last) and last > first):
        return match[0]
    return f"{year(first)} {match[2]} {year(last)}"


def _decade(match: re.Match[str]) -> str:
    number, text, start = int(match[1]), match.string, match.start()
    counting = text.startswith(" of ", match.end())  # "10s of minutes", "100s of users"
    if number < 100 and not counting and (_TIMING_CUE.search(text, max(0, start - 40), start)
                                          or _SECONDS_NEARBY.search(text, max(0, start - 30), match.end() + 30)):
        return match[0]  # seconds, read with the units
    if number in (100, 1000):
        return "hundreds" if number == 100 else "thousands"
    return _plural(year(number) if is_year(number) else words(number))


def _unit(match: re.Match[str]) -> str:
    unit, separator, number = match["unit"], match["sep"] or "", match["n"]
    if separator and unit in _GLUED_ONLY:
        return match[0]
    if unit == "s" and not separator and match.string[match.start() - 1:match.start()] == "-":
        return match[0]  # "COVID-19s": a plural of a name, not seconds
    one, many = vocabulary.UNITS[unit]
    if separator == "-":  # "a 5-km run": the unit is an adjective, so singular
        return f"{cardinal(number)}-{one}"
    return f"{cardinal(number)} {one if number == '1' else many}"


def _version(match: re.Match[str]) -> str:
    return " point ".join(words(int(part)) for part in match["v"].split("."))


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
        return f"{words(top)} out of {words(bottom)}"
    if top == bottom:
        return f"{words(top)}-{words(bottom)}"
    if bottom in (2, 3, 4) and top < bottom:
        name = {2: "half", 4: "quarter"}.get(bottom) or words(bottom, "ordinal")
        return f"{words(top)} {name if top == 1 else _plural(name)}"
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
    said = words(int(match[0][:-2]), "ordinal") if match["ordinal"] else cardinal(match[0])
    # "Q1", "mp3", "3D": a number glued to letters is said as its own word.
    before = " " if start and text[start - 1].isalpha() else ""
    after = " " if end < len(text) and text[end].isalpha() else ""
    return before + said + after


_AMOUNT = r"(?P<nI>NUM)(?:\s?(?P<sI>thousand|million|billion|trillion|bn|mn|tn)\b|(?P<tI>[kKmMbBT])\b)?"
_CURRENCY = (r"(?<![\w$€£¥₹])(?P<pre>US|A|C|NZ|HK)?(?P<sym>[$€£¥₹])\s?" + _AMOUNT.replace("I", "1")
             + r"(?:\s?[–—-]\s?(?P=sym)?\s?" + _AMOUNT.replace("I", "2") + ")?")
# In order: dates and times, then money and ranges, before units and bare numbers, which would otherwise take
# their parts one by one.
_PASSES: tuple[Pass, ...] = (
    *dates.PASSES,
    ((*glued("-"), "-$", "-€", "-£", "−"), rx(r"(?<![\w)\]%.,])-(?=[$€£¥₹]?\d)|\s?−\s?(?=[$€£¥₹]?\d)"), " minus "),
    ("$€£¥₹", rx(_CURRENCY), _currency),
    ("€£¥₹", rx(START + r"(?P<n1>NUM)\s?(?P<sym>[€£¥₹])(?![\w$€£¥₹])"), lambda m: _money(m["sym"], m["n1"], None)),
    ((" to ", " and ", " through ", " until ", " till "),
     rx(START + r"(\d{4})\s(to|and|through|until|till)\s(\d{4})(?![\w.,]?\d)"), _years_apart),
    # A phone number with its country code or its area code in brackets ("+44 20 7946 0958", "(415) 555-0199"),
    # digit by digit, group by group.
    (("+", "("), rx(r"(?<![\w+])\+\d{1,3}(?:[\s-]?\(\d{1,4}\))?(?:[\s-]\d{2,4}){2,4}(?![\w-]|\.\d)"
                    r"|(?<![\w(])\(\d{3}\)\s?\d{3}[\s.-]\d{4}(?![\w-])"), _phone),
    # Three or more hyphenated groups ("555-123-4567") are codes or phone numbers, read digit by digit.
    (glued("-"), rx(r"(?<![\w.,-])\d+(?:-\d+){2,}(?![\w-])"), lambda m: ", ".join(map(digits, m[0].split("-")))),
    ((*glued("-"), "–", "—"), rx(START + r"(?<!\d[-–])(?P<a>NUM)(?:\s?[–—]\s?|-)(?P<b>NUM)(?!\d|[-–:/]\d)"), _range),
    ("%", rx(START + r"(NUM)\s?%"), lambda m: f"{cardinal(m[1])} percent"),
    (("0s", "0’s"), rx(r"(?<![\w.,])['’]?(\d{1,3}0)s\b"), _decade),
    (glued(after="x"), rx(r"(\d+)x(\d+)\b"), r"\1 by \2"),
    ("°", rx(r"°\s+([CF])\b"), r"°\1"),
    ("", rx(START + r"(?P<n>NUM)(?P<sep>[ \u00a0\u202f]|-)?(?P<unit>" + _UNIT + r")(?![\w°²])"), _unit),
    ((*glued("p"), *glued("P")), rx(r"(?<![\w.])[pP](\d{1,2}(?:\.\d+)?)\b(?!\.\d)"),
     lambda m: f"P {cardinal(m[1])}"),
    (glued("v"), rx(r"(?<![\w.])v(?P<v>\d+(?:\.\d+)*)\b(?!\.\d)"), lambda m: f"version {_version(m)}"),
    (vocabulary.PRODUCTS, rx(r"\b" + PRODUCT + r"\s?(?P<v>\d+(?:\.\d+)+)\b(?!\.\d)"),
     lambda m: f"{m['name']} {_version(m)}"),
    (".", rx(START + r"\d+(?:\.\d+){2,}(?![\w.]?\d)"), _dotted),
    ("/", rx(START + r"(\d+)/(\d+)(?![\w/]|\.\d)"), _fraction),
    ("/", rx(r"(?<=\d)/(?=\d)|(?<=[A-Za-z])/(?=\d)"), " slash "),
    (":", rx(START + r"NUM(?::NUM)+(?![\w:])"), _ratio),
    ("", rx(r"(?<![\d.,])(?:1[1-9]\d\d|20\d\d)(?![\w]|[.,:]\d)"), _year),
    (glued("."), rx(r"(?<![\w.])\.(\d+)"), lambda m: f"point {digits(m[1])}"),
    # Ordinals ("1st", "22nd") are read here too: one scan fewer for every turn.
    ("", rx(r"\d+(?P<ordinal>st|nd|rd|th|ST|ND|RD|TH)(?![a-z])|NUM"), _bare),
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
