# Police complaint reviews: `make help` lists what you can run.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
# Security lint of the application (not the tests); settings in pyproject.toml [tool.bandit].
# No dependency audit (pip-audit) here: it needs a vulnerability database (PyPI's JSON API or
# OSV), and from this build machine PyPI's JSON API answers 404, so such a step could never pass.
# Check the pinned versions against https://osv.dev from a machine that can reach it.
BANDIT = $(BIN)/bandit --quiet --configfile pyproject.toml --recursive web reviews portal staff accessibility wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help run test test-fast deploy-check accessibility lint format assets chromium migration bench soak

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP) ## Serve http://127.0.0.1:5000 and run the worker beside it (Procfile.dev), on SQLite
	APP_ENV=development $(BIN)/flask --app wsgi db upgrade
	@echo "Open http://$(HOST):$(PORT)/ in your browser (Ctrl+C stops the server and the worker)."
	APP_ENV=development HOST=$(HOST) PATH="$(abspath $(BIN)):$$PATH" \
	  $(BIN)/honcho --procfile Procfile.dev start --port $(PORT)

chromium: ## Make sure Debian's Chromium is installed for the browser tests
	@scripts/ensure-chromium.sh

test: $(TEST_STAMP) chromium ## Lint and type-check, then run the whole test suite, browser tests included
	@scripts/ensure-vnu.sh
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/mypy
	$(BANDIT)
	$(BIN)/pytest

# Chromium's packages also bring the HarfBuzz subsetter that WeasyPrint warns without.
test-fast: $(TEST_STAMP) chromium ## The edit loop: lint and types, then every test but the browser ones, on both cores (about 4 minutes)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/mypy
	$(BANDIT)
	@# Two workers, each with its own SQLite database; on PostgreSQL they would share one schema.
	$(BIN)/pytest $(if $(DATABASE_URL),,-n 2) tests/unit tests/app

# The database the deploy check empties and deploys to (CI's PostgreSQL by default).
DEPLOY_CHECK_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
DEPLOY_CHECK_REDIS_URL ?= redis://127.0.0.1:6379/3

deploy-check: $(TEST_STAMP) ## Deploy as the README says (scripts/deploy.sh, the Procfile) against PostgreSQL and Redis, and send a request through it
	DEPLOY_CHECK_DATABASE_URL=$(DEPLOY_CHECK_DATABASE_URL) DEPLOY_CHECK_REDIS_URL=$(DEPLOY_CHECK_REDIS_URL) \
	  $(BIN)/pytest tests/deploy

accessibility: $(TEST_STAMP) chromium ## Run the browser checks; write reports/accessibility/ and accessibility/latest_results.json
	@scripts/ensure-vnu.sh
	ACCESSIBILITY_REPORT=reports/accessibility $(BIN)/pytest tests/browser
	@echo "Report: reports/accessibility/index.html (the statement shows accessibility/latest_results.json)"

lint: $(TEST_STAMP) ## Check the code with ruff, its types with mypy, its security with bandit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BANDIT)

format: $(TEST_STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(TEST_STAMP) ## Time the busiest pages under gunicorn on SQLite and PostgreSQL against a bare Flask app; writes docs/benchmarks.md
	$(BIN)/python scripts/bench.py

soak: $(TEST_STAMP) ## Submissions from 50 clients while database connections, workers and email fail; proves nothing was lost (SOAK_SUBMISSIONS=3000 for the long one)
	$(BIN)/python scripts/soak.py

assets: ## Rebuild static/ from the pinned npm lockfile (needs Node.js)
	scripts/build-assets.sh

migration: $(RUNTIME_STAMP) ## Write a new migration from model changes: make migration m="what changed"
	APP_ENV=development $(BIN)/flask --app wsgi db migrate -m "$(m)"
