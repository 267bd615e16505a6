"""The `notecast` command line, run as a person or a script would: make, check, jobs and feed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from rich.progress import Progress

from cli.making import BarSink
from tests.audio_metrics import file_ebur128
from tests.server import running_server, wait_for_job_at

NOTE = ("# Sea stars\n\nSea stars are not fish. They have no brain and no blood. They move with hundreds of tiny "
        "tube feet, and they can regrow a lost arm in about a year.\n")


def notecast(*args: str, cwd: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NOTECAST_DATA_DIR": str(cwd / "data"), **env}
    return subprocess.run([sys.executable, "-c", "from cli.app import run; run()", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, env=environment, timeout=600)


@pytest.mark.slow
def test_make_writes_the_episode_and_its_side_files_offline(tmp_path: Path) -> None:
    (tmp_path / "sea-stars.md").write_text(NOTE)
    done = notecast("make", "sea-stars.md", "--format", "brief", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    audio = tmp_path / "sea-stars.mp3"
    assert Path(made["audio"]).resolve() == audio.resolve() and made["title"] == "Sea stars"
    assert {kind: Path(path).name for kind, path in made["files"].items()} == {
        "vtt": "sea-stars.vtt", "srt": "sea-stars.srt", "json": "sea-stars.json", "chapters": "sea-stars.chapters.json"}
    assert all(Path(path).is_file() for path in made["files"].values())
    assert "tube feet" in (tmp_path / "sea-stars.vtt").read_text()
    measured = file_ebur128(audio)
    assert abs(measured["integrated"] + 16) <= 1 and made["seconds"] > 5
    assert not list(tmp_path.glob("notecast-make-*")), "the scratch folder is removed"


@pytest.mark.slow
def test_make_reads_standard_input_and_is_quiet_when_asked(tmp_path: Path) -> None:
    done = notecast("make", "-", "-o", "out/episode.m4a", "--format", "brief", "-q", cwd=tmp_path, stdin=NOTE)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert (tmp_path / "out" / "episode.m4a").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["make", "missing.md"], "No note at missing.md"),
    (["make", "note.md", "-o", "episode.wav"], "-o must end in .mp3, .m4a, .opus"),
    (["make", "note.md", "--duration", "huge"], "duration must be one of: short, medium, long"),
    (["make", "note.md", "--voices", "piper:joe"], "--voices takes two voices"),
    (["make", "note.md", "--voices", "piper:joe,nobody:here"], "nobody:here"),
])
def test_mistakes_are_one_line_and_a_non_zero_exit(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "note.md").write_text(NOTE)
    done = notecast(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("notecast: ") and message in done.stderr and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_check_reports_each_check_and_fails_when_one_does(tmp_path: Path) -> None:
    good = notecast("check", cwd=tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    lines = good.stdout.splitlines()
    assert [line.split(maxsplit=1)[1].split(": ")[0] for line in lines] == [
        "data directory", "database", "ffmpeg", "providers", "voice piper:joe", "voice hibari:heart"]
    assert all(line.startswith("ok") for line in lines)
    bad = notecast("check", cwd=tmp_path, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert bad.returncode == 1 and "FAIL  database:" in bad.stdout


def test_bar_shows_the_step_and_the_notices() -> None:
    screen = io.StringIO()
    with Progress(console=Console(file=screen, force_terminal=True, width=100)) as progress:
        sink = BarSink(progress)
        sink.script_written(300, 120, ["This note is very short."])
        sink.report(40, "Voicing line 17 of 35")
        progress.refresh()
    assert "Voicing line 17 of 35" in screen.getvalue() and "This note is very short." in screen.getvalue()
    assert progress.tasks[0].completed == 40


def test_jobs_and_feed_talk_to_a_running_server(tmp_path: Path) -> None:
    with running_server(tmp_path / "server") as base:
        queued = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": "n", "noteContent": NOTE, "userId": "cli-user", "format": "brief"}).json()
        job = wait_for_job_at(base, queued["jobId"])
        assert job["status"] == "completed"

        listed = notecast("jobs", "list", "cli-user", "--url", base, cwd=tmp_path)
        assert listed.returncode == 0 and queued["jobId"] in listed.stdout and "completed" in listed.stdout
        shown = json.loads(notecast("jobs", "show", queued["jobId"], "--url", base, cwd=tmp_path).stdout)
        assert shown["audioUrl"] == job["audioUrl"]
        as_json = json.loads(notecast("jobs", "list", "cli-user", "--json", cwd=tmp_path, NOTECAST_URL=base).stdout)
        assert [item["jobId"] for item in as_json] == [queued["jobId"]]
        refused = notecast("jobs", "cancel", queued["jobId"], "--url", base, cwd=tmp_path)
        assert refused.returncode == 1 and refused.stderr.startswith("notecast: 409: Job is already completed")
        feed = notecast("feed", "cli-user", "--url", base, cwd=tmp_path)
        assert feed.returncode == 0 and feed.stdout.startswith("Notecast — My episodes\n")
        assert f"{base}/feeds/cli-user/" in feed.stdout


def test_webhook_secret_shows_what_webhooks_are_signed_with(tmp_path: Path) -> None:
    from standardwebhooks.webhooks import Webhook

    from settings import Settings

    done = notecast("webhook-secret", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.strip()
    expected = Settings(_env_file=None, notecast_data_dir=tmp_path / "data").effective_webhook_secret  # type: ignore
    assert shown == expected and shown.startswith("whsec_")
    Webhook(shown)
