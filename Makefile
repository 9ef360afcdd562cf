# The two commands of the README: `make run` (set up + start the app) and `make test` (set up + whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test lint bench seed clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run streamlit_app.py

# Chromium (Debian's, for the browser tests) and a running PostgreSQL (for the backend tests).
system-deps:
	@bash scripts/system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# ruff (lint + format check) and pyright (config in pyproject.toml); CI fails on any finding (--warnings: a
# pyright warning fails it too, not only an error).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pyright --warnings

bench: $(STAMP)
	$(BIN)/python -m explorer bench $(BENCH_ARGS)

seed: $(STAMP)
	$(BIN)/python -m seed --scale $(or $(SCALE),demo)

clean:
	rm -rf $(VENV) data artifacts .pytest_cache
