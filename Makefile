# Renkei: `make demo [PORT=8000]` runs the demo on SQLite; `make test` runs the whole suite (SQLite, then PostgreSQL when it answers).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
# `make demo PORT=8123` serves the demo on another port.
PORT ?= 8000

.PHONY: setup demo test test-sqlite test-postgres lint migrations-check chromium messages benchmarks clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: setup
	$(BIN)/renkei demo --port $(PORT)

# Debian's chromium drives the browser tests; Playwright's own browser download does not work here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null) \
	  || echo "WARNING: could not install chromium; browser tests will be skipped"; }

lint: setup
	$(BIN)/ruff check renkei tests benchmarks

migrations-check: setup
	DJANGO_SETTINGS_MODULE=renkei.settings.test $(BIN)/renkei makemigrations --check --dry-run

test-sqlite: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: setup
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
	  echo "== PostgreSQL at 127.0.0.1:5432 =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not browser"; \
	else echo "PostgreSQL does not answer on 127.0.0.1:5432: skipping the PostgreSQL run"; fi

test: setup chromium lint migrations-check
	@echo "== SQLite =="
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

messages: setup
	cd renkei && ../$(BIN)/renkei makemessages -l ja --ignore 'static/*' && ../$(BIN)/renkei compilemessages

benchmarks: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
