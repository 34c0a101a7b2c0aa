# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 3
FLASK := $(BIN)/flask --app app

.PHONY: run public-url screenshots test test-postgres install install-dev translations extract-messages chromium postgresql shared-stores db serve lint typecheck lock bench clean

# Mail, feed and calendar links are built on the public address: unless COVENANT_PUBLIC_URL is
# given, it is the address `make run` serves on, so PORT=8000 gives links to port 8000.
run public-url: export COVENANT_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

public-url:
	@echo "$$COVENANT_PUBLIC_URL"

# A job consumer (mail, digests, periodic jobs) runs beside gunicorn and stops with it.
run: install translations db
	$(FLASK) jobs worker & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind 127.0.0.1:$(PORT) app:app

# The whole suite on SQLite, then the suites that differ most between backends again on
# PostgreSQL (tests/postgres/whole_suite.py points every test app at a throwaway cluster).
PG_SUITES ?= tests/search tests/matching tests/forum tests/programme

test: install-dev translations chromium postgresql shared-stores typecheck
	$(BIN)/python -m pytest -n 2 --dist loadfile -q
	$(MAKE) test-postgres

test-postgres: install-dev translations postgresql
	$(BIN)/python -m pytest -p tests.postgres.whole_suite -n 2 --dist loadfile -q $(PG_SUITES)

# The files and strictness are in pyproject.toml ([tool.mypy]): the engines strict, services checked.
typecheck: install-dev
	$(BIN)/mypy

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Every package, transitive ones too, pinned with its hashes (pip-compile from the .in files).
$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# After changing requirements.in or requirements-dev.in: pin and hash again (needs pip-tools).
PIP_COMPILE := pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled catalogs are build output: made from the committed .po files.
translations: install
	$(BIN)/pybabel -q compile -d translations

# For developers: refresh messages.pot and the three catalogs after changing strings.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_plural:1,2 --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db: install
	$(FLASK) init-db
	$(FLASK) load-demo
	$(FLASK) search ensure

# The browser tests drive Debian's chromium; install it when we can, else say how.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium' and retry."; exit 1; \
	fi

# tests/postgres starts a throwaway cluster from Debian's server binaries (versioned path).
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian's postgresql for the PostgreSQL tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
	  echo "The PostgreSQL tests need Debian's postgresql: run 'sudo apt-get install postgresql' and retry."; exit 1; \
	fi

# The shared rate-limit and cluster tests start throwaway Debian redis-server and memcached
# processes (never the system services).
shared-stores:
	@if [ -x /usr/bin/redis-server ] && [ -x /usr/bin/memcached ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
	  echo "Installing Debian's redis-server and memcached for the shared rate-limit tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server memcached >/dev/null; \
	else \
	  echo "The shared rate-limit tests need Debian's redis-server and memcached: run 'sudo apt-get install redis-server memcached' and retry."; exit 1; \
	fi

# Ten key pages at 390x844 and 1366x900 into docs/screenshots/ (README shows them).
screenshots: install-dev translations chromium
	$(BIN)/python docs/screenshots.py

lint: install-dev
	$(BIN)/ruff check covenant_hub tests app.py bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache
