"""(Re)create the DuckDB database whose views read the Parquet files.

Views live in `sql/*.sql`, applied in name order; `{normalized}` in them stands for the
folder holding the Parquet files. The database is built under a temporary name and renamed
over the old one, so an analyst's open query never meets a half-built database.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def view_sql(normalized: Path) -> list[tuple[str, str]]:
    """Return (file name, SQL text) for each view file, with the Parquet folder filled in."""
    folder = normalized.resolve().as_posix().replace("'", "''")
    return [(p.name, p.read_text(encoding="utf-8").replace("{normalized}", folder))
            for p in sorted(SQL_DIR.glob("*.sql"))]


def create_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables `agencies` and `agency_groups` from the agency dictionary (schemas/agencies.toml).

    agencies: one row per canonical agency (name, kind, level, parent, groups it belongs to, aliases);
    agency_groups: one row per collective term (key, label, the kinds/levels it covers, aliases).
    They change with the dictionary, not with the plans, so they live in the database itself.
    """
    import pyarrow as pa

    from pipeline.agencies import agency_table, group_table

    for name, rows in (("agencies", agency_table()), ("agency_groups", group_table())):
        arrow_rows = pa.Table.from_pylist(rows)
        con.register(f"_{name}", arrow_rows)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}")
        con.unregister(f"_{name}")


def build_database(db_path: Path, normalized: Path) -> None:
    """Create db_path with every view of sql/ over the Parquet files in normalized/."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        if leftover.exists():
            leftover.unlink()
    con = duckdb.connect(str(tmp))
    try:
        create_reference_tables(con)
        for name, sql in view_sql(normalized):
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                raise RuntimeError(f"sql/{name}: {exc}") from exc
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, db_path)
