# cchc-etl: `make ingest` turns data/raw into Parquet + DuckDB; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup ingest test lint bench clean

setup: $(STAMP)

# Reinstall only when the project definition changes (quick no-op otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

ingest: setup
	$(BIN)/cchc ingest --raw data/raw --out data/normalized --db data/cchc.duckdb

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline parsers schemas tests

bench: setup
	$(BIN)/python -m tests.bench

clean:
	rm -rf data/normalized/*.parquet data/cchc.duckdb
