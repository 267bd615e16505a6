"""The writer's own lines (`phrases.json`), and a deterministic chooser that avoids saying one line twice."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def phrase_table() -> dict[str, tuple[str, ...]]:
    """Every kind of line and its variants, from the package's data file."""
    raw: dict[str, Any] = json.loads(files("pipeline.writers.builtin").joinpath("phrases.json").read_text("utf-8"))
    return {kind: tuple(variants) for kind, variants in raw.items() if not kind.startswith("_")}


@cache
def table_digest() -> str:
    """Changes whenever a line changes, so scripts written with the old lines are not reused."""
    return hashlib.sha256(json.dumps(phrase_table(), sort_keys=True).encode()).hexdigest()[:12]


def _tidy(line: str) -> str:
    """A slot that ends in its own "?" (a question heading) followed by the line's "." or ","."""
    return line.replace("?.", "?").replace("?,", ",")


class Picker:
    """Chooses a variant of each kind of line: unspoken first, then the least used, ties broken by a hash of the
    note and the place in the script. The same note therefore always gets the same lines, and lines rarely
    repeat."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.used: Counter[str] = Counter()
        self.spoken: set[str] = set()
        self._draws: Counter[str] = Counter()

    def choose(self, kind: str, **slots: str) -> str:
        """The best filled variant of `kind`, remembered as spoken."""
        template, line = self._best(kind, slots)
        self.used[template] += 1
        self.spoken.add(line)
        return line

    def fresh(self, kind: str, **slots: str) -> str | None:
        """Like `choose`, but None when every variant has already been spoken in this script."""
        template, line = self._best(kind, slots)
        if line in self.spoken:
            return None
        self.used[template] += 1
        self.spoken.add(line)
        return line

    def _best(self, kind: str, slots: dict[str, str]) -> tuple[str, str]:
        self._draws[kind] += 1
        draw = self._draws[kind]

        def rank(template: str) -> tuple[bool, int, str]:
            tiebreak = hashlib.sha256(f"{self.seed}|{kind}|{draw}|{template}".encode()).hexdigest()
            return _tidy(template.format(**slots)) in self.spoken, self.used[template], tiebreak

        template = min(phrase_table()[kind], key=rank)
        return template, _tidy(template.format(**slots))
