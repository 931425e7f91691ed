"""(Re)create the DuckDB database whose views read the Parquet files, keeping whatever analysts added to it.

Views live in `sql/<layer>/*.sql`, applied layer by layer (sources: the Parquet tables and the
run log; staging `stg_*`: typed and cleaned; intermediate `int_*`: tokens, weights, candidate
pairs; marts: coverage, gaps, conflicts), in name order within a layer; `{normalized}` in them stands for the
folder holding the Parquet files, `{schemas}` for the folder of data tables (CSV) the views
read, `{alignment}` for the alignment's scores in the current snapshot (pipeline.database.alignment.store).

The database is built under a temporary name and renamed over the old one, so an analyst's
open query never meets a half-built database. The build starts from a copy of the old file,
drops only the objects the last build recorded as its own (`cchc_meta.objects`) and creates
them again, so an analyst's schema, tables, views and macros come through every rebuild. While
it copies and renames it holds a read-only connection to the old file: a read-write session
cannot start in between and write into a file about to be replaced. A database another
process holds open read-write is never rebuilt: `DatabaseBusy` names the process.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from pipeline.database.alignment import LAST_INPUT, alignment_folder, alignment_stamp, refresh_alignment
from pipeline.database.dictionary import apply_comments, object_comments, quoted

SCHEMAS_DIR = Path(str(resources.files("schemas")))


def _sql_dir() -> Path:
    """Return the folder of the SQL: inside the installed package (a wheel), else sql/ of the checkout.

    `pipeline.database.sql` is a folder of data with no __init__.py (a namespace package), so its
    place comes from the import spec, not `resources.files` (which gives a MultiplexedPath there).
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("pipeline.database.sql")
    except ModuleNotFoundError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "sources").is_dir():
            return Path(location)
    return Path(__file__).resolve().parents[2] / "sql"


SQL_DIR = _sql_dir()
LAYERS = ("sources", "staging", "intermediate", "marts")
MATERIALIZED = ("sources", "staging", "marts")       # made tables at build: see view_sql
# marts that cost more to write at every build than to compute when asked, from the tables above them inside the
# database (so they answer wherever it is copied too); they stay views. The marts of one row per department plan ×
# nhiệm vụ (coverage: 4.4 million rows for 2,000 plans of one 5,000-row framework, a second to compute), and
# alignment with the marts read from it: its links are a table (int_alignment_links), and writing them again with
# the rows' text cost 3 to 4 s of the national build's 18 (a query of them takes 0.1 to 0.3 s)
KEPT_VIEWS = ("30_alignment.sql", "31_coverage.sql", "32_missing_assignments.sql", "33_extra_tasks.sql",
              "34_deadline_conflicts.sql", "35_area_summary.sql", "36_responsibility_gaps.sql", "39_review_queue.sql")
RUNS_SQL = "03_runs.sql"                             # the run log, refreshed at every run's end (refresh_runs)
_CREATE_VIEW = re.compile(r"\bCREATE\s+OR\s+REPLACE\s+VIEW\b", re.IGNORECASE)
DB_MEMORY_SETTING, DEFAULT_DB_MEMORY_MB = "CCHC_DB_MEMORY_MB", 384      # DuckDB's memory while it builds
MARTS_MEMORY_FACTOR = 2                # ... and times this once the alignment's scores are computed (see _build)
ROW_GROUP_ROWS = 16_384                # rows per row group of the tables the build writes (see _build)
META = "cchc_meta"                     # the build's own schema: its stamp and the objects it made
_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")
_CATALOG = """
SELECT 'view' AS kind, schema_name, view_name AS name, view_oid AS oid FROM duckdb_views()
 WHERE NOT internal AND database_name = current_database()
UNION ALL SELECT 'table', schema_name, table_name, table_oid FROM duckdb_tables()
 WHERE database_name = current_database()
UNION ALL SELECT DISTINCT CASE function_type WHEN 'table_macro' THEN 'macro table' ELSE 'macro' END,
       schema_name, function_name, function_oid FROM duckdb_functions()
 WHERE NOT internal AND database_name = current_database() AND function_type IN ('macro', 'table_macro')
"""


