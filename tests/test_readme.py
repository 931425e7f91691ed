"""Every SQL example in the README runs against the sample data and answers."""
from __future__ import annotations

import re

import duckdb
import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sql\n(.*?)```", README, re.S)
STATEMENTS = [s.strip() for block in BLOCKS for s in block.split(";")
              if any(line.strip() and not line.strip().startswith("--") for line in s.splitlines())]
# examples over tables the sample may leave empty (no failure in the sample data, one run only)
MAY_BE_EMPTY = ("FROM failures", "FROM runs", "FROM responsibility_gaps")


@pytest.fixture(scope="module")
def con(sample_ingest):
    tmp, _ = sample_ingest
    connection = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_readme_has_examples():
    assert len(STATEMENTS) >= 12


@pytest.mark.parametrize("sql", STATEMENTS, ids=[s.splitlines()[0][:50] for s in STATEMENTS])
def test_readme_query_answers(con, sql):
    rows = con.execute(sql).fetchall()
    assert rows or any(t in sql for t in MAY_BE_EMPTY), sql
