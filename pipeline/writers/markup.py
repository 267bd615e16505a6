"""HTML inside a note, read as a Markdown renderer would read it: markup, not words. Only HTML's element names
count ("x <y and y> z" stays as written); a comment's, script's or style's content is no more said than shown.
Every search here is linear in the note's length: notes are hostile input."""

from __future__ import annotations

import re

# Inline elements sit inside words ("H<sub>2</sub>O"), so they go without a trace; block elements part them.
_INLINE = "a|abbr|b|big|cite|code|del|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|tt|u|var"
_BLOCK = ("audio|blockquote|br|center|dd|details|div|dl|dt|figcaption|figure|h[1-6]|hr|iframe|img|li|ol|p|picture|"
          "pre|script|source|style|summary|table|tbody|td|tfoot|th|thead|tr|ul|video|wbr")
# attribute values are bounded, so a quote that is never closed cannot send every "<" after it to the note's end
_ATTRIBUTES = r"""(?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"]{0,300}"|'[^']{0,300}'|[^\s"'<>]+))?)+"""
_TAG = re.compile(
    # a tag with attributes does not follow a letter: "a<b and c>d" compares
    rf"(?<!\w)<(?=[A-Za-z])(?:({_INLINE})|{_BLOCK})(?![\w-]){_ATTRIBUTES}\s*/?>"
    rf"|</?(?=[A-Za-z])(?:({_INLINE})|{_BLOCK})(?![\w-])\s*/?>", re.IGNORECASE)
_HIDDEN = re.compile(r"<!--|<(script|style)(?![\w-])", re.IGNORECASE)
_CLOSING = {"<!--": re.compile(r"-->"), "script": re.compile(r"</script\s*>", re.IGNORECASE),
            "style": re.compile(r"</style\s*>", re.IGNORECASE)}


def without_hidden(text: str) -> str:
    """`text` without its comments, scripts and styles (each to its closing mark; one never closed stays text)."""
    if "<" not in text:
        return text
    kept: list[str] = []
    at = 0
    closed = dict.fromkeys(_CLOSING, True)  # once a closing mark is not found, it is not looked for again
    for opening in _HIDDEN.finditer(text):
        if opening.start() < at:
            continue  # inside what was just left out
        kind = (opening.group(1) or opening.group()).lower()
        found = _CLOSING[kind].search(text, opening.end()) if closed[kind] else None
        closed[kind] = found is not None
        if found is not None:
            kept += [text[at:opening.start()], " "]
            at = found.end()
    return "".join([*kept, text[at:]])


def without_tags(text: str) -> str:
    """`text` without HTML tags: an inline element's leave the words around them joined, a block's part them."""
    if "<" not in text:
        return text
    return _TAG.sub(lambda tag: "" if tag.group(1) or tag.group(2) else " ", text)
