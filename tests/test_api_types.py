"""The TypeScript types in docs/ (and the README) match the live /openapi.json, and the README's Next.js route
handler type-checks against them."""

from __future__ import annotations

import subprocess

import pytest

from tests.api_types import CHECKED_IN, GENERATOR, generate
from tests.server import ROOT

TSC = GENERATOR.parent / "tsc"


@pytest.mark.skipif(not GENERATOR.exists(), reason="openapi-typescript is not installed (make test installs it)")
def test_the_checked_in_typescript_types_match_the_live_schema() -> None:
    fresh = generate()
    assert "JobView" in fresh and "etaSeconds?: number" in fresh and "shareUrl?: string" in fresh
    assert CHECKED_IN.read_text(encoding="utf-8") == fresh, "the API changed: run `make types` and commit the result"


@pytest.mark.skipif(not TSC.exists(), reason="typescript is not installed (make test installs it)")
def test_the_readme_s_next_js_route_handler_type_checks_against_the_types() -> None:
    checked = subprocess.run([str(TSC), "-p", str(ROOT / "tests" / "js" / "tsconfig.json")], capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
