"""(Re)create the DuckDB database whose views read the Parquet files.

Views live in `sql/<layer>/*.sql`, applied layer by layer (sources: the Parquet tables and the
run log; staging `stg_*`: typed and cleaned; intermediate `int_*`: tokens, weights, candidate
pairs; marts: coverage, gaps, conflicts), in name order within a layer; `{normalized}` in them stands for the
folder holding the Parquet files, `{schemas}` for the folder of data tables (CSV) the views
read. The database is built under a temporary name and renamed over the old one, so an
analyst's open query never meets a half-built database.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipeline.database.alignment import LAST_INPUT, alignment_stamp, refresh_alignment

ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = ROOT / "sql"
SCHEMAS_DIR = ROOT / "schemas"
LAYERS = ("sources", "staging", "intermediate", "marts")


def view_sql(normalized: Path) -> list[tuple[str, str]]:
    """Return (file name, SQL text) for each view file, with the Parquet and data-table folders filled in."""
    folder = normalized.resolve().as_posix().replace("'", "''")
    schemas = SCHEMAS_DIR.as_posix().replace("'", "''")
    return [(p.name, p.read_text(encoding="utf-8").replace("{normalized}", folder).replace("{schemas}", schemas))
            for layer in LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))]


def create_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables `agencies` and `agency_groups` from the agency dictionary (schemas/agencies.toml).

    agencies: one row per canonical agency (name, kind, level, parent, groups it belongs to, aliases);
    agency_groups: one row per collective term (key, label, the kinds/levels it covers, aliases).
    They change with the dictionary, not with the plans, so they live in the database itself.
    """
    import pyarrow as pa

    from pipeline.fields.agencies import agency_table, group_table

    for name, rows in (("agencies", agency_table()), ("agency_groups", group_table())):
        arrow_rows = pa.Table.from_pylist(rows)
        con.register(f"_{name}", arrow_rows)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}")
        con.unregister(f"_{name}")


def build_database(db_path: Path, normalized: Path, stamp: str | None = None) -> None:
    """Create db_path with every view of sql/ over the Parquet files in normalized/.

    `stamp` (see expected_stamp) is kept in table cchc_meta.build, so a later run can tell
    whether the database is still the one it would build, and leave it alone if so.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        if leftover.exists():
            leftover.unlink()
    con = duckdb.connect(str(tmp))
    try:
        create_reference_tables(con)
        views = view_sql(normalized)
        for name, sql in views:
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                raise RuntimeError(f"sql: {name}: {exc}") from exc
            if name == LAST_INPUT:             # the alignment's scores, computed only where their inputs changed
                refresh_alignment(con, normalized, views)
        if stamp is not None:
            con.execute("CREATE SCHEMA IF NOT EXISTS cchc_meta")
            con.execute("CREATE TABLE cchc_meta.build AS SELECT '{}' AS stamp".format(stamp.replace("'", "''")))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, db_path)


def expected_stamp(normalized: Path, snapshot: str, version: dict) -> str:
    """Return what a database built now would be stamped with: its SQL, data version and snapshot."""
    import hashlib
    import json

    parts = {"sql": view_sql(normalized), "duckdb": duckdb.__version__, "version": version, "snapshot": snapshot,
             "alignment": alignment_stamp(normalized)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def database_stamp(db_path: Path) -> str | None:
    """Return the stamp db_path was built with; None when it is missing, unstamped or unreadable."""
    if not db_path.exists():
        return None
    try:
        con = duckdb.connect(str(db_path), read_only=True)
        try:
            return con.execute("SELECT stamp FROM cchc_meta.build").fetchone()[0]
        finally:
            con.close()
    except (duckdb.Error, TypeError):
        return None
