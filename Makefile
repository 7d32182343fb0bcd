# socialpulse: `make run` builds the whole warehouse on the offline simulator; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# No telemetry, no state outside the repository.
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
# A single-run backfill records one "planned" event per asset instead of one per asset and day (400x fewer).
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS := 1
# ...and hands its per-partition materializations to the event storage in batches, which the instance's SQLite
# storage writes in one transaction each (pipelines/instance_storage.py, .dagster_home/dagster.yaml).
export DAGSTER_EVENT_BATCH_SIZE ?= 10000
export SOCIALPULSE_WAREHOUSE ?= $(CURDIR)/warehouse/socialpulse.duckdb

MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o \( -name '*.sql' -o -name '*.py' -o -name '*.yml' -o -name '*.md' \) -print 2>/dev/null)

.PHONY: help install install-lake test-lake run test ui simulator alerts publish bench bench-scale bench-history sentiment-evaluation lint format clean manifest browser docs

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "socialpulse needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# The DuckLake + PostgreSQL deployment (docs/deployment.md) runs DuckDB 1.4.4, the only DuckDB with DuckLake and
# PostgreSQL extension wheels: its own environment, .venv-lake, pinned by constraints-lake.txt.
LAKE_VENV := .venv-lake
LAKE_STAMP := $(LAKE_VENV)/.installed
$(LAKE_STAMP): pyproject.toml constraints-lake.txt
	@test -x $(LAKE_VENV)/bin/python || $(PYTHON) -m venv $(LAKE_VENV)
	$(LAKE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LAKE_VENV)/bin/python -m pip install --quiet -c constraints-lake.txt -e '.[dev,lake]'
	@touch $(LAKE_STAMP)

install-lake: $(LAKE_STAMP) ## Create .venv-lake for the DuckLake + PostgreSQL deployment (DuckDB 1.4.4, dagster-postgres)

install: $(STAMP) ## Create .venv and install socialpulse with the tested versions (constraints.txt)

$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/dbt parse --project-dir dbt_project --profiles-dir dbt_project --quiet
	@touch $(MANIFEST)

manifest: $(MANIFEST) ## Prepare the dbt manifest (dbt parse)

run: $(MANIFEST) ## Install, start the simulator, load the default date range, build the marts, evaluate alerts
	$(BIN)/socialpulse run

test: $(MANIFEST) browser $(LAKE_STAMP) ## Run the test suite (then the DuckLake + PostgreSQL tests in .venv-lake)
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-lake

test-lake: $(MANIFEST) $(LAKE_STAMP) ## The DuckLake + PostgreSQL deployment's tests, in .venv-lake
	$(LAKE_VENV)/bin/python -m pytest tests/lake tests/pipeline/test_ducklake_deployment.py

# The UI and report tests drive Debian's chromium with Playwright (no browser download).
CHROMIUM := /usr/bin/chromium
browser: ## Install Debian's chromium for the browser tests (apt-get, once)
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| { echo "the browser tests need Debian's chromium at $(CHROMIUM): apt-get install chromium"; exit 1; }

# dbt docs in their own target path, so the manifest Dagster reads (dbt_project/target) is never overwritten.
DOCS_TARGET := target_docs
DOCS_PORT ?= 8081
docs: $(STAMP) ## Generate and serve the dbt docs on http://127.0.0.1:8081 (separate target path)
	$(BIN)/dbt docs generate --project-dir dbt_project --profiles-dir dbt_project --target-path $(DOCS_TARGET) --quiet
	$(BIN)/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project --target-path $(DOCS_TARGET) --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

ui: $(MANIFEST) ## Open the Dagster UI on http://127.0.0.1:3000 (with the simulator)
	$(BIN)/socialpulse ui

simulator: $(STAMP) ## Run the platform simulator in the foreground (see --help)
	$(BIN)/python -m pipelines.simulator --port 8765 --seed 7

alerts: $(MANIFEST) ## Evaluate the KPI alert rules over the dates not yet evaluated
	$(BIN)/socialpulse alerts

publish: $(STAMP) ## Publish the read-only copy BI tools open
	$(BIN)/socialpulse publish

bench: $(STAMP) ## Benchmarks (ratios against a baseline measured in the same run)
	$(BIN)/python -m bench

SCALE ?= 1
LATENCY_MS ?= 150
bench-scale: $(MANIFEST) ## Scale bench: make bench-scale SCALE=10 LATENCY_MS=150 (writes bench/results/scale-N.json)
	$(BIN)/python -m bench scale --scale $(SCALE) --latency-ms $(LATENCY_MS) --json bench/results/scale-$(SCALE).json

HISTORY_DAYS ?= 200
bench-history: $(MANIFEST) ## Nightly run after HISTORY_DAYS and twice as many days of history (target +20 % at most)
	$(BIN)/python -m bench history --days $(HISTORY_DAYS) --latency-ms $(LATENCY_MS) --json bench/results/history.json

sentiment-evaluation: $(STAMP) ## Sentiment precision and recall per class and language (docs/sentiment.md)
	$(BIN)/python -m bench sentiment

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP) ## ruff format
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean: ## Remove the warehouse, Dagster run history and dbt artifacts (keeps .venv)
	rm -rf warehouse reports dbt_project/target dbt_project/target_docs dbt_project/logs
	find .dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
