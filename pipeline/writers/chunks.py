"""Splits a long note into chunks a model can read, at headings and paragraphs, never dropping text."""

from __future__ import annotations

import re

from pipeline.sentences import split_sentences

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")


def _blocks(note: str) -> list[str]:
    blocks: list[list[str]] = [[]]
    for line in note.replace("\r\n", "\n").split("\n"):
        if (_HEADING.match(line) or not line.strip()) and blocks[-1]:
            blocks.append([])
        if line.strip():
            blocks[-1].append(line)
    return ["\n".join(block) for block in blocks if block]


def _pieces(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    pieces: list[str] = []
    for sentence in split_sentences(" ".join(block.split())):
        while len(sentence) > limit:  # a run-on "sentence": cut it rather than lose it
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        pieces.append(sentence)
    return pieces


def chunk_note(note: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters that together hold all of the note's text, in order."""
    chunks: list[str] = []
    current = ""
    for block in _blocks(note):
        for piece in _pieces(block, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks or [note[:limit]]
