"""What the scores are computed from: the tables and views of sql/ up to `int_row_terms`, in the database being built.

The views are the rules (which rows are compared with which framework, how a cell with several codes is cut,
how text becomes terms); the staging layers are tables already, and the terms are computed only for the
scopes about to be scored (a filter on scope_id that DuckDB pushes down to int_units), once, into a temporary
table.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

# the source views the alignment reads (the run log and the failures play no part)
INPUT_SOURCES = ("00_documents.sql", "01_tasks.sql")
# the views from units to terms, and the last of them: the scores are computed right after it is created
TERM_VIEWS = ("22_int_row_fields.sql", "23_int_field_syllables.sql", "24_int_row_terms.sql")
LAST_INPUT = TERM_VIEWS[-1]
# while the scores are computed, each of those views is run once over the scopes to score, into a temporary table
SCOPED_NAMES = {"int_units": "scope_units", "int_row_fields": "scope_fields",
                "int_field_syllables": "scope_syllables", "int_row_terms": "scope_terms"}
# the terms as numbers: every distinct term of the scopes computed, numbered in binary order (term_id), so that
# a scope's rows travel to Python as integers and are put in order there, not by a sort of strings in DuckDB
TERM_IDS_SQL = """
CREATE OR REPLACE TEMP TABLE scope_vocabulary AS
SELECT term, (row_number() OVER (ORDER BY term) - 1)::UINTEGER AS term_id
FROM (SELECT DISTINCT term FROM scope_terms);
CREATE OR REPLACE TEMP TABLE scope_term_ids AS
SELECT t.scope_id, t.unit_id, v.term_id, t.tf FROM scope_terms t JOIN scope_vocabulary v USING (term);
DROP TABLE temp.scope_terms;
"""
# a scope's fingerprint: every column of its units (text, area, codes, ids), in unit order, who the framework
# assigns each nhiệm vụ to and the agency of each plan (the nhiệm vụ level prefers candidates that give the
# department the row's role)
FINGERPRINT_SQL = """
WITH units AS (
    SELECT scope_id, any_value(kind = 'version_row') AS versions,
           count(*) FILTER (WHERE kind = 'department') AS department_units,
           md5(string_agg(hash(u)::VARCHAR, ',' ORDER BY unit_id)) AS fingerprint
    FROM int_units u
    GROUP BY scope_id
),
assigned AS (
    SELECT framework_doc_id AS scope_id,
           md5(string_agg(hash(agency, task_code, as_lead, as_partner)::VARCHAR, ',' ORDER BY agency, task_code))
               AS fingerprint
    FROM int_agency_task_assignments
    GROUP BY framework_doc_id
),
plans AS (
    SELECT framework_doc_id AS scope_id,
           md5(string_agg(hash(department_doc_id, department_agency)::VARCHAR, ',' ORDER BY department_doc_id))
               AS fingerprint
    FROM stg_plan_frameworks
    GROUP BY framework_doc_id
)
SELECT u.scope_id, u.versions, u.department_units,
       u.fingerprint || coalesce(a.fingerprint, '') || coalesce(p.fingerprint, '')
FROM units u LEFT JOIN assigned a USING (scope_id) LEFT JOIN plans p USING (scope_id)
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
        if name == LAST_INPUT:
            break
    return out


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


def scope_fingerprints(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Given the input connection, return every scope with its fingerprint, kind and number of department units."""
    return [{"scope_id": s, "versions": v, "department_units": n, "fingerprint": f}
            for s, v, n, f in con.execute(FINGERPRINT_SQL).fetchall()]


def scoped(text: str) -> str:
    """Given the SQL of a term view, return it creating a temporary table over the scope_* tables instead."""
    text = text.replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP TABLE", 1)
    return re.sub(r"\b(" + "|".join(SCOPED_NAMES) + r")\b", lambda m: SCOPED_NAMES[m[1]], text)


def compute_terms(con: duckdb.DuckDBPyConnection, sql: list[tuple[str, str]], scopes: Iterable[str]) -> None:
    """Compute the terms of the given scopes' units once, layer by layer as the term views say, into the
    temporary table scope_terms (each layer computed once: faster than reading int_row_terms whole)."""
    con.execute("CREATE OR REPLACE TEMP TABLE scope_units AS SELECT * FROM int_units WHERE scope_id IN "
                "(SELECT unnest(?::VARCHAR[]))", [sorted(scopes)])
    for name, text in sql:
        if name in TERM_VIEWS:
            con.execute(scoped(text))
    for table in ("scope_fields", "scope_syllables"):      # only the terms are read: let the memory go
        con.execute(f"DROP TABLE temp.{table}")
    con.execute(TERM_IDS_SQL)


def drop_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables compute_terms made."""
    for table in (*SCOPED_NAMES.values(), "scope_vocabulary", "scope_term_ids"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")


def scope_units(con: duckdb.DuckDBPyConnection, scope_id: str) -> pa.Table:
    """Given a scope, return its units: id, kind, document, row, item, area, nhiệm vụ keys, part."""
    return con.execute("""
        SELECT unit_id, kind, doc_id, row_no, item_no, area_code, task_code, task_keys, source_part
        FROM int_units WHERE scope_id = $scope ORDER BY unit_id""", {"scope": scope_id}).to_arrow_table()


def vocabulary(con: duckdb.DuckDBPyConnection) -> pa.Array:
    """Given the input connection (terms computed), return every term, at the position of its term_id."""
    return con.execute("SELECT term FROM scope_vocabulary ORDER BY term_id").to_arrow_table()["term"].combine_chunks()


def scope_terms(con: duckdb.DuckDBPyConnection, scope_id: str) -> pa.Table:
    """Given a scope, return its (unit_id, term_id, tf) rows in one order, by unit then term (the sums of float
    products depend on it)."""
    rows = con.execute("SELECT unit_id, term_id, tf FROM scope_term_ids WHERE scope_id = $scope",
                       {"scope": scope_id}).to_arrow_table()
    order = np.lexsort((rows["term_id"].to_numpy(), rows["unit_id"].to_numpy()))
    return rows.take(pa.array(order))


def scope_roles(con: duckdb.DuckDBPyConnection, scope_id: str) -> tuple[pa.Table, pa.Table]:
    """Given a framework scope, return (the role and agency of each department row: doc_id, row_no, role, agency)
    and (for each agency and nhiệm vụ: whether the framework makes the agency chủ trì, phối hợp)."""
    roles = con.execute("""SELECT department_doc_id AS doc_id, department_row_no AS row_no, role,
                                  department_agency AS agency
                           FROM stg_department_rows WHERE framework_doc_id = $scope""",
                        {"scope": scope_id}).to_arrow_table()
    assigned = con.execute("""SELECT agency, task_code, as_lead, as_partner FROM int_agency_task_assignments
                              WHERE framework_doc_id = $scope""", {"scope": scope_id}).to_arrow_table()
    return roles, assigned


def params(con: duckdb.DuckDBPyConnection) -> dict:
    """Return the one row of alignment_params as a dict."""
    cursor = con.execute("SELECT * FROM alignment_params")
    return dict(zip([d[0] for d in cursor.description], cursor.fetchall()[0], strict=True))
