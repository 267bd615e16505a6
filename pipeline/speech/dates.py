"""Dates and times, read the way a person says them (English): "2024-03-15", "03/15/2024", "3 March",
"9:30 a.m.", "3-4 pm"."""

from __future__ import annotations

import re

from pipeline.speech.words import PRODUCT, START, Pass, glued, is_year, rx, words, year

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_BY_ABBREVIATION = {month[:3]: month for month in MONTHS} | {"Sept": "September"}
MONTH_ABBREVIATIONS = "|".join(_MONTH_BY_ABBREVIATION)
_MONTH = r"(?P<month>(?:" + "|".join(MONTHS) + r")|(?:" + MONTH_ABBREVIATIONS + r")\.?)(?!\w)"
_MONTH_GATE = (*_MONTH_BY_ABBREVIATION, "May")
# "Python 3.11.2024", "release 1.2.2024", "Version: 1.2.2024" or "1.2.2024 builds" is a version, not a date.
_VERSION_CUE = re.compile(r"(?:\b" + PRODUCT + r"|\b(?i:release|build|firmware|patch|section|chapter|rev|revision|"
                          r"step|item|§))[\s:]*$")
# what numbers a thing rather than dates it: "ticket #2023-04", "part number 2045-06", "pages 1950-12"
_COUNTED_CUE = re.compile(r"(?:#|\b(?i:number|num|ticket|part|order|invoice|ref|id|isbn|issn|issue|pr|sku|model|pages?|"
                          r"pp|item|serial|account|acct)\.?)\s*$")
_VERSION_AFTER = re.compile(r"\s*(?i:builds?|releases?|versions?|firmware)\b")
_MER = r"\s?(?P<mer_all>(?P<mer>[AaPp])\.?[Mm])\b(?P<dot>\.(?!\s+[\"'(]?[A-Z]|\s*$))?"


