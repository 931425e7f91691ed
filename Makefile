# cchc-etl: `make ingest` turns data/raw into Parquet + DuckDB; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup ingest nightly test lint bench clean setup-ocr

setup: $(STAMP)

# Reinstall only when the project definition changes (quick no-op otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

ingest: setup
	$(BIN)/cchc ingest --raw data/raw --out data/normalized --db data/cchc.duckdb

# Nightly: only new and changed files are read; exit 0 ok, 3 some files failed, 4 run failed, 5 locked.
nightly: setup
	$(BIN)/cchc ingest --incremental --raw data/raw --out data/normalized --db data/cchc.duckdb

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline parsers schemas tests

bench: setup
	$(BIN)/python -m tests.bench

# Optional: OCR of scanned PDF pages (Tesseract with Vietnamese data, Debian packages; needs root).
setup-ocr:
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie \
		|| $$(command -v sudo) apt-get install -y tesseract-ocr tesseract-ocr-vie

.PHONY: setup-full
# Optional system tools, all of them: LibreOffice Writer converts old .doc files (Word 97-2003),
# plus the OCR tools of setup-ocr. Debian packages; needs root. `make test` never needs them.
setup-full: setup setup-ocr
	command -v soffice >/dev/null || { $$(command -v sudo) apt-get update \
		&& $$(command -v sudo) apt-get install -y --no-install-recommends libreoffice-writer; }

clean:
	rm -rf data/normalized/*.parquet data/cchc.duckdb
