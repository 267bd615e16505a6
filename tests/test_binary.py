"""The single executable (`make binary`), built here and run as a self-hoster would: from an empty folder, with
no virtualenv and no Python on the path (`env -i PATH=/usr/bin:/bin HOME=…`). It takes a few minutes, so
NOTECAST_SKIP_BINARY=1 skips it locally; CI runs it."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.audio_metrics import file_ebur128
from tests.server import ROOT, free_port
from tests.waiting import wait_until

BINARY = ROOT / "dist" / "notecast"
NOTE = ("# Sea stars\n\nSea stars are not fish. They have no brain and no blood. They move with hundreds of tiny "
        "tube feet, and they can regrow a lost arm in about a year.\n")

pytestmark = [
    pytest.mark.binary,
    pytest.mark.skipif(os.environ.get("NOTECAST_SKIP_BINARY") == "1", reason="NOTECAST_SKIP_BINARY=1"),
]


@pytest.fixture(scope="module")
def binary() -> Path:
    built = subprocess.run(["sh", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, capture_output=True, text=True,
                           timeout=1800, env={**os.environ, "PYTHON": str(ROOT / ".venv" / "bin" / "python")})
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    assert BINARY.stat().st_size > 50_000_000
    return BINARY


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """An empty working folder and an environment with nothing of this machine's Python in it."""
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    yield work, {"PATH": "/usr/bin:/bin", "HOME": str(home)}


def run(binary: Path, *args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_check_and_make_work_offline_from_an_empty_folder(binary: Path, bare: tuple[Path, dict[str, str]]
                                                           ) -> None:
    work, env = bare
    checked = run(binary, "check", cwd=work, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert [line.split()[0] for line in checked.stdout.splitlines()] == ["ok"] * 6

    (work / "note.md").write_text(NOTE)
    made = run(binary, "make", "note.md", "--format", "brief", "--json", cwd=work, env=env)
    assert made.returncode == 0, made.stderr
    result = json.loads(made.stdout)
    assert abs(file_ebur128(Path(result["audio"]))["integrated"] + 16) <= 1
    assert sorted(path.name for path in work.iterdir()) == [
        "note.chapters.json", "note.json", "note.md", "note.mp3", "note.srt", "note.vtt"], "nothing else here"
    data = Path(env["HOME"]) / ".local" / "share" / "notecast"
    assert (data / "notecast.db").is_file(), "state goes to the user's data directory"


def test_serve_answers_health_runs_a_job_and_shows_the_page(binary: Path, bare: tuple[Path, dict[str, str]]
                                                             ) -> None:
    work, env = bare
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(binary), "serve"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**env, "HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_BASE_URL": base})
    try:
        def health() -> int:
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code
            except httpx.TransportError:
                return 0

        wait_until(health, lambda status: status == 200, timeout=120, every=0.2)
        job_id = httpx.post(f"{base}/api/podcast/generate/async", timeout=10, json={
            "noteId": "n", "noteContent": NOTE, "userId": "u", "format": "brief"}).json()["jobId"]
        job = wait_until(lambda: httpx.get(f"{base}/api/podcast/jobs/{job_id}", timeout=10).json()["job"],
                         lambda job: job["status"] in ("completed", "failed"), timeout=300, every=0.5)
        assert job["status"] == "completed", job
        assert httpx.get(job["audioUrl"], timeout=10).content[:3] in (b"ID3", b"\xff\xfb")
        page = httpx.get(f"{base}/", timeout=10)
        assert page.status_code == 200 and "Notecast" in page.text
        assert list(work.iterdir()) == [], "the service keeps nothing in the working folder"
    finally:
        server.terminate()
        server.wait(timeout=30)