def _iso_date(match: re.Match[str]) -> str:
    number, month, day = int(match[1]), int(match[2]), int(match[3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match[0]
    return f"{MONTHS[month - 1]} {words(day, 'ordinal')}, {year(number)}" + (" at " if match["at"] else "")


def _year_month(match: re.Match[str]) -> str:
    number, month = int(match[1]), int(match[2])
    # A range goes forward ("the 2007-09 recession", "2011-12"), and "pages 1200-12" or "ticket #2023-04" count:
    # the range rule reads those, and the digits as written.
    if (not 1900 <= number <= 2099 or month > number % 100
            or _COUNTED_CUE.search(match.string, max(0, match.start() - 20), match.start())):
        return match[0]
    return f"{MONTHS[month - 1]} {year(number)}"


def _iso_week(match: re.Match[str]) -> str:
    number, week = int(match[1]), int(match[2])
    return f"week {words(week)} of {year(number)}" if is_year(number) and 1 <= week <= 53 else match[0]


def _said_date(month: int, day: int, number: int, day_first: bool) -> str:
    said = f"the {words(day, 'ordinal')} of {MONTHS[month - 1]}" if day_first else (
        f"{MONTHS[month - 1]} {words(day, 'ordinal')}")
    return f"{said}, {year(number)}"


def _slash_date(match: re.Match[str]) -> str:
    first, second, number = int(match[1]), int(match[2]), int(match[3])
    if len(match[3]) == 4 and is_year(number) and 1 <= first <= 31 and 1 <= second <= 31:
        if first <= 12 < second:  # 03/15/2024: the American order
            return _said_date(first, second, number, day_first=False)
        if second <= 12 < first:  # 15/03/2024: the order of most other places
            return _said_date(second, first, number, day_first=True)
    # 04/05/2024 is April 5 in one country and 4 May in another, and 12/31/24 leaves the century open: the
    # numbers are read as written.
    last = year(number) if len(match[3]) == 4 and is_year(number) else words(number)
    return f"{words(first)} slash {words(second)} slash {last}"


def _dotted_date(match: re.Match[str]) -> str:
    day, month, number = int(match[1]), int(match[2]), int(match[3])
    text = match.string
    if not (is_year(number) and 1 <= month <= 12 and 1 <= day <= 31) or _VERSION_CUE.search(
            text, max(0, match.start() - 20), match.start()) or _VERSION_AFTER.match(text, match.end()):
        return match[0]
    return _said_date(month, day, number, day_first=True)  # 15.03.2024: dots put the day first everywhere


def _month_name(written: str) -> str:
    written = written.rstrip(".")
    return _MONTH_BY_ABBREVIATION.get(written, written)


def _month_day(match: re.Match[str]) -> str:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return match[0]
    said = f"{_month_name(match['month'])} {words(day, 'ordinal')}"
    return f"{said}, {year(int(match['year']))}" if match["year"] else said


def _day_month(match: re.Match[str]) -> str:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return match[0]
    # "the 3rd of March" already has its "the".
    the = "" if match.string[max(0, match.start() - 4):match.start()].lower() == "the " else "the "
    said = f"{the}{words(day, 'ordinal')} of {_month_name(match['month'])}"
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
        said = words(hour)
    elif minute == 0:
        said = "midnight" if hour == 0 else f"{words(hour)} o'clock" if hour <= 12 else f"{words(hour)} hundred"
    else:
        said = f"{words(hour)} {'oh ' if minute < 10 else ''}{words(minute)}"
    if match["s"]:
        said += f" and {words(second)} second{'' if second == 1 else 's'}"
    return said + (_meridiem(match) if match["mer"] else "")


def _time_range(match: re.Match[str]) -> str:
    # "3-4 pm", "9am-5pm", "9:00-17:00": two times, said with "to" (the times themselves are read later). Two
    # bare numbers ("3-2") are not times; the range rule reads those.
    follows = match.string[match.end():match.end() + 6]
    if not (match["m1"] or ":" in match["t1"] + match["t2"] or re.match(r"\s?[AaPp]\.?[Mm]\b", follows)):
        return match[0]
    return f"{match['t1']}{match['m1'] or ''} to {match['t2']}"


def _hour(match: re.Match[str]) -> str:
    hour = int(match["h"])
    return f"{words(hour)}{_meridiem(match)}" if 1 <= hour <= 12 else match[0]


# In order, and before every other reading of numbers, which would otherwise take a date's parts one by one.
PASSES: tuple[Pass, ...] = (
    (glued("-"), rx(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?:(?P<at>T)(?=\d)|(?![\w-]|\.\d))"), _iso_date),
    (glued("-"), rx(r"(?<![\w.-])(\d{4})-(0[1-9]|1[0-2])(?![\w-]|[.,:/]\d)"), _year_month),  # "2023-04"
    ("-W", rx(r"(?<![\w.-])(\d{4})-W(\d{2})(?![\w-])"), _iso_week),  # "2024-W05"
    ("/", rx(START + r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/]|[.,]\d)"), _slash_date),
    (".", rx(START + r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\w.]?\d)"), _dotted_date),
    (_MONTH_GATE, rx(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d|[:.,]\d)"
                     r"(?:,?\s+(?P<year>\d{4})(?!\d))?"), _month_day),
    (_MONTH_GATE, rx(START + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
                     + r"(?:,?\s+(?P<year>\d{4})(?!\d))?"), _day_month),
    # not after a colon: the "00-05:00" of "10:30:00-05:00" is seconds and a UTC offset
    ((*glued("-"), " - ", "–", "—"), rx(r"(?<![\w.,:])(?P<t1>\d{1,2}(?::\d{2})?)(?P<m1>\s?[AaPp]\.?[Mm]\.?)?\s?[-–—]\s?"
                                  r"(?P<t2>\d{1,2}(?::\d{2})?)(?![\d:])"), _time_range),
    (":", rx(START + r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?!:?\d)(?:" + _MER + ")?"), _clock),
    (("am", "pm", "AM", "PM", ".m", ".M"), rx(START + r"(?P<h>\d{1,2})" + _MER), _hour),
)
