"""`notecast check`: what a self-hoster runs first. Each check tries the real thing (write a file, open the
database, speak a sentence, run ffmpeg) and says in one line what it found."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pipeline import ffmpeg
from pipeline.providers import build_providers
from settings import Settings
from store.db import Database
from store.jobs import probe_writable

_SENTENCE = "Notecast is ready."


@dataclass(frozen=True)
class Check:
    """One check's outcome: what was checked, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


def _attempt(name: str, work: Callable[[], str]) -> Check:
    try:
        return Check(name, True, work())
    except Exception as exc:  # every failure is a finding to report, not a crash
        return Check(name, False, f"{type(exc).__name__}: {exc}".splitlines()[0][:300])


def _data_dir(settings: Settings) -> str:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.data_dir, prefix=".check-") as probe:
        probe.write(b"ok")
        probe.flush()
    return f"{settings.data_dir} is writable"


def _database(settings: Settings) -> str:
    db = Database(settings.effective_database_url)
    try:
        db.create_all()
        probe_writable(db)
    finally:
        db.dispose()
    return f"{'SQLite' if db.is_sqlite else 'PostgreSQL'} accepts writes"


def _ffmpeg() -> str:
    output, _ = ffmpeg.run(["-version"], failure="ffmpeg -version failed", timeout=30)
    lines = output.decode(errors="replace").splitlines()
    return lines[0][:80] if lines else "ffmpeg runs"


def _voice(settings: Settings, name: str) -> Callable[[], str]:
    def speak() -> str:
        audio = build_providers(settings).voices.voice(name).synthesize(_SENTENCE)
        if len(audio) < 1000:
            raise RuntimeError(f"the voice {name} returned almost no audio ({len(audio)} bytes)")
        return f"{name} speaks"
    return speak


def _providers(settings: Settings) -> str:
    providers = build_providers(settings)
    return (f"script writer {settings.script_provider}, voices {', '.join(h.voice for h in providers.hosts)}, "
            f"media store {settings.media_store}")


def run_checks(settings: Settings) -> Iterator[Check]:
    """Every check, in the order a broken setup is easiest to read: storage, database, ffmpeg, providers, voices."""
    yield _attempt("data directory", lambda: _data_dir(settings))
    yield _attempt("database", lambda: _database(settings))
    yield _attempt("ffmpeg", _ffmpeg)
    yield _attempt("providers", lambda: _providers(settings))
    hosts = build_providers(settings).hosts
    for name in dict.fromkeys(host.voice for host in hosts):
        yield _attempt(f"voice {name}", _voice(settings, name))
