# The commands the README names. Each sets up what it needs from a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install neo4j neo4j-stop demo test unit lint format bench schema-export clean

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

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: neo4j
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .neo4j .pytest_cache .mypy_cache .ruff_cache
