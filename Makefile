# cchc-etl: `make ingest` turns data/raw into Parquet + DuckDB; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup ingest nightly sql test lint bench clean setup-ocr setup-system

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
# make itself exits 2 whenever cchc does not exit 0 (its "Error 3" line names cchc's code): a scheduler
# that acts on the code runs .venv/bin/cchc itself (README, Nightly operation).
nightly: setup
	$(BIN)/cchc ingest --incremental --raw data/raw --out data/normalized --db data/cchc.duckdb

# The DuckDB shell on the database, read-only (a nightly run can rebuild it meanwhile); the same
# version as the Python package, so it opens the file.
sql: setup
	$(BIN)/duckdb -readonly data/cchc.duckdb

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check pipeline parsers schemas tests

bench: setup
	$(BIN)/python -m tests.bench

# Optional system tools (Debian packages; root or sudo): Tesseract with Vietnamese data reads scanned
# PDF pages (setup-ocr); LibreOffice Writer converts old .doc files; Chromium checks the HTML report
# in tests. `make test` never needs them: their tests skip with a reason when they are absent.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
OCR_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd
SYSTEM_PACKAGES := $(OCR_PACKAGES) libreoffice-writer chromium

setup-ocr:
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie \
		|| { $(APT) update -q && $(APT) install -y -q --no-install-recommends $(OCR_PACKAGES); }

.PHONY: setup-full
# LibreOffice for .doc files, plus the OCR tools of setup-ocr.
setup-full: setup setup-ocr
	command -v soffice >/dev/null || { $(APT) update -q && $(APT) install -y -q --no-install-recommends libreoffice-writer; }

# Every optional system tool at once (what CI installs before `make test`); a no-op once they are there.
setup-system:
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || { $(APT) update -q && $(APT) install -y -q --no-install-recommends $$missing; }

clean:
	rm -rf data/normalized/*.parquet data/cchc.duckdb
