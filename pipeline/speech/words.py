"""Numbers said as words, and the pattern pieces every reading shares (English)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from num2words import num2words

from pipeline.speech import vocabulary

# One number as written: "1,250.5" or "3.14" or "42".
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# A number must not start inside a word or inside another number ("COVID19", the "250" of "1,250").
START = r"(?<![\w.,])"
# Names whose "3.11" is a version ("three point eleven"), not a decimal ("three point one one").
PRODUCT = r"(?P<name>Node\.js|" + "|".join(sorted(vocabulary.PRODUCTS, key=len, reverse=True)) + ")"
Replacement = str | Callable[[re.Match[str]], str]
# (gate, pattern, replacement): a pass runs only if the text holds one of its gate substrings, which keeps a turn
# with few numbers cheap.
Pass = tuple[str | tuple[str, ...], re.Pattern[str], Replacement]


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` compiled, with NUM standing for one written number."""
    return re.compile(pattern.replace("NUM", NUM), flags)


def glued(before: str = "", after: str = "") -> tuple[str, ...]:
    """Gate substrings for a character glued to any digit: glued("-") is ("-0", …, "-9")."""
    return tuple(f"{before}{digit}{after}" for digit in "0123456789")


@lru_cache(maxsize=2048)
def words(number: int, to: str = "cardinal") -> str:
    """`number` in words: "cardinal" (twelve), "ordinal" (twelfth) or "year" (nineteen ninety-nine)."""
    return str(num2words(number, lang="en", to=to))


def digits(run: str) -> str:
    """Each digit as a word: "042" -> "zero four two"."""
    return " ".join(words(int(digit)) for digit in run)


def cardinal(number: str) -> str:
    """A written number as words: "1,250" -> "one thousand, two hundred and fifty", "3.14" -> "three point one four"."""
    whole, _, fraction = number.replace(",", "").partition(".")
    # Leading zeros ("007") and very long runs (IDs, phone numbers) are read digit by digit, as people do.
    said = digits(whole) if (len(whole) > 1 and whole[0] == "0") or len(whole) > 15 else words(int(whole))
    return f"{said} point {digits(fraction)}" if fraction else said


def year(number: int) -> str:
    """A year as said: 1999 -> "nineteen ninety-nine"."""
    return words(number, "year")


def is_year(number: int) -> bool:
    """Likely a year when written in a date."""
    return 1100 <= number <= 2099
