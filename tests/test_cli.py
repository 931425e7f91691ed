"""`cchc parse` and `cchc ingest` as a user runs them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import ROOT, seed_path

README_LIKE = """# Walking skeleton: the five seed plans → one Parquet schema → DuckDB

Start here: every other issue builds on this path. Analysts need one command that turns plan files
into tables they can query.

## Build
1. **Project**: `pyproject.toml` (Python ≥ 3.11; python-docx, pdfplumber, pandas), console script `cchc`.
2. **Sample data**: the five seed texts under `data/raw/`.
- Headers recognised by synonyms, accent- and case-insensitive: STT/TT, nội dung, chủ trì, phối hợp.
"""


def cchc(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_parse_prints_json_lines(tmp_path):
    out = cchc("parse", str(seed_path("000")))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 24 and rows[0]["content"] == "Ban hành Kế hoạch CCHC năm 2026"


def test_parse_of_a_readme_is_a_one_line_error(tmp_path):
    readme = tmp_path / "README-like.txt"
    readme.write_text(README_LIKE, encoding="utf-8")
    out = cchc("parse", str(readme))
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "README-like.txt" in lines[0] and "not a plan" in lines[0]
    assert out.stdout == ""


def test_parse_missing_file(tmp_path):
    out = cchc("parse", str(tmp_path / "nope.txt"))
    assert out.returncode != 0 and "nope.txt" in out.stderr


def test_ingest_records_bad_files_and_keeps_going(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "so ngoại vụ 2026.txt").write_bytes(seed_path("000").read_bytes())
    (raw / "notes.txt").write_text(README_LIKE, encoding="utf-8")
    (raw / "junk.docx").write_bytes(b"\x00\x01garbage")
    out_dir, db = tmp_path / "normalized", tmp_path / "cchc.duckdb"
    out = cchc("ingest", "--raw", str(raw), "--out", str(out_dir), "--db", str(db))
    assert out.returncode == 3, out.stderr
    assert "FAILED" in out.stdout and "notes.txt" in out.stdout and "junk.docx" in out.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from tasks").fetchone()[0] == 24
    assert con.execute("select source_file from documents").fetchall() == [("so ngoại vụ 2026.txt",)]
    failed = dict(con.execute("select source_file, error from failures").fetchall())
    assert set(failed) == {"notes.txt", "junk.docx"}
    assert "not a plan" in failed["notes.txt"] and "not a DOCX file" in failed["junk.docx"]


def test_ingest_without_raw_folder(tmp_path):
    out = cchc("ingest", "--raw", str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
               "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 4 and "missing" in out.stderr