class DatabaseBusy(Exception):
    """Another process holds the database open read-write: rebuilding now would throw its writes away."""

    def __init__(self, db_path: Path, holder: str):
        self.db_path, self.holder = db_path, holder
        super().__init__(f"{db_path}: open read-write by {holder} (an analyst's session?); close it, or open the"
                         " database read-only (duckdb -readonly), and run again")


class DatabaseOutOfMemory(RuntimeError):
    """A query of the build needed more memory than DuckDB was given (CCHC_DB_MEMORY_MB) and could not spill."""


def view_sql(normalized: Path, layers: tuple[str, ...] = LAYERS) -> list[tuple[str, str]]:
    """Return (file name, SQL text) for each SQL file, with the Parquet and data-table folders filled in.

    The views of the MATERIALIZED layers are made tables: the data then live inside the database
    file (it keeps working when data/ is copied or the checkout moves) and the marts are answers
    read, not the alignment stack recomputed per query.
    """
    fills = placeholders(normalized)
    return [(path.name, sql_text(path, normalized, fills))
            for layer in layers for path in sorted((SQL_DIR / layer).glob("*.sql"))]


def placeholders(normalized: Path) -> dict[str, str]:
    """Given the output folder, return what `{normalized}`, `{schemas}` and `{alignment}` stand for, quoted for SQL."""
    folders = {"normalized": normalized.resolve(), "schemas": SCHEMAS_DIR,
               "alignment": alignment_folder(normalized).resolve()}
    return {f"{{{key}}}": path.as_posix().replace("'", "''") for key, path in folders.items()}


def sql_text(path: Path, normalized: Path, fills: dict[str, str] | None = None) -> str:
    """Given one SQL file of sql/<layer>/, return its text as built: folders filled in (`fills`, else
    placeholders(normalized)), views of MATERIALIZED layers made tables (but KEPT_VIEWS)."""
    sql = path.read_text(encoding="utf-8")
    for key, value in (fills or placeholders(normalized)).items():
        sql = sql.replace(key, value)
    if path.parent.name not in MATERIALIZED or path.name in KEPT_VIEWS:
        return sql
    return _CREATE_VIEW.sub("CREATE OR REPLACE TABLE", sql)


REFERENCE_COMMENTS = {
    "agencies": "agencies: one row per canonical agency of the dictionary (schemas/agencies.toml): name, kind,"
                " level, parent, the collectives it belongs to, its aliases (Sở KH&CN = Sở KHCN = …)",
    "agency_groups": "agency_groups: one row per collective term (Các sở, ban, ngành cấp tỉnh; UBND cấp xã; …):"
                     " key, label, the kinds and levels of agency it covers, its aliases",
}


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


