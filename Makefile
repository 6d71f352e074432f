# The commands a newcomer types. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint check serve worker upgrade demo bench clean

# A fresh virtualenv with the project and its development tools; redone when pyproject changes.
$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## run: set up, upgrade the database, load the demo data and serve on http://$(HOST):$(PORT);
##      the demo signs in with the password alone (development only, and the pages say so);
##      `make run OVERSLAAN=false` asks for the second factor as production does
OVERSLAAN ?= true
run: $(BIN)/.installed upgrade demo
	@echo "Open http://$(HOST):$(PORT) and sign in with one of the demo accounts above."
	FLASK_TWEEDE_FACTOR_OVERSLAAN=$(OVERSLAAN) $(BIN)/flask run --host $(HOST) --port $(PORT)

upgrade: $(BIN)/.installed
	$(BIN)/flask db upgrade

demo: $(BIN)/.installed
	$(BIN)/flask demo laden

## test: set up and run the whole suite (TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)
test: $(BIN)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff and mypy, as CI runs them
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test

## bench: the Excel import against bare openpyxl and calamine reads (1k, 10k, 100k rows),
## what a large return and a large error workbook cost (bench/excel_grenzen.py), and the
## spending summary's export against a bare openpyxl write loop (10k, 100k lines), and the
## formatter built once against Babel per value (bench/formatting.py), and confirming a
## historical import against checking it, on PostgreSQL (bench/historische_import.py: 10k,
## 100k rows; a PostgreSQL server at DATABASE_URL or 127.0.0.1:5432)
bench: $(BIN)/.installed
	$(BIN)/python bench/excel_import.py
	$(BIN)/python bench/excel_grenzen.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/formatting.py
	$(BIN)/python bench/historische_import.py

## serve: production-style server, settings in gunicorn.conf.py (set APP_ENV=production,
##        SECRET_KEY and DATABASE_URL first), with a worker for the background jobs beside
##        it (`flask taken worker`), stopped when gunicorn stops
serve: $(BIN)/.installed
	$(BIN)/flask taken worker & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

## worker: the background jobs' worker alone (TAKEN_WACHTRIJ=sqlite or redis, or production)
worker: $(BIN)/.installed
	$(BIN)/flask taken worker

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
