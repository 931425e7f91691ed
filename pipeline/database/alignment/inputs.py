"""What the scores are computed from: the views of sql/ up to `int_row_terms`, in a private in-memory DuckDB.

The views are the rules (which rows are compared with which framework, how a cell with several codes is cut,
how text becomes terms); here each is materialized as a table, layer by layer, so that every layer is computed
once. The terms are computed only for the scopes about to be scored: `int_units` is cut down to them first.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

# the source views the alignment reads (the run log and the failures play no part)
INPUT_SOURCES = ("00_documents.sql", "01_tasks.sql")
# the views from the units to the terms: computed for the scopes to score only
UNITS_VIEW = "21_int_units.sql"
TERM_VIEWS = ("22_int_row_fields.sql", "23_int_field_syllables.sql", "24_int_row_terms.sql")
# a scope's fingerprint: every column of its units (text, area, codes, ids), in unit order
FINGERPRINT_SQL = """
SELECT scope_id, any_value(kind = 'version_row') AS versions,
       count(*) FILTER (WHERE kind = 'department') AS department_units,
       md5(string_agg(hash(u)::VARCHAR, ',' ORDER BY unit_id)) AS fingerprint
FROM int_units u
GROUP BY scope_id
"""


def input_sql(sql: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Given every (file, SQL) of sql/ in build order, return those the scores depend on, up to int_row_terms."""
    out = []
    for name, text in sql:
        if name[0] == "0" and name not in INPUT_SOURCES:
            continue
        if name[0] not in "012":
            break
        out.append((name, text))
        if name == TERM_VIEWS[-1]:
            break
    return out


def as_table(text: str) -> str:
    """Given a view's SQL, return it creating a table of the same name instead (computed once, read often)."""
    return text.replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TABLE", 1)


def rules_fingerprint(sql: list[tuple[str, str]], version: str) -> str:
    """Given the input SQL and the scoring code's version, return a digest of every rule the scores follow.

    It covers the SQL text (parameters in alignment_params included), the data tables the SQL reads
    (read_csv of schemas/*.csv: abbreviations, stop syllables, …) and DuckDB's version (hash() is its own).
    """
    digest = hashlib.sha256(f"{version}|{duckdb.__version__}".encode())
    for name, text in input_sql(sql):
        digest.update(name.encode() + b"\0" + text.encode())
        for csv in re.findall(r"read_csv\('([^']+)'", text):
            digest.update(Path(csv.replace("''", "'")).read_bytes())
    return digest.hexdigest()


def open_inputs(sql: list[tuple[str, str]], reference_tables: Callable[[duckdb.DuckDBPyConnection], None]
                ) -> duckdb.DuckDBPyConnection:
    """Given the SQL of sql/ and the function that creates the agency tables, return a connection holding every
    input layer up to int_units as tables (the term views come later, for the chosen scopes only)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    reference_tables(con)
    for name, text in input_sql(sql):
        if name in TERM_VIEWS:
            continue
        con.execute(text if name[0] == "0" else as_table(text))
    return con


def scope_fingerprints(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Given the input connection, return every scope with its fingerprint, kind and number of department units."""
    return [{"scope_id": s, "versions": v, "department_units": n, "fingerprint": f}
            for s, v, n, f in con.execute(FINGERPRINT_SQL).fetchall()]


def compute_terms(con: duckdb.DuckDBPyConnection, sql: list[tuple[str, str]], scopes: Iterable[str]) -> None:
    """Cut int_units down to the given scopes, then materialize the term views over what is left."""
    con.execute("CREATE OR REPLACE TEMP TABLE scopes_to_score AS SELECT unnest(?::VARCHAR[]) AS scope_id",
                [sorted(scopes)])
    con.execute("DELETE FROM int_units WHERE scope_id NOT IN (SELECT scope_id FROM scopes_to_score)")
    for name, text in input_sql(sql):
        if name in TERM_VIEWS:
            con.execute(as_table(text))


def scope_units(con: duckdb.DuckDBPyConnection, scope_id: str) -> pa.Table:
    """Given a scope, return its units: id, kind, document, row, item, area, nhiệm vụ keys, part."""
    return con.sql("""
        SELECT unit_id, kind, doc_id, row_no, item_no, area_code, task_code, task_keys, source_part
        FROM int_units WHERE scope_id = $scope ORDER BY unit_id""", params={"scope": scope_id}).to_arrow_table()


def scope_terms(con: duckdb.DuckDBPyConnection, scope_id: str) -> pa.Table:
    """Given a scope, return its (unit, term, tf) rows."""
    return con.sql("SELECT unit_id, term, tf FROM int_row_terms WHERE scope_id = $scope",
                   params={"scope": scope_id}).to_arrow_table()


def params(con: duckdb.DuckDBPyConnection) -> dict:
    """Return the one row of alignment_params as a dict."""
    cursor = con.execute("SELECT * FROM alignment_params")
    return dict(zip([d[0] for d in cursor.description], cursor.fetchall()[0], strict=True))
