"""`python -m cli`, and the single executable's entry point."""

from cli.app import run

run()
