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
TERM_VIEWS = ("22_int_row_fields.sql", "23_int_text_syllables.sql", "24_int_row_terms.sql")
LAST_INPUT = TERM_VIEWS[-1]
# while the scores are computed, each of those views is run once over the scopes to score, into a temporary table
SCOPED_NAMES = {"int_units": "scope_units", "int_row_fields": "scope_fields",
                "int_text_syllables": "scope_syllables", "int_row_terms": "scope_terms"}
# the terms as numbers: every distinct term of the scopes computed, numbered in binary order (term_id), so that
# the terms travel to Python as integers, already in order (by scope, unit, term: the sums of float products
# depend on it). The scoped tables carry each scope as its number (scope_numbers) in their column scope_id:
# the term layers group by an integer, not by the scope's name (about a quarter of int_row_terms' time nationally)
SCOPE_NUMBERS_SQL = ("""
CREATE OR REPLACE TEMP TABLE scope_numbers AS
SELECT scope_id, (row_number() OVER (ORDER BY scope_id))::UINTEGER AS scope_no
FROM (SELECT DISTINCT unnest(?::VARCHAR[]) AS scope_id)""", """
CREATE OR REPLACE TEMP TABLE scope_units AS
SELECT u.* REPLACE (n.scope_no AS scope_id) FROM int_units u JOIN scope_numbers n USING (scope_id)""")
TERM_IDS_SQL = """
CREATE OR REPLACE TEMP TABLE scope_vocabulary AS
SELECT term, (row_number() OVER (ORDER BY term) - 1)::UINTEGER AS term_id
FROM (SELECT DISTINCT term FROM scope_terms);
CREATE OR REPLACE TEMP TABLE scope_term_ids AS
SELECT t.scope_id AS scope_no, t.unit_id, v.term_id, t.tf
FROM scope_terms t JOIN scope_vocabulary v USING (term);
DROP TABLE temp.scope_terms;
"""
# what each scope is scored from, read once for every scope computed: (columns, rows with the scope_no of their
# scope (scope_numbers), their order within a scope)
INPUTS = {
    "units": ("unit_id, kind, doc_id, row_no, item_no, area_code, task_code, task_keys, source_part",
              "(SELECT *, scope_id AS scope_no FROM scope_units)", "unit_id"),
    "terms": ("unit_id, term_id, tf", "scope_term_ids", "unit_id, term_id"),
    "roles": ("department_doc_id AS doc_id, department_row_no AS row_no, role, department_agency AS agency",
              "(SELECT r.*, n.scope_no FROM stg_department_rows r JOIN scope_numbers n"
              " ON n.scope_id = r.framework_doc_id)", "department_doc_id, department_row_no"),
    "assigned": ("agency, task_code, as_lead, as_partner",
                 "(SELECT a.*, n.scope_no FROM int_agency_task_assignments a JOIN scope_numbers n"
                 " ON n.scope_id = a.framework_doc_id)", "agency, task_code"),
}
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
    temporary table scope_term_ids (each layer computed once: faster than reading int_row_terms whole)."""
    numbers, units = SCOPE_NUMBERS_SQL
    con.execute(numbers, [sorted(scopes)])
    con.execute(units)
    for name, text in sql:
        if name in TERM_VIEWS:
            con.execute(scoped(text))
    for table in ("scope_fields", "scope_syllables"):      # only the terms are read: let the memory go
        con.execute(f"DROP TABLE temp.{table}")
    con.execute(TERM_IDS_SQL)


def drop_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables compute_terms made."""
    for table in (*SCOPED_NAMES.values(), "scope_vocabulary", "scope_numbers", "scope_term_ids"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")


class ScopeInputs:
    """What every scope computed is scored from, read in one query per table (not four per scope: a build of 700
    small scopes spent most of its time in them) and handed out a scope at a time, as slices.

    units: unit_id, kind, document, row, item, area, nhiệm vụ keys, part (by unit_id); terms: (unit_id, term_id,
    tf) by unit then term, term_id indexing `vocabulary`; roles: each department row's role and agency;
    assigned: for each agency and nhiệm vụ whether the framework makes it chủ trì, phối hợp.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.vocabulary = con.execute("SELECT term FROM scope_vocabulary ORDER BY term_id").to_arrow_table()[
            "term"].combine_chunks()
        self._numbers = dict(con.execute("SELECT scope_id, scope_no FROM scope_numbers").fetchall())
        last = max(self._numbers.values(), default=0)
        self._tables = {name: _by_scope(con, *query, last) for name, query in INPUTS.items()}

    def scope(self, scope_id: str, name: str) -> pa.Table:
        """Given a scope and a table name (units, terms, roles, assigned), return that table's rows of the scope."""
        table, starts = self._tables[name]
        if scope_id not in self._numbers:
            return table.slice(0, 0)
        number = self._numbers[scope_id]
        return table.slice(int(starts[number - 1]), int(starts[number] - starts[number - 1]))


def _by_scope(con: duckdb.DuckDBPyConnection, columns: str, source: str, order: str, last: int
              ) -> tuple[pa.Table, np.ndarray]:
    """Given columns, where their rows come from (with a scope_no each), their order within a scope and the highest
    scope_no, return the rows sorted by scope_no then that order, and where each scope's run of rows starts
    (scope_no n: rows starts[n - 1] to starts[n]; found once here, not searched again for every slice)."""
    table = con.execute(f"SELECT scope_no, {columns} FROM {source} ORDER BY scope_no, {order}").to_arrow_table()
    starts = np.searchsorted(table["scope_no"].to_numpy(), np.arange(1, last + 2), side="left")
    return table.drop_columns(["scope_no"]).combine_chunks(), starts


def params(con: duckdb.DuckDBPyConnection) -> dict:
    """Return the one row of alignment_params as a dict."""
    cursor = con.execute("SELECT * FROM alignment_params")
    return dict(zip([d[0] for d in cursor.description], cursor.fetchall()[0], strict=True))
