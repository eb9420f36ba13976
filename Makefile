# Task runner. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: help setup run test test-postgres lint bench bench-http clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) ## Create the virtualenv and install everything

run: $(STAMP) ## Set up, create/upgrade the SQLite database, load the standard agreements, serve the pages
	$(BIN)/flask --app wsgi registry init-db
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/flask --app wsgi registry dev-admin; fi
	@echo "ISA registry: open http://$(HOST):$(PORT)/ and sign in"
	$(BIN)/gunicorn --no-control-socket --config gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

test: $(STAMP) ## Set up and run the whole test suite (TEST_DATABASE_URL selects a server; in-memory SQLite by default)
	$(BIN)/pytest

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check agreements schemas
	$(BIN)/mypy agreements schemas registry

bench: $(STAMP) ## Run the checker benchmark and print its figures
	$(BIN)/python -m bench.checker

.PHONY: bench-load
bench-load: $(STAMP) ## Time and peak memory to load 20,000 organisations and 1,000 agreements (SQLite)
	$(BIN)/python -m bench.loading

.PHONY: bench-http
bench-http: $(STAMP) ## POST /api/v1/checks under gunicorn vs a bare Flask endpoint (uses wrk if installed: apt-get install wrk)
	$(BIN)/python -m bench.http

.PHONY: bench-documents
bench-documents: $(STAMP) ## Time to render and sign the standard MASH agreement (cold, warm) and a cached download
	$(BIN)/python -m bench.documents

.PHONY: pictures
pictures: $(STAMP) ## Draw the signed MASH PDF's cover and signature page into docs/images (needs pdftoppm: poppler-utils)
	$(BIN)/python -m bench.pictures

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
