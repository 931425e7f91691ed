"""Every SQL example in the README runs against the sample data and answers."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sql\n(.*?)```", README, re.S)
STATEMENTS = [s.strip() for block in BLOCKS for s in block.split(";")
              if any(line.strip() and not line.strip().startswith("--") for line in s.splitlines())]
# examples over tables the sample may leave empty (no failure in the sample data, one run only)
MAY_BE_EMPTY = ("FROM failures", "FROM runs", "FROM responsibility_gaps")


@pytest.fixture(scope="module")
def con(sample_con):
    return sample_con


def test_readme_has_examples():
    assert len(STATEMENTS) >= 12


@pytest.mark.parametrize("sql", STATEMENTS, ids=[s.splitlines()[0][:50] for s in STATEMENTS])
def test_readme_query_answers(con, sql):
    rows = con.execute(sql).fetchall()
    assert rows or any(t in sql for t in MAY_BE_EMPTY), sql


def test_every_readme_question_runs_in_the_duckdb_shell(sample_ingest):
    """The README's SQL as an analyst types it: the CLI binary of the venv, read-only, on the database file."""
    import subprocess
    import sys
    from pathlib import Path

    tmp, _ = sample_ingest
    binary = Path(sys.executable).parent / "duckdb"
    assert binary.exists(), "make setup installs the DuckDB shell (duckdb-cli) into .venv/bin"
    for sql in STATEMENTS:
        out = subprocess.run([str(binary), "-readonly", "-csv", str(tmp / "cchc.duckdb"), "-c", sql + ";"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0 and "Error" not in out.stderr, (sql, out.stderr)
        assert out.stdout.count("\n") > 1 or any(t in sql for t in MAY_BE_EMPTY), (sql, out.stdout)
