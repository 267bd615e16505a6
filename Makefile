# Quick start: `make run` serves Notecast on http://localhost:3005; `make test` runs the tests.
# Each target builds its own virtualenv (.venv) the first time, from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench clean

$(VENV)/.run-deps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.run-deps
	$(PY) main.py

test: $(VENV)/.test-deps
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.test-deps
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	cd bench && ../$(PY) api_throughput.py && ../$(PY) generation.py

lint: $(VENV)/.test-deps
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
