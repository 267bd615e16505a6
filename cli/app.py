"""The `notecast` command: serve (the default), make, check, jobs and feed. Errors are one line and a non-zero
exit code; `--debug` shows the traceback instead."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from cli.remote import Server
from errors import NotecastError
from settings import ConfigError, Settings, load_settings

app = typer.Typer(add_completion=False, no_args_is_help=False, pretty_exceptions_enable=False,
                  help="Notecast: turn notes into two-host podcast episodes.")
jobs_app = typer.Typer(help="Jobs on a running server.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")

_DEBUG = {"on": False}
UrlOption = Annotated[str | None, typer.Option("--url", envvar="NOTECAST_URL", help=(
    "The server (default: PUBLIC_BASE_URL from the settings)"))]
KeyOption = Annotated[str | None, typer.Option("--api-key", envvar="NOTECAST_API_KEY", help=(
    "Its API key (default: the first of API_KEYS)"))]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]


@app.callback(invoke_without_command=True)
def main(ctx: typer.Context, debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False
         ) -> None:
    """With no command: serve."""
    _DEBUG["on"] = debug
    if ctx.invoked_subcommand is None:
        serve()


@app.command()
def serve() -> None:
    """Run the service (web pages and JSON API) on HOST:PORT, as `make run` does."""
    import main as service

    service.main()


@app.command()
def make(
    note: Annotated[str, typer.Argument(help="The note: a Markdown or text file, or - for standard input")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the episode "
                                                "(.mp3, .m4a or .opus; default: the note's name)")] = None,
    duration: Annotated[str, typer.Option(help="short, medium or long")] = "short",
    title: Annotated[str | None, typer.Option(help="The episode's title")] = None,
    format: Annotated[str, typer.Option("--format", help="conversation, brief or debate")] = "conversation",
    focus: Annotated[str | None, typer.Option(help='What to dwell on, e.g. "the numbers"')] = None,
    voices: Annotated[str | None, typer.Option(help="Two voices, e.g. piper:joe,hibari:heart")] = None,
    as_json: JsonOption = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors")] = False,
) -> None:
    """Make an episode here, offline, without a server; transcripts and chapters are written beside it."""
    from cli.making import make_command

    make_command(_settings(), note, output, duration=duration, title=title, format_name=format, focus=focus,
                 voices=voices, as_json=as_json, quiet=quiet)


@app.command()
def check() -> None:
    """Check this setup: data directory, database, ffmpeg, providers and voices. Exit code 1 if any fails."""
    from pipeline.selfcheck import run_checks

    failed = 0
    for result in run_checks(_settings()):
        failed += not result.ok
        typer.echo(f"{'ok  ' if result.ok else 'FAIL'}  {result.name}: {result.detail}")
    if failed:
        raise typer.Exit(1)


@app.command("webhook-secret")
def webhook_secret() -> None:
    """The secret webhooks are signed with (WEBHOOK_SECRET, or the one derived for this data directory), for a
    receiver's Standard Webhooks verifier."""
    typer.echo(_settings().effective_webhook_secret)


@jobs_app.command("list")
def jobs_list(user: Annotated[str, typer.Argument(help="The userId")], url: UrlOption = None,
              api_key: KeyOption = None, limit: int = 20, as_json: JsonOption = False) -> None:
    """A user's jobs, newest first."""
    from cli.remote import as_json as dumps
    from cli.remote import job_line

    found = _server(url, api_key).jobs(user, limit)
    typer.echo(dumps(found) if as_json else "\n".join(job_line(job) for job in found) or "No jobs.")


@jobs_app.command("show")
def jobs_show(job_id: Annotated[str, typer.Argument(help="The jobId")], url: UrlOption = None,
              api_key: KeyOption = None) -> None:
    """One job, as JSON."""
    from cli.remote import as_json

    typer.echo(as_json(_server(url, api_key).job(job_id)))


@jobs_app.command("cancel")
def jobs_cancel(job_id: str, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Cancel a queued or running job."""
    from cli.remote import job_line

    typer.echo(job_line(_server(url, api_key).cancel(job_id)))


@jobs_app.command("retry")
def jobs_retry(job_id: str, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Queue a failed or cancelled job again."""
    answer = _server(url, api_key).retry(job_id)
    typer.echo(f"{answer['jobId']}  {answer['status']}  {answer['message']}")


@app.command()
def feed(user: Annotated[str, typer.Argument(help="The userId")], url: UrlOption = None,
         api_key: KeyOption = None) -> None:
    """A user's private podcast feed address."""
    answer = _server(url, api_key).feed(user)
    typer.echo(f"{answer['title']}\n{answer['feedUrl']}")


def _settings() -> Settings:
    return load_settings()


def _server(url: str | None, api_key: str | None) -> Server:
    settings = _settings()
    keys = settings.api_key_list
    return Server(url or settings.public_base_url, api_key or (keys[0] if keys else None))


def run() -> None:
    """The console script: one readable line and an exit code for every expected failure."""
    multiprocessing.freeze_support()  # in a frozen program, the generation worker starts through here
    if getattr(sys, "frozen", False) and not os.environ.get("NOTECAST_DATA_DIR"):
        from platformdirs import user_data_dir

        # a single executable keeps its state per user, never beside itself or in the working directory
        os.environ["NOTECAST_DATA_DIR"] = user_data_dir("notecast", appauthor=False)
    try:
        app()  # usage mistakes and Ctrl-C are answered by Typer itself, with the usage line and exit code 2
    except KeyboardInterrupt:
        _fail("stopped", 130)
    except ConfigError as exc:
        _fail(f"configuration: {exc}", 2)
    except NotecastError as exc:
        _fail(exc.message, 1)
    except ValidationError as exc:
        from pipeline.jobs.submission import summarize, validation_fields

        _fail(summarize(validation_fields(exc)), 1)
    except Exception as exc:
        if _DEBUG["on"]:
            raise
        _fail(f"{type(exc).__name__}: {exc} (run with --debug for details)", 1)


def _fail(message: str, code: int) -> None:
    print(f"notecast: {message}", file=sys.stderr)
    raise SystemExit(code)
