"""The layering import-linter cannot check: main.py, settings.py and errors.py are single modules, not packages
(the packages' contracts are in pyproject.toml and run as `lint-imports` in `make test`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

OUR_PACKAGES = {"main", "cli", "api", "ui", "pipeline", "store", "settings", "errors", "tests", "bench"}


def _imported(path: Path) -> set[str]:
    """Top-level names of every module `path` imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("ground_floor", ["settings.py", "errors.py"])
def test_the_ground_floor_imports_nothing_of_ours(ground_floor: str) -> None:
    assert not _imported(ROOT / ground_floor) & OUR_PACKAGES


def test_nothing_but_the_command_line_imports_the_entry_point() -> None:  # `notecast serve` runs it
    importers = [path for folder in ("api", "ui", "pipeline", "store") for path in (ROOT / folder).rglob("*.py")
                 if "main" in _imported(path)]
    assert importers == []
    assert "main" not in _imported(ROOT / "settings.py") | _imported(ROOT / "errors.py")
