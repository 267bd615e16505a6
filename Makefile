# Quick start: `make run` serves Notecast on http://localhost:3005; `make test` runs the tests.
# Each target builds its own virtualenv (.venv) the first time, from the hash-locked requirements/*.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint bench lock clean types binary

$(PY):
	$(PYTHON) -m venv $(VENV)

# Exactly the locked versions, each checked against its hash; then Notecast itself, adding no dependency.
$(VENV)/.run-deps: requirements/run.txt pyproject.toml | $(PY)
	$(PIP) --require-hashes -r requirements/run.txt
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.test-deps: requirements/test.txt pyproject.toml | $(PY)
	$(PIP) --require-hashes -r requirements/test.txt
	$(PIP) --no-deps -e .
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(PY) main.py

# The test tools from npm (axe-core, openapi-typescript), exactly as locked; without npm their tests skip.
JS_TOOLS := tests/js/node_modules/.installed
$(JS_TOOLS): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null; then cd tests/js && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: the accessibility (axe-core) and TypeScript-types tests will be skipped"; fi

# Lint, the layering contracts (pyproject.toml), types, then the tests.
test: $(VENV)/.test-deps $(JS_TOOLS)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest

bench: $(VENV)/.test-deps
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	cd bench && ../$(PY) conversation.py && ../$(PY) api_throughput.py && ../$(PY) generation.py && ../$(PY) revoice.py && ../$(PY) preview.py && ../$(PY) events.py

lint: $(VENV)/.test-deps
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

# dist/notecast: one self-contained executable (Linux x86-64) with Python, the app, both voices and ffmpeg.
binary: $(VENV)/.test-deps
	PYTHON=$(PY) sh packaging/build.sh

# After changing the API: regenerate the TypeScript types the README points to (a test checks they are current).
types: $(VENV)/.test-deps $(JS_TOOLS)
	$(PY) -m tests.api_types

# After changing dependencies in pyproject.toml: re-resolve and re-hash both lock files.
# Extras stay in the lock (uvicorn[standard]==...): with them stripped, pip resolves nicegui's uvicorn[standard]
# to the newest release, which --require-hashes then refuses as unpinned.
lock: | $(PY)
	$(PIP) pip-tools
	$(VENV)/bin/pip-compile -q --generate-hashes --no-strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra postgres -o requirements/run.txt pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --no-strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra postgres --extra test -o requirements/test.txt pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts tests/js/node_modules build dist
