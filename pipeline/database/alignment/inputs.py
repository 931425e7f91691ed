"""What the scores are computed from: the tables and views of sql/ up to `int_row_terms`, in the database being built.

The views are the rules (which rows are compared with which framework, how a cell with several codes is cut,
how text becomes terms); the staging layers are tables already, and the fields and syllables are computed only
for the scopes about to be scored (a filter on scope_id that DuckDB pushes down to int_units), once, into
temporary tables. The terms of the texts (int_text_terms) and their sums per unit (int_row_terms) are computed
as the views say, but in Arrow and numpy (terms.py; ScopeInputs.terms), not by unnesting and grouping rows: on
the national corpus 122,000 distinct texts hold 6 million term occurrences of 15,000 distinct terms, and on the
1,000-file nightly 203,875 fields hold 2,132 distinct texts. They are computed a scope at a time, as it is
scored: on every scoring thread rather than on one core before them (1 s of the national build), and in arrays
of one scope's size, not of every scope's.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# the source views the alignment reads (the run log and the failures play no part)
INPUT_SOURCES = ("00_documents.sql", "01_tasks.sql")
# the views from units to syllables, each run over the scopes to score into a temporary table: view → the names
# it reads and makes, scoped (the syllables are cut from the fields' distinct texts, TEXTS_SQL: scope_texts)
FIELDS_VIEW = "22_int_row_fields.sql"
TERM_VIEWS = {FIELDS_VIEW: {"int_units": "scope_units", "int_row_fields": "scope_fields"},
              "23_int_text_syllables.sql": {"int_row_fields": "scope_texts", "int_text_syllables": "scope_syllables"}}
TEXTS_SQL = "CREATE OR REPLACE TEMP TABLE scope_texts AS SELECT DISTINCT text FROM scope_fields"
# the last view of the terms: the scores are computed right after it is created; its terms and sums
# (int_text_terms, int_row_terms) are what terms.text_terms and ScopeInputs.terms compute
LAST_INPUT = "24b_int_row_terms.sql"
# The scoped tables carry each scope as its number (scope_numbers) in their column scope_id: the inputs are
# sorted and sliced by an integer (_by_scope), not by the scope's name
SCOPE_NUMBERS_SQL = ("""
CREATE OR REPLACE TEMP TABLE scope_numbers AS
SELECT scope_id, (row_number() OVER (ORDER BY scope_id))::UINTEGER AS scope_no
FROM (SELECT DISTINCT unnest(?::VARCHAR[]) AS scope_id)""", """
CREATE OR REPLACE TEMP TABLE scope_units AS
SELECT u.* REPLACE (n.scope_no AS scope_id) FROM int_units u JOIN scope_numbers n USING (scope_id)""")
# what each scope is scored from, read once for every scope computed: (columns, rows with the scope_no of their
# scope (scope_numbers), their order within a scope)
INPUTS = {
    "units": ("unit_id, kind, doc_id, row_no, item_no, area_code, task_code, task_keys, source_part",
              "(SELECT *, scope_id AS scope_no FROM scope_units)", "unit_id"),
    "fields": ("unit_id, weight, text", "(SELECT *, scope_id AS scope_no FROM scope_fields)", "unit_id, field"),
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


def scoped(text: str, names: dict[str, str]) -> str:
    """Given the SQL of a term view and the names it reads and makes, scoped, return it creating a temporary
    table over the scope_* tables instead."""
    text = text.replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP TABLE", 1)
    return re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: names[m[1]], text)


def compute_terms(con: duckdb.DuckDBPyConnection, sql: list[tuple[str, str]], scopes: Iterable[str]) -> None:
    """Compute the fields of the given scopes' units and the syllables of their distinct texts once, as the views
    say, into temporary tables: scope_fields (each field's unit, weight and text) and scope_syllables (each
    distinct text's syllables); ScopeInputs reads them."""
    numbers, units = SCOPE_NUMBERS_SQL
    con.execute(numbers, [sorted(scopes)])
    con.execute(units)
    for name, text in sql:
        if name in TERM_VIEWS:
            con.execute(scoped(text, TERM_VIEWS[name]))
        if name == FIELDS_VIEW:                  # the syllables are cut from the fields' distinct texts
            con.execute(TEXTS_SQL)


def drop_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables compute_terms made."""
    for table in ("scope_units", "scope_fields", "scope_texts", "scope_syllables", "scope_numbers"):
        con.execute(f"DROP TABLE IF EXISTS temp.{table}")


class ScopeInputs:
    """What every scope computed is scored from, read in one query per table (not four per scope: a build of 700
    small scopes spent most of its time in them) and handed out a scope at a time, as slices.

    units: unit_id, kind, document, row, item, area, nhiệm vụ keys, part (by unit_id); fields: (unit_id, weight,
    text_no) of every field, text_no numbering the distinct texts; roles: each department row's role and agency;
    assigned: for each agency and nhiệm vụ whether the framework makes it chủ trì, phối hợp. Each distinct text's
    syllables are kept (int_text_syllables), and a scope's terms computed from them when asked (`terms`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._numbers = dict(con.execute("SELECT scope_id, scope_no FROM scope_numbers").fetchall())
        last = max(self._numbers.values(), default=0)
        self._tables = {name: _by_scope(con, *query, last) for name, query in INPUTS.items()}
        texts = con.execute("SELECT text, syllables FROM scope_syllables").to_arrow_table()
        self._syllables = texts["syllables"].combine_chunks()
        self._stops = con.execute("SELECT syllable FROM stg_stopwords").to_arrow_table()["syllable"].combine_chunks()
        self._weight_bigram = con.execute("SELECT weight_bigram FROM alignment_params").fetchone()[0]
        # each field's text as its number: its row among the texts cut (every field's text is one of them)
        fields, starts = self._tables["fields"]
        text_no = pc.index_in(fields["text"], value_set=texts["text"].combine_chunks())
        if text_no.null_count:
            raise RuntimeError("int_text_syllables left out a text of int_row_fields")
        self._tables["fields"] = (fields.drop_columns(["text"]).append_column("text_no", text_no), starts)

    @property
    def nbytes(self) -> int:
        """Return the bytes the inputs hold (what a scoring process is sent a copy of)."""
        return self._syllables.nbytes + self._stops.nbytes + sum(table.nbytes for table, _ in self._tables.values())

    def scope(self, scope_id: str, name: str) -> pa.Table:
        """Given a scope and a table name (units, fields, roles, assigned), return that table's rows of the scope."""
        table, starts = self._tables[name]
        if scope_id not in self._numbers:
            return table.slice(0, 0)
        number = self._numbers[scope_id]
        return table.slice(int(starts[number - 1]), int(starts[number] - starts[number - 1]))

    def terms(self, scope_id: str) -> tuple[pa.Table, pa.Array]:
        """Given a scope, return its units' terms as int_row_terms sums them, and the scope's terms in binary order
        (its vocabulary): (unit_id, term_id, tf) by unit then term, term_id a place in the vocabulary, tf = Σ over
        the unit's fields of the field's weight × the weights of the term's occurrences in its text.

        Here tf is the product of the scope's fields × texts matrix and the texts × terms one (terms.text_terms,
        over the scope's distinct texts). Every weight is a dyadic fraction (1, 0.5, 0.25), so the sums are exact,
        in whatever order they are added."""
        from scipy import sparse

        from pipeline.database.alignment.terms import text_terms

        fields = self.scope(scope_id, "fields")
        unit_ids, rows = np.unique(fields["unit_id"].to_numpy(), return_inverse=True)
        text_nos, columns = np.unique(fields["text_no"].to_numpy(), return_inverse=True)
        vocabulary, texts = text_terms(self._syllables.take(pa.array(text_nos)), self._stops, self._weight_bigram)
        weights = sparse.csr_matrix((fields["weight"].to_numpy(), (rows, columns)),
                                    shape=(len(unit_ids), len(text_nos)))
        tf = (weights @ texts).tocsr()
        tf.sum_duplicates()                                  # canonical: each unit's terms once, in term order
        return pa.table({"unit_id": pa.array(np.repeat(unit_ids, np.diff(tf.indptr)), pa.uint64()),
                         "term_id": pa.array(tf.indices, pa.uint32()),
                         "tf": pa.array(tf.data, pa.float64())}), vocabulary


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
