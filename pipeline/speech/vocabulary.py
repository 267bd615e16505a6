"""The words the number readings use: scales, currencies and units, each with its singular and plural."""

from __future__ import annotations

SCALES = {"k": "thousand", "thousand": "thousand", "m": "million", "M": "million", "mn": "million",
           "million": "million", "b": "billion", "B": "billion", "bn": "billion", "billion": "billion",
           "K": "thousand", "T": "trillion", "tn": "trillion", "trillion": "trillion"}
# (one, many, one of the minor unit, many of it); the yen has no minor unit worth saying.
MONEY = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
          "£": ("pound", "pounds", "penny", "pence"), "¥": ("yen", "yen", "", ""),
          "₹": ("rupee", "rupees", "paisa", "paise")}
DOLLAR_COUNTRY = {"US": "US ", "A": "Australian ", "C": "Canadian ", "NZ": "New Zealand ", "HK": "Hong Kong "}
# A unit's name for one of it; for more, the first word takes the plural ("kilometers per hour").
UNIT_NAMES = {
    "°C": "degree Celsius", "C": "degree Celsius", "°F": "degree Fahrenheit", "F": "degree Fahrenheit",
    "°": "degree", "ns": "nanosecond", "µs": "microsecond", "μs": "microsecond", "ms": "millisecond", "s": "second",
    "sec": "second", "secs": "second", "min": "minute", "mins": "minute", "h": "hour", "hr": "hour", "hrs": "hour",
    "yr": "year", "yrs": "year", "nm": "nanometer", "mm": "millimeter", "cm": "centimeter", "m": "meter",
    "km": "kilometer", "mi": "mile", "ft": "foot", "m²": "square meter", "km²": "square kilometer",
    "m/s": "meter per second", "km/h": "kilometer per hour", "kph": "kilometer per hour", "mph": "mile per hour",
    "mg": "milligram", "g": "gram", "kg": "kilogram", "oz": "ounce", "lb": "pound", "lbs": "pound",
    "ml": "milliliter", "mL": "milliliter", "L": "liter", "KB": "kilobyte", "kB": "kilobyte", "MB": "megabyte",
    "GB": "gigabyte", "TB": "terabyte", "PB": "petabyte", "MiB": "mebibyte", "GiB": "gibibyte", "TiB": "tebibyte",
    "MB/s": "megabyte per second", "GB/s": "gigabyte per second", "kbps": "kilobit per second",
    "Kbps": "kilobit per second", "Mbps": "megabit per second", "Gbps": "gigabit per second", "Mb": "megabit",
    "Gb": "gigabit", "Hz": "hertz", "kHz": "kilohertz", "MHz": "megahertz", "GHz": "gigahertz", "W": "watt",
    "kW": "kilowatt", "MW": "megawatt", "GW": "gigawatt", "Wh": "watt-hour", "kWh": "kilowatt-hour",
    "MWh": "megawatt-hour", "GWh": "gigawatt-hour", "V": "volt", "mAh": "milliamp-hour", "dB": "decibel",
    "fps": "frame per second", "px": "pixel", "bps": "basis point", "x": "times", "×": "times",
} | {scale: SCALES[scale] for scale in ("k", "M", "mn", "B", "bn", "T", "tn")}
SAME_IN_PLURAL = ("hertz", "times", "thousand", "million", "billion", "trillion")
IRREGULAR = {"foot": "feet", "basis point": "basis points", "square meter": "square meters",
              "square kilometer": "square kilometers"}


def _many(name: str) -> str:
    first, space, rest = name.partition(" ")
    if name in IRREGULAR or first.endswith(SAME_IN_PLURAL):
        return IRREGULAR.get(name, name)
    return first + "s" + space + rest


UNITS = {unit: (name, _many(name)) for unit, name in UNIT_NAMES.items()}
# Names whose "3.11" is a version ("three point eleven"), not a decimal ("three point one one").
PRODUCTS = ("Python", "Node", "Java", "Ruby", "Rust", "Go", "PHP", "Perl", "Kotlin", "Swift", "Scala", "Django",
            "Rails", "React", "Vue", "Angular", "TypeScript", "Postgres", "PostgreSQL", "MySQL", "Redis",
            "Kubernetes", "Docker", "Ubuntu", "Debian", "Fedora", "Windows", "macOS", "iOS", "iPadOS", "watchOS",
            "Android", "Chrome", "Firefox", "Safari", "GPT", "Claude", "Gemini", "Llama", "Mistral", "Qwen", "HTTP",
            "USB", "Bluetooth", "Unity", "Unreal", "Linux", "Git", "version", "Version")
