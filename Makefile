# Points Mall. `make run` serves the mall with demo data; `make test` lints, then runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_WORKERS ?= 2
export FLASK_APP := wsgi

.PHONY: run lint test unit integration e2e screenshots bench bench-expiry translations extract-messages check clean chromium postgresql redis wrk lock

run: $(VENV)/.runtime translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "Serving the mall on http://$(HOST):$(PORT)"
	$(BIN)/flask jobs run & jobs=$$!; \
	trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) wsgi:app

# ruff, configured in pyproject.toml; `make test` runs it first, so a lint failure stops it at once.
lint: $(VENV)/.dev
	$(BIN)/ruff check .

test: lint $(VENV)/.dev chromium postgresql redis translations
	$(BIN)/pytest -n $(TEST_WORKERS)

unit: $(VENV)/.dev translations
	$(BIN)/pytest tests/unit

integration: $(VENV)/.dev postgresql redis translations
	$(BIN)/pytest -n $(TEST_WORKERS) tests/integration tests/races

e2e: $(VENV)/.dev chromium translations
	$(BIN)/pytest tests/e2e

# Phone and kiosk screenshots of the member's pages under screenshots/, for people to look at.
screenshots: $(VENV)/.dev chromium translations
	$(BIN)/pytest -m screenshots tests/e2e/test_screenshots.py

# The load bench (bench/load.py) drives the mall under gunicorn with wrk and writes
# bench/results.json; its database is built once under bench/data/ and reused.
bench: $(VENV)/.dev translations wrk postgresql
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.durability
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.load

bench-expiry: $(VENV)/.runtime translations
	$(BIN)/python -m bench.expiry --large

check: $(VENV)/.runtime
	$(BIN)/flask ledger check

# requirements.txt and requirements-dev.txt are the readable lists of what the mall and its
# tests use; requirements.lock and requirements-dev.lock pin every package those bring in,
# transitive ones included, and are what gets installed, so every machine runs what CI tested.
$(VENV)/.runtime: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

# After changing requirements.txt or requirements-dev.txt: `make lock`, then commit the lists
# and the locks together. It installs the lists into a throwaway virtualenv and writes what
# pip installed: the runtime list first, then the test tools held to the runtime lock (so the
# two locks agree); requirements-dev.lock holds only what the test tools add.
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; pip="$$tmp/venv/bin/pip --quiet --disable-pip-version-check"; \
	$$pip install -r requirements.txt; \
	{ echo "# Every package requirements.txt installs, at the version CI tested. Written by \`make lock\`."; \
	  $$pip freeze; } > requirements.lock; \
	$$pip install -r requirements-dev.txt -c requirements.lock; \
	{ echo "# What requirements-dev.txt adds to requirements.lock, at the versions CI tested. Written by \`make lock\`."; \
	  $$pip freeze | grep -vxF -f requirements.lock; } > requirements-dev.lock; \
	echo "requirements.lock and requirements-dev.lock written"

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work offline.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The database tests run on SQLite and on a throwaway PostgreSQL cluster they start themselves.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
		echo "Installing PostgreSQL for the database tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# The load bench drives the mall over loopback with Debian's wrk.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing wrk for the load bench"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# One test shows sign-in limits shared between processes through a real Redis server.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "Installing Redis for the rate-limit tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d translations 2>/dev/null

extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k pattern -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