def build_database(db_path: Path, normalized: Path, stamp: str | None = None, threads: int | None = None) -> None:
    """Create db_path with every view of sql/ over the Parquet files in normalized/, keeping analysts' objects.

    `stamp` (see expected_stamp) is kept in table cchc_meta.build, so a later run can tell
    whether the database is still the one it would build, and leave it alone if so. `threads` caps the
    cores the build uses (DuckDB's threads and the scoring's; `cchc ingest --jobs`), default all. Raises
    DatabaseBusy (nothing done) when another process holds db_path open read-write. A build whose query
    needs more than CCHC_DB_MEMORY_MB is tried once more with twice as much (DatabaseOutOfMemory after that).
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        if leftover.exists():
            leftover.unlink()
    with reading(db_path) as old:
        limit = database_memory_mb()
        try:
            try:
                _build(db_path, tmp, normalized, stamp, copy=old is not None, memory_mb=limit, threads=threads)
            except DatabaseOutOfMemory:
                # a query DuckDB cannot spill needed more: once more with twice the share, not a failed night
                _remove_build(tmp)
                _build(db_path, tmp, normalized, stamp, copy=old is not None, memory_mb=2 * limit, threads=threads)
        except BaseException:
            _remove_build(tmp)                            # a full disk gets its space back
            raise
        if old is None and db_path.exists():
            set_aside(db_path)                 # unreadable: kept under another name, never overwritten
        os.replace(tmp, db_path)


def _remove_build(tmp: Path) -> None:
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _build(db_path: Path, tmp: Path, normalized: Path, stamp: str | None, copy: bool, memory_mb: int,
           threads: int | None = None) -> None:
    """Build the database at tmp: a copy of db_path (when `copy`) with this build's objects made again, DuckDB
    using at most memory_mb MiB (twice that after the scores: MARTS_MEMORY_FACTOR; DatabaseOutOfMemory past it)
    and `threads` threads (None: its default)."""
    if copy:
        copy_database(db_path, tmp)
    con = duckdb.connect()
    # Row groups of 16,384 rows (DuckDB's default is 122,880): a table of 100,000 department rows is then
    # seven row groups, not one, and the views over it (text keys, terms) run on every thread.
    quoted = tmp.as_posix().replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS cchc (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
    con.execute("USE cchc")
    con.execute("SET enable_progress_bar = false")   # a long query's bar would land in the nightly's cron mail
    # DuckDB's own share of the build (its default is 80 % of the machine): past it, it spills to <db>.tmp/; the
    # alignment's scoring, in this process too, needs the rest of a 2 GB nightly
    con.execute(f"SET memory_limit = '{memory_mb}MiB'")
    if threads:                                      # the scoring reads it back: refresh.scoring_threads
        con.execute(f"SET threads = {max(1, int(threads))}")
    try:
        drop_objects(con, recorded_objects(con))
        before = {row[3] for row in con.execute(_CATALOG).fetchall()}
        create_reference_tables(con)
        comments, files = {}, view_sql(normalized)
        if not files:                          # an install without its SQL must never build an empty database
            raise RuntimeError(f"no SQL files under {SQL_DIR}: the installation is incomplete")
        for name, sql in files:
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                if isinstance(exc, duckdb.OutOfMemoryException):     # DuckDB's advice runs over many lines
                    raise DatabaseOutOfMemory(f"sql: {name}: {str(exc).splitlines()[0]} (DuckDB may use"
                                              f" {memory_mb} MiB while it builds: raise {DB_MEMORY_SETTING})") from exc
                raise RuntimeError(f"sql: {name}: {exc}") from exc
            comments.update(object_comments(sql))
            if name == LAST_INPUT:             # the alignment's scores, computed only where their inputs changed
                refresh_alignment(con, normalized, files)
                # the scoring's memory is free again: the tables after it get its share too (int_alignment_links,
                # 600,000 rows for the national corpus, took 2.1 s at 384 MiB and 1.55 s at 768)
                memory_mb *= MARTS_MEMORY_FACTOR
                con.execute(f"SET memory_limit = '{memory_mb}MiB'")
        # Tables computed from the views (alignment, issue 13) are made here: whatever this build creates
        # is recorded as its own below, and dropped and made again by the next build.
        made = [row[:3] for row in con.execute(_CATALOG).fetchall() if row[3] not in before]
        apply_comments(con, made, comments | REFERENCE_COMMENTS)
        record_build(con, stamp, normalized, made)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def database_memory_mb(environ=os.environ) -> int:
    """Return the memory DuckDB may use while it builds the database, in MiB: CCHC_DB_MEMORY_MB, else
    DEFAULT_DB_MEMORY_MB; a value that is not a whole number above 0 raises ValueError."""
    raw = environ.get(DB_MEMORY_SETTING, "").strip()
    if not raw:
        return DEFAULT_DB_MEMORY_MB
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{DB_MEMORY_SETTING}={raw!r}: give a whole number of MiB above 0")
    return int(raw)


@contextmanager
def reading(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """Hold a read-only connection to db_path for the block (None when it is missing or unreadable).

    Raises DatabaseBusy when another process (or this one) holds it open read-write.
    """
    if not db_path.exists():
        yield None
        return
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        holder = busy_holder(exc)
        if holder:
            raise DatabaseBusy(db_path, holder) from None
        yield None
        return
    try:
        yield con
    finally:
        con.close()


def busy_holder(exc: duckdb.Error) -> str | None:
    """Given the error opening a database, return who holds it read-write ("PID 123 (/usr/bin/python3)"), else None."""
    text = str(exc)
    found = _HOLDER.search(text)
    if found:
        return f"PID {found.group(2)} ({found.group(1)})"
    if "different configuration" in text:
        return f"this process (PID {os.getpid()})"
    return None


def copy_database(db_path: Path, target: Path) -> None:
    """Copy the database file (and a write-ahead log left beside it) to target."""
    shutil.copyfile(db_path, target)
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))


def recorded_objects(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """Return (kind, schema, name) of every object the last build recorded as its own ([] before the record)."""
    try:
        return [tuple(row) for row in con.execute(f"SELECT kind, schema_name, name FROM {META}.objects").fetchall()]
    except duckdb.CatalogException:
        return []


def drop_objects(con: duckdb.DuckDBPyConnection, objects: list[tuple[str, str, str]]) -> None:
    for kind, schema, name in objects:
        con.execute(f"DROP {kind.upper()} IF EXISTS {quoted(schema)}.{quoted(name)}")


def record_build(con: duckdb.DuckDBPyConnection, stamp: str | None, normalized: Path,
                 made: list[tuple[str, str, str]]) -> None:
    """Write the build's stamp, the folder it reads and the objects it made into the cchc_meta schema."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {META}")
    con.execute(f"CREATE OR REPLACE TABLE {META}.build AS SELECT ?::VARCHAR AS stamp, ?::VARCHAR AS normalized,"
                " now() AS built_at", [stamp, normalized.resolve().as_posix()])
    con.execute(f"CREATE OR REPLACE TABLE {META}.objects (kind VARCHAR, schema_name VARCHAR, name VARCHAR)")
    if made:
        con.executemany(f"INSERT INTO {META}.objects VALUES (?, ?, ?)", [list(m) for m in made])


