# The commands the README names. Each sets up what it needs from a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install neo4j neo4j-stop demo test unit lint format bench profile screenshots serve schema-export clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

neo4j: $(STAMP)
	$(BIN)/graph-cdp neo4j ensure

neo4j-stop: $(STAMP)
	$(BIN)/graph-cdp neo4j stop

demo: neo4j
	$(BIN)/graph-cdp demo

test: neo4j
	$(BIN)/pytest

unit: $(STAMP)
	$(BIN)/pytest tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks wipe their database, so they get a local server of their own.
BENCH_ENV := NEO4J_URI=bolt://127.0.0.1:7690 GRAPH_CDP_NEO4J_HTTP_PORT=7477 GRAPH_CDP_NEO4J_HOME=.neo4j-bench GRAPH_CDP_NEO4J_HEAP=4g GRAPH_CDP_NEO4J_PAGECACHE=4g
bench: $(STAMP)
	$(BENCH_ENV) $(BIN)/graph-cdp neo4j start
	$(BENCH_ENV) $(BIN)/python -m bench $(BENCH_ARGS)
	$(BENCH_ENV) $(BIN)/graph-cdp neo4j stop

# Where a read's time goes (cProfile, stdlib): bench/reports/profile.md. Same server as bench.
profile: $(STAMP)
	$(BENCH_ENV) $(BIN)/graph-cdp neo4j start
	$(BENCH_ENV) $(BIN)/python -m bench.profile $(PROFILE_ARGS)
	$(BENCH_ENV) $(BIN)/graph-cdp neo4j stop

serve: neo4j
	$(BIN)/graph-cdp serve

schema-export: $(STAMP)
	$(BIN)/python -m api.export_schema

screenshots: neo4j
	$(BIN)/python -m scripts.screenshots --demo

clean:
	rm -rf $(VENV) .neo4j .neo4j-bench .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
