# The commands the README names. Each sets up what it needs from a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install neo4j neo4j-stop demo test test-tools test-neo4j test-neo4j-stop unit lint format bench screenshots serve schema-export clean

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

# The tests wipe their database, so they run on a local server of their own, never on
# NEO4J_URI (tests/server.py; GRAPH_CDP_TEST_NEO4J_URI, default bolt://127.0.0.1:7691,
# GRAPH_CDP_TEST_NEO4J_HTTP_PORT 7478, GRAPH_CDP_TEST_NEO4J_HOME .neo4j-test).
test: $(STAMP) test-tools
	$(BIN)/python -m tests.server run $(PYTEST_ARGS)

# Chromium, chromedriver, npm, openssl: installed when missing (as root), else named.
test-tools:
	scripts/test-tools

# The test server alone, to run pytest by hand: make test-neo4j && .venv/bin/pytest ...
test-neo4j: $(STAMP)
	$(BIN)/python -m tests.server start

test-neo4j-stop: $(STAMP)
	$(BIN)/python -m tests.server stop

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

serve: neo4j
	$(BIN)/graph-cdp serve

schema-export: $(STAMP)
	$(BIN)/python -m api.export_schema

screenshots: neo4j
	$(BIN)/python -m scripts.screenshots --demo

clean:
	rm -rf $(VENV) .neo4j .neo4j-bench .neo4j-test .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