def set_aside(db_path: Path) -> Path:
    """Rename an unreadable database out of the way (never delete what may hold analysts' work); return its name."""
    aside = db_path.with_name(f"{db_path.name}.unreadable-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    os.replace(db_path, aside)
    return aside


def wait_for_database(db_path: Path, wait_s: float, note: Callable[[str], None]) -> str | None:
    """Return db_path's stamp once no other process holds it read-write, waiting up to wait_s seconds
    (saying so once through `note`); raise DatabaseBusy when it is still held then."""
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            return database_stamp(db_path)
        except DatabaseBusy as busy:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            if not told:
                note(f"waiting up to {wait_s:.0f} s: {db_path} is open read-write by {busy.holder}")
                told = True
            time.sleep(min(0.5, left))


def expected_stamp(normalized: Path, snapshot: str, version: dict) -> str:
    """Return what a database built now would be stamped with: its SQL, data version and snapshot."""
    import hashlib
    import json

    parts = {"sql": view_sql(normalized), "duckdb": duckdb.__version__, "version": version, "snapshot": snapshot,
             "alignment": alignment_stamp(normalized)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def database_stamp(db_path: Path) -> str | None:
    """Return the stamp db_path was built with; None when it is missing, unstamped or unreadable.

    Raises DatabaseBusy when another process holds it open read-write.
    """
    with reading(db_path) as con:
        if con is None:
            return None
        try:
            return con.execute(f"SELECT stamp FROM {META}.build").fetchone()[0]
        except (duckdb.Error, TypeError):
            return None


def refresh_runs(db_path: Path, normalized: Path) -> bool:
    """Bring the database's table `runs` up to the run log (runs.jsonl) in place; return False when it cannot.

    Called at the end of every run, the ones that rebuild nothing too, so `runs` inside the
    database is the whole log however far the file is copied. A database someone holds open (an
    analyst's shell), a missing or read-only one, or one whose `runs` is not this build's table is
    left as it is: runs.jsonl stays the full record and the next build loads it.
    """
    if not db_path.exists():
        return False
    sql = sql_text(SQL_DIR / "sources" / RUNS_SQL, normalized)
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error:
        return False
    try:
        kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'main'"
                           " AND table_name = 'runs'").fetchone()
        if kind is None or kind[0] != "BASE TABLE":
            return False
        con.execute(sql)
        apply_comments(con, [("table", "main", "runs")], object_comments(sql))
        con.execute("CHECKPOINT")
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()
