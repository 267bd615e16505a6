"""Turns a Markdown note into sections of speakable sentences, in the note's order."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlparse

from pipeline.sentences import split_sentences, word_count
from pipeline.writers.markup import without_hidden, without_tags

# Stands in for a code block; the writer replaces it with a spoken remark instead of reading code aloud.
CODE_BLOCK = "\x00code\x00"

# the heading's text; its closing #s are stripped after the match (a lazy pattern ending in "\s*#*\s*$"
# backtracks for seconds over a long run of spaces)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"\bhttps?://[^\s)>\]]+")
_INLINE_CODE = re.compile(r"`([^`]*)`")
# The text inside stops at the next marker of its kind, so a line of unclosed markers (" *a" a thousand times)
# is read in linear time; nested emphasis ("**bold *and* italic**") comes off in two passes, inside first.
_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)([^*\n]*?[^\s*])\1|(~~)(?=\S)([^~\n]*?[^\s~])~~")
# underscores inside a word are no emphasis ("pg_stat_statements"), as in CommonMark
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(__|_)(?=\S)([^_\n]*?[^\s_])\1(?!\w)")
_SPACES = re.compile(r"\s+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,!?;:])")
# What each rewrite in speakable starts from (a tag, a link or image, a URL, code, emphasis, a non-ASCII
# character); most lines have none, and are only tidied.
_MARKUP = re.compile(r"[<\[`*_~\x80-\U0010ffff]|://")


_CLOSING = frozenset(".!?…:;")
_QUOTE_CLOSERS = frozenset("\"'”’)")  # after the mark: 'NASA called it a "successful failure."'


@dataclass
class NoteSection:
    """A heading (None before the first one) and the sentences under it."""

    heading: str | None
    sentences: list[str] = field(default_factory=list)
    # the first sentence is a line that may title a note written without Markdown ("Q3 planning sync, Oct 14"
    # standing alone above the notes); a writer that can tell a name from a sentence may take it as the heading
    opens_with_title_line: bool = False
    heads_a_list: bool = False  # the heading is a short line written right above a list ("What went well")


def speakable(text: str) -> str:
    """Inline Markdown to plain speech: link text, no markup (nor HTML tags outside code), URLs as their host, no
    emoji."""
    if _MARKUP.search(text) is None:
        return _tidied(text)
    if "<" in text:
        # split on a capturing pattern: the code spans' contents are the odd parts
        text = "".join(f"`{part}`" if index % 2 else without_tags(part)
                       for index, part in enumerate(_INLINE_CODE.split(text)))
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _URL.sub(lambda m: _host(m.group(0)), text)
    text = _INLINE_CODE.sub(lambda m: m.group(1), text)
    for _ in range(2):  # nested emphasis such as ***bold italic***
        text = _UNDERSCORE_EMPHASIS.sub(lambda m: m.group(2), _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text))
    # every emoji is outside ASCII: only those characters are looked at (most notes are mostly ASCII)
    text = _NON_ASCII.sub(lambda m: "" if _is_emoji(m.group()) else m.group(), text)
    return _tidied(text)


def _tidied(text: str) -> str:
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip()


def _host(url: str) -> str:
    """A URL as a host would say it: its site ("example.com"), or "a link" when it names none."""
    try:
        host = urlparse(url).netloc
    except ValueError:  # "http://[oops": an unclosed IPv6 bracket
        return "a link"
    return host.removeprefix("www.") or "a link"


def _is_emoji(ch: str) -> bool:
    category = unicodedata.category(ch)
    # the degree and number signs are symbols too, but part of what a note says ("85 °C", "№ 5")
    return (category == "So" and ch not in "°℃℉№") or ch in "\u200d\ufe0f" or category == "Cs"


def as_sentence(text: str) -> str:
    """`text` with its closing mark: a line written without one ("Attendees: Maria, Dev", a list item) would run
    into the next when it is said."""
    text = text.strip()
    if not text or text[-1] in _CLOSING or (text[-1] in _QUOTE_CLOSERS and text[-2:-1] in _CLOSING):
        return text
    return f"{text.rstrip(',–—- ') or text}."


def parse_note(markdown: str) -> list[NoteSection]:
    """Sections in note order; bullets and table rows become sentences, code blocks become CODE_BLOCK."""
    markdown = without_hidden(markdown)  # before lines: a comment or a style may run over several
    sections = [NoteSection(heading=None)]
    paragraph: list[str] = []
    in_code = False
    header: list[str] | None = None  # the column names of the table being read
    last_row: list[str] | None = None  # the cells of the table row just read
    table_rows = 0  # rows read of the table being read

    item: list[str] = []  # the list item being read: its bullet's line and the lines that wrap it

    def flush() -> None:
        if item:
            text = speakable(" ".join(item))
            if text:
                sections[-1].sentences.extend(split_sentences(as_sentence(text)))
            item.clear()
        if paragraph:
            text = speakable(" ".join(paragraph))
            sections[-1].sentences.extend(split_sentences(text))
            paragraph.clear()

    lines = markdown.replace("\r\n", "\n").split("\n")
    title_line = _title_line(lines)
    for number, line in enumerate(lines):
        if number == title_line:
            sections[-1].sentences.append(speakable(line.strip()))  # one sentence, as a heading is one name
            sections[-1].opens_with_title_line = True
            continue
        if _FENCE.match(line):
            flush()
            header = last_row = None
            if not in_code:
                sections[-1].sentences.append(CODE_BLOCK)
            in_code = not in_code
            continue
        if in_code:
            continue
        stripped = line.strip().lstrip(">").strip()
        in_table = stripped.startswith("|") and stripped.endswith("|")
        if (_TABLE_SEPARATOR.match(stripped) and "|" in stripped and last_row is not None and table_rows == 1
                and len(stripped.strip("|").split("|")) == len(last_row)):
            # the table's first row, right above its |---| line, names the columns: it is not read itself, but
            # names each cell below
            sections[-1].sentences.pop()
            header, last_row = last_row, None
            continue
        if not in_table:
            header = last_row = None
            table_rows = 0
        if not stripped or _RULE.match(stripped) or _TABLE_SEPARATOR.match(stripped):
            flush()
            continue
        if heading := _HEADING.match(stripped):
            flush()
            title = speakable(heading.group(2).rstrip().rstrip("#").rstrip()).rstrip(".:")  # "## Costs ##"
            sections.append(NoteSection(heading=title or None))
            continue
        if bullet := _BULLET.match(stripped):
            if len(paragraph) == 1 and _labels_a_list(paragraph[0]):
                # "What went well" or "Next steps:" on its own line above a list may head it (the writer, which
                # can tell a name from a sentence, decides)
                label = speakable(paragraph.pop()).rstrip(":").strip()
                sections.append(NoteSection(heading=label or None, heads_a_list=True))
            flush()
            item.append(bullet.group(1))
            continue
        if item and not in_table:  # a line that wraps the list item above it, indented or not
            item.append(stripped)
            continue
        if in_table:
            flush()
            cells = [speakable(cell) for cell in stripped.strip("|").split("|")]
            row = _table_row(cells, header)
            if row:
                sections[-1].sentences.append(row)
            last_row = cells if row else None
            table_rows += 1
            continue
        paragraph.append(stripped)
    flush()
    return [section for section in sections if section.heading or _has_words(section.sentences)]


_TITLE_WORDS = 12
# who came to a meeting: also read by the built-in writer, which says "Maria and Dev were there"
ATTENDANCE_LABELS = "attendees|attending|present|participants"
_MEETING_LABEL = re.compile(rf"\s*(?i:{ATTENDANCE_LABELS}|agenda|date|time|location|where|when|facilitator|chair|"
                            r"note-?taker|notes by)\s*:")


def _title_line(lines: list[str]) -> int | None:
    """The line that may title a note written without Markdown: its first line, when it is short, has no closing
    punctuation and stands alone above the rest ("Q3 planning sync, Oct 14", a blank line, the notes). A list
    of such lines ("Buy milk", a blank line, "Call mom") has no title."""
    first = _lone_line(lines, 0)
    # where it stands first, what it says after: every enqueue reads its note's notices, so most notes (a
    # paragraph from the first line on) are told apart without reading their words
    if first is None or first + 1 == len(lines) or lines[first + 1].strip():
        return None
    following = _lone_line(lines, first + 1)
    if following is None or not _titles(lines[first]):
        return None
    # a meeting's "Attendees: Maria, Dev" under its name is no second title, nor a to-do
    if (_titles(lines[following]) and not _MEETING_LABEL.match(lines[following])
            and (following + 1 == len(lines) or not lines[following + 1].strip())):
        return None
    return first


def _lone_line(lines: list[str], start: int) -> int | None:
    """The first line from `start` with words on it."""
    return next((number for number in range(start, len(lines)) if lines[number].strip()), None)


def _titles(line: str) -> bool:
    stripped = line.strip()
    if (len(stripped) > 40 * _TITLE_WORDS or _HEADING.match(stripped) or _BULLET.match(stripped)
            or _FENCE.match(stripped) or _RULE.match(stripped) or stripped.startswith(("|", ">")) or "://" in stripped):
        return False
    said = speakable(stripped)  # "… at the beach! 🎉" ends with its "!"
    return (any(ch.isalpha() for ch in said) and said[-1] not in ".!?;:,…"
            and len(said.split()) <= _TITLE_WORDS)


_LIST_LABEL_WORDS = 6
_PERSONAL = frozenset("i i'm i've we we're we've you you're he she they they're it it's".split())


def _labels_a_list(line: str) -> bool:
    """Whether a line right above a list names it ("What went well", "Next steps:", "Ingredients"), rather than
    saying something ("Attendees: Maria, Dev, Priya", "I need to buy:", "Revenue grew.")."""
    said = speakable(line).removesuffix(":")
    words = said.split()
    return (0 < len(words) <= _LIST_LABEL_WORDS and said[-1] not in ".!?;:,…" and ":" not in said
            and any(ch.isalpha() for ch in said) and words[0].lower().replace("’", "'") not in _PERSONAL)


def _table_row(cells: list[str], header: list[str] | None) -> str:
    """A table row as a sentence: "Schema review: owner Priya, ETA 2 weeks." under its column names, else its
    cells in a row."""
    if header is None or len(header) != len(cells) or not cells[0]:
        row = ", ".join(cell for cell in cells if cell)
        return as_sentence(row) if row else ""
    named = [f"{_in_sentence(name)} {cell}".strip() for name, cell in zip(header[1:], cells[1:], strict=True)
             if cell]
    return as_sentence(f"{cells[0]}: {', '.join(named)}" if named else cells[0])


def _in_sentence(name: str) -> str:
    """A column name inside a sentence: "Owner" → "owner"; "ETA", "GitHub" and "ETA date" stay as written."""
    first = name.split(" ", 1)[0]
    return name[:1].lower() + name[1:] if first[1:].islower() and first[:1].isupper() else name


def _has_words(sentences: list[str]) -> bool:
    return any(word_count(sentence) for sentence in sentences if sentence != CODE_BLOCK)


SHORT_NOTE_WORDS = 40
# one token at a time: a pattern repeating links with whitespace around each backtracks exponentially
_LINK_TOKEN = re.compile(r"<https?://[^\s>]+>|https?://\S+|\[[^\]]*\]\([^)]*\)")


def note_notices(markdown: str) -> list[str]:
    """What a very short note will get, said plainly before it is generated."""
    if _only_links(markdown):
        return ["This note is only a link. Links are not fetched, so the episode can only mention it; paste the "
                "text itself for a real episode."]
    # Decided on the note's opening when that is enough: parsing all of a 100,000-character note took 16 ms of
    # the event loop per enqueue. The opening ends on a blank line, so it never holds a word the whole note
    # would not (no paragraph, list or table is cut), and it says "not short" only when the note is not.
    opening = _opening(markdown)
    words = _spoken_words(opening)
    if words < SHORT_NOTE_WORDS and len(opening) < len(markdown):
        words = _spoken_words(markdown)
    if words < SHORT_NOTE_WORDS:
        return [f"This note is very short ({words} word{'s' if words != 1 else ''}), so the episode will be about a "
                "minute of the hosts restating it; a longer note makes a fuller episode."]
    return []


def _only_links(markdown: str) -> bool:
    tokens = 0
    for token in _TOKEN.finditer(markdown):  # not str.split(): a long note is told apart at its first word
        if not _LINK_TOKEN.fullmatch(token.group()):
            return False
        tokens += 1
    return tokens > 0


_TOKEN = re.compile(r"\S+")
_OPENING_CHARS = 2_000
# The lines parse_note reads as blank (its strip, lstrip(">"), strip), or fewer: "> >" is not one.
_BLANK_LINE = re.compile(r"\n[ \t]*>*[ \t]*\r?\n")


def _opening(markdown: str) -> str:
    """The note up to its first blank line after `_OPENING_CHARS` characters (all of it if there is none)."""
    blank = _BLANK_LINE.search(markdown, _OPENING_CHARS)
    return markdown if blank is None else markdown[:blank.start()]


def _spoken_words(markdown: str) -> int:
    return sum(word_count(s) for section in parse_note(markdown) for s in section.sentences if s != CODE_BLOCK)


def provisional_title(markdown: str, longest: int = 80) -> str:
    """What to call a job before its script names it: the note's first heading, else its first sentence
    (shortened at a word to `longest` characters)."""
    sections = parse_note(markdown[:5000])  # the title is near the top; a long note need not be read whole
    first = next((s.heading for s in sections if s.heading), None) or next(
        (sentence for s in sections for sentence in s.sentences if sentence != CODE_BLOCK), "Untitled note")
    return first if len(first) <= longest else first[:longest].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def note_excerpt(markdown: str, longest: int = 400) -> str:
    """The note's opening as plain sentences (headings dropped), for show notes: up to `longest` characters,
    shortened at a word."""
    sentences = [s for section in parse_note(markdown[:5000]) for s in section.sentences if s != CODE_BLOCK]
    text = " ".join(sentences)
    return text if len(text) <= longest else text[:longest].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
