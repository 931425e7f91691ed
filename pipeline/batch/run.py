"""The batch over a folder: lock → list → plan → parse (in parallel) → assemble → commit (+ database) → run log.

    raw files ──plan (manifest)──► to read ──workers──► results ─┐
                └──────────────► unchanged (rows kept) ──────────┴─► tables ─► snapshot ─► DuckDB

`ingest` is the entry point for callers and the CLI; `run` does the work under the output
folder's and the database's locks and logs it to runs.jsonl (a line when it starts, completed
when it ends), with the exit code the CLI returns. The commit is the new snapshot and the
database together: when the database cannot be built, `current` goes back to the last snapshot,
so "nothing changed" is true whenever the run says it.
"""
from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from parsers.registry import available_kinds
from parsers.textutil.printable import escape_line
from pipeline.batch.assemble import Assembly, assemble
from pipeline.batch.exit_codes import (
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_RUN_FAILED,
    EXIT_SOME_FAILED,
    EXIT_TERMINATED,
    RunFailed,
)
from pipeline.batch.items import DEFAULT_FILE_TIME_LIMIT, SAME, WorkItem, WorkResult, default_jobs
from pipeline.batch.lock import LockBusy, database_lock, run_lock
from pipeline.batch.manifest import DUPLICATE, OK, Entry, Manifest, version_key
from pipeline.batch.plan import Plan, check_removals, discover, make_plan
from pipeline.batch.pool import stop_forkserver
from pipeline.batch.runlog import (
    Console,
    LogLine,
    RunRecord,
    Silent,
    append_run,
    ensure_log,
    finish_run,
    start_run,
)
from pipeline.batch.store import (
    collect_garbage,
    commit,
    ensure_links,
    read_current,
    read_table,
    roll_back,
    snapshot_trouble,
    table_path,
    table_rows,
)
from pipeline.batch.version import PARSER_VERSION
from pipeline.database.build import (
    DatabaseBusy,
    build_database,
    database_memory_mb,
    expected_stamp,
    refresh_runs,
    wait_for_database,
)
from schemas.arrow import documents_schema, failures_schema
from schemas.models import PlanDocument, TaskRow

__all__ = ["RunFailed", "ingest", "run", "IngestReport", "Failure"]

DEFAULT_DB_WAIT_S = 60.0           # how long a run waits for an analyst's read-write session to close
DB_WAIT_ENV = "CCHC_DB_WAIT"


SKIPPED_TYPES = frozenset({"NotAPlan"})     # read fine, holds no task: skipped, not failed


@dataclass
class Failure:
    """A file the tables leave out, and why (one line naming the file)."""

    source_file: str
    error: str
    error_type: str | None = None
    this_run: bool = True              # False: quarantined by an earlier run, the file unchanged since

    @property
    def skipped(self) -> bool:
        """A file that is simply not a plan (a report, a letter): listed with its reason, not a failure."""
        return self.error_type in SKIPPED_TYPES


@dataclass
class IngestReport:
    """What a run left in the tables, and what it did to get there."""

    documents: list[PlanDocument]                      # every document the tables now hold, by source_file
    failures: list[Failure]                            # every file left out (this run's and quarantined)
    task_count: int = 0
    out_dir: Path | None = None
    new: list[str] = field(default_factory=list)       # source files seen for the first time
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)    # source files parsed in this run (ok or not)
    unchanged: int = 0
    reprocess_reason: str | None = None
    record: object = None                              # the pipeline.batch.runlog.RunRecord of the run
    killed: list[RunRecord] = field(default_factory=list)   # earlier runs found killed (marked in runs)

    @property
    def tasks(self) -> list[TaskRow]:
        """Every task row of the tables (read back from tasks.parquet: costly for a large folder)."""
        import pyarrow.parquet as pq

        if self.out_dir is None:
            return []
        return [TaskRow(**row) for row in pq.read_table(self.out_dir / "tasks.parquet").to_pylist()]

    @property
    def failed_now(self) -> list[Failure]:
        """The files this run could not read (the exit code says so; a file not a plan is no failure)."""
        return [f for f in self.failures if f.this_run and not f.skipped]

    @property
    def skipped_now(self) -> list[Failure]:
        """The files this run read and found not a plan."""
        return [f for f in self.failures if f.this_run and f.skipped]


def ingest(raw_dir: Path, out_dir: Path, db_path: Path, *, incremental: bool = False, jobs: int | None = None,
           console=None, allow_removals: bool = False, db_wait_s: float | None = None,
           one_shot: bool = False) -> IngestReport:
    """Parse the files under raw_dir into Parquet under out_dir and the DuckDB views at db_path.

    Full by default (every file parsed again); `incremental=True` reads only new and changed
    files. `one_shot`: no other run follows in this process (the command line), so the fork server
    the workers start from is stopped once the files are read (see run). Raises
    pipeline.batch.lock.LockBusy when another run holds the output folder or the database,
    RunFailed when the run refuses or fails (its message says what is live).
    """
    return run(raw_dir, out_dir, db_path, incremental=incremental, jobs=jobs, console=console,
               allow_removals=allow_removals, db_wait_s=db_wait_s, one_shot=one_shot)


def run(raw_dir: Path, out_dir: Path, db_path: Path, *, incremental: bool = True, jobs: int | None = None,
        console: Console | None = None, time_limit_s: float = DEFAULT_FILE_TIME_LIMIT,
        allow_removals: bool = False, db_wait_s: float | None = None, one_shot: bool = False) -> IngestReport:
    """Run the batch under the locks; log it to runs.jsonl; return its report.

    With `one_shot` the fork server goes once the files are read: its preloaded parsers (~110 MB) would
    otherwise be held beside the database step, the run's largest, against the nightly's memory limit.

    Raises LockBusy (another run holds a lock) or RunFailed / any other exception (the run
    failed; the last committed state is untouched unless the RunFailed message says otherwise).
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    jobs = jobs or default_jobs()
    record = RunRecord(run_id=f"{started:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:6]}", started_at=started.isoformat(),
                       mode="incremental" if incremental else "full", raw_dir=str(raw_dir), jobs=jobs,
                       parser_version=PARSER_VERSION)
    options = (allow_removals, db_wait_s, one_shot)
    try:
        with run_lock(out_dir), database_lock(db_path):
            line = None
            try:
                line, killed = start_run(out_dir, record)
                report = _run_locked(raw_dir, out_dir, db_path, incremental, jobs, console or Silent(),
                                     time_limit_s, record, started, options)
                report.killed = killed
            except BaseException as exc:
                record.status, record.exit_code, record.error = failure_record(exc)
                _close(out_dir, db_path, record, clock, line)
                raise
            failed = report.failed_now
            record.status = "some_failed" if failed else "ok"
            record.exit_code = EXIT_SOME_FAILED if failed else EXIT_OK
            _close(out_dir, db_path, record, clock, line)
    except LockBusy as exc:
        record.status, record.exit_code, record.error = "locked", EXIT_LOCKED, str(exc)
        _log(out_dir, record, clock, None)
        raise
    report.record = record
    return report


def database_wait(seconds: float | None) -> float:
    """Return how long to wait for a database held read-write: the argument, else CCHC_DB_WAIT, else 60 s."""
    if seconds is not None:
        return max(seconds, 0.0)
    value = os.environ.get(DB_WAIT_ENV, "").strip()
    try:
        return max(float(value), 0.0) if value else DEFAULT_DB_WAIT_S
    except ValueError:
        raise RunFailed(f"{DB_WAIT_ENV}={value!r}: give a number of seconds") from None


def failure_record(exc: BaseException) -> tuple[str, int, str]:
    """Given what ended a run, return its (status, exit code, error) for the run log."""
    if isinstance(exc, SystemExit) and exc.code == EXIT_TERMINATED:
        return "interrupted", EXIT_TERMINATED, "stopped by SIGTERM"
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return "interrupted", EXIT_INTERRUPTED, "interrupted (Ctrl-C)"
    return "failed", EXIT_RUN_FAILED, escape_line(f"{type(exc).__name__}: {exc}")


def _close(out_dir: Path, db_path: Path, record: RunRecord, clock: float, line: LogLine | None) -> None:
    """Complete the run's log line, then the database's runs table (still under the locks: no run rebuilds it)."""
    _log(out_dir, record, clock, line)
    refresh_runs(db_path, out_dir)


def _log(out_dir: Path, record: RunRecord, clock: float, line: LogLine | None) -> None:
    record.ended_at = datetime.now(UTC).isoformat()
    record.total_s = round(time.perf_counter() - clock, 3)
    try:
        if line is None:
            append_run(out_dir, record)
        else:
            finish_run(out_dir, record, line)
    except OSError:
        pass                                   # the run's outcome matters more than its log line


def _run_locked(raw_dir: Path, out_dir: Path, db_path: Path, incremental: bool, jobs: int, console: Console,
                limit: float, record: RunRecord, now: datetime, options: tuple[bool, float | None, bool]
                ) -> IngestReport:
    allow_removals, db_wait_s, one_shot = options[0], database_wait(options[1]), options[2]
    try:
        database_memory_mb()                   # a bad setting is told before any file is read, not at the end
    except ValueError as exc:
        raise RunFailed(str(exc)) from None
    tick = time.perf_counter()
    collect_garbage(out_dir)                   # leftovers of a run killed mid-way (not current: unread)
    previous, prev_snapshot = read_current(out_dir)
    trouble = snapshot_trouble(out_dir, previous, prev_snapshot)
    rows_from = None if trouble else prev_snapshot         # a damaged snapshot's rows are never read
    version, kinds = version_key(), available_kinds()
    paths = discover(raw_dir)
    refuse_listing(paths, raw_dir, previous, allow_removals)
    plan = make_plan(paths, raw_dir, previous, version, kinds, incremental, now.isoformat(),
                     repair=f"the last snapshot cannot be trusted: {trouble}" if trouble else None)
    check_removals(plan, previous, raw_dir, allow_removals)
    old = previous.files if previous else {}
    items = [WorkItem(str(plan.paths[rel]), str(raw_dir), rel,
                      old[rel].sha256 if rel in old else None,
                      old[rel].sidecar["sha256"] if rel in old and old[rel].sidecar else None,
                      force=why != "changed" or old[rel].status == DUPLICATE, ingested_at=now, time_limit=limit)
             for rel, why in plan.todo.items()]
    record.plan_s, tick = round(time.perf_counter() - tick, 3), time.perf_counter()

    results = parse(items, jobs, console)
    if one_shot:
        stop_forkserver()
    record.parse_s, tick = round(time.perf_counter() - tick, 3), time.perf_counter()

    manifest = Manifest(version, kinds, run_id=record.run_id, committed_at=now.isoformat())
    built = assemble(plan, results, previous, rows_from, manifest, now)
    record.rows_parsed = sum(r.tasks.num_rows for r in results.values() if r.outcome == OK)
    for result in results.values():
        result.tasks = None                    # in the assembled table now: let the memory go
    try:
        db_stamp = wait_for_database(db_path, db_wait_s, console.note)
    except DatabaseBusy as busy:
        raise RunFailed(f"{busy}; nothing was changed") from None
    snapshot = write_snapshot(out_dir, record.run_id, built, previous, rows_from)
    record.wrote_snapshot = snapshot != prev_snapshot
    record.write_s, tick = round(time.perf_counter() - tick, 3), time.perf_counter()

    try:
        ensure_log(out_dir)
        stamp = expected_stamp(out_dir, snapshot.name if snapshot else "", version)
        if db_stamp != stamp:
            build_database(db_path, out_dir, stamp=stamp, threads=jobs)
            record.db_rebuilt = True
    except BaseException as exc:
        if record.wrote_snapshot:
            withdraw(out_dir, db_path, snapshot, prev_snapshot, exc)
        if isinstance(exc, DatabaseBusy):
            raise RunFailed(f"{exc}; nothing was changed") from None
        raise
    record.db_s = round(time.perf_counter() - tick, 3)
    try:                                       # committed: from here on a failure must not say "nothing changed"
        collect_garbage(out_dir)
        return _report(plan, results, built, old, out_dir, record, snapshot)
    except Exception as exc:
        raise RunFailed(f"the new state is live (snapshot {snapshot.name if snapshot else '-'}, {db_path} reads it),"
                        f" but the run failed after committing it: {type(exc).__name__}: {exc}",
                        changed_nothing=False) from exc


def parse(items: list[WorkItem], jobs: int, console: Console) -> dict[str, WorkResult]:
    """Given the files to read, return what came of each (workers.parse_all); with none to read, import nothing.

    The workers' module brings the parsers (and the pool's fork server) with it: a night on which nothing
    changed never pays for them (~0.2 s of its ~1 s)."""
    if not items:
        return {}
    from pipeline.batch.workers import parse_all

    return parse_all(items, jobs, console)


def refuse_listing(paths: list[Path], raw_dir: Path, previous: Manifest | None, allow_removals: bool) -> None:
    """Raise RunFailed when data/raw cannot be listed, or lists no plan file (unless removals are allowed)."""
    unlisted = getattr(paths, "unlisted", [])
    if "" in unlisted:
        raise RunFailed(f"{paths.refused[''].error}; nothing was changed")
    if not paths and not allow_removals and not (previous and previous.files):
        raise RunFailed(f"{raw_dir} lists no plan file: nothing to ingest, nothing was changed (is the shared folder"
                        " mounted? to build empty tables on purpose, run again with --allow-removals)")


def withdraw(out_dir: Path, db_path: Path, snapshot: Path, prev_snapshot: Path | None, exc: BaseException) -> None:
    """The database step failed after the swap: make the last snapshot current again, or say what is live."""
    try:
        roll_back(out_dir, snapshot, prev_snapshot)
    except OSError as undo:
        raise RunFailed(f"{db_path} could not be rebuilt ({type(exc).__name__}: {exc}) and the new snapshot could"
                        f" not be withdrawn ({undo}): the Parquet tables now hold snapshot {snapshot.name}, and the"
                        f" views of {db_path} read them; run again to rebuild the database",
                        changed_nothing=False) from exc


def write_snapshot(out_dir: Path, run_id: str, built: Assembly, previous: Manifest | None,
                   rows_from: Path | None) -> Path | None:
    """Commit the assembled state as a new snapshot when anything differs; return the current snapshot.

    `rows_from` is the last snapshot when its tables can be trusted (compared with, linked from), else None.
    """
    tables: dict[str, pa.Table | Path] = {}
    prev_rows = {}
    if rows_from is not None:
        for name, schema in (("documents", documents_schema()), ("failures", failures_schema())):
            try:
                prev_rows[name] = table_rows(read_table(rows_from, name, schema))
            except ValueError:                 # written with an older table schema: never the same, rewrite it
                prev_rows[name] = None
    for name, rows, schema in (("documents", built.documents, documents_schema()),
                               ("failures", built.failures, failures_schema())):
        same = rows_from is not None and prev_rows[name] == rows
        tables[name] = table_path(rows_from, name) if same else pa.Table.from_pylist(rows, schema=schema)
    tables["tasks"] = built.tasks if built.tasks is not None else table_path(rows_from, "tasks")
    changed = any(not isinstance(t, Path) for t in tables.values())
    if not changed and built.manifest.same_content(previous):
        ensure_links(out_dir)                  # a no-op unless someone removed the fixed names
        return rows_from
    return commit(out_dir, run_id, tables, built.manifest)


def _report(plan: Plan, results: dict[str, WorkResult], built: Assembly, old: dict[str, Entry], out_dir: Path,
            record: RunRecord, snapshot: Path | None) -> IngestReport:
    """Fill the run record's counts and return the report the CLI prints."""
    new, changed, reparsed, unchanged = [], [], [], 0
    for rel in plan.paths:
        result = results.get(rel)
        if rel not in old:
            new.append(rel)
        elif rel in plan.keep or (result and result.outcome == SAME):
            unchanged += 1
        elif rel in plan.vanished or plan.todo.get(rel) == "changed" or (result and result.sha256 != old[rel].sha256):
            changed.append(rel)
        else:
            reparsed.append(rel)
    failures = [Failure(f["source_file"], f["error"], f["error_type"], built.failure_flags[f["source_file"]])
                for f in built.failures]
    record.files, record.new, record.changed, record.unchanged = len(plan.paths), len(new), len(changed), unchanged
    record.removed, record.reparsed = len(plan.removed), len(reparsed)
    record.failed = sum(f.this_run and not f.skipped for f in failures)
    record.quarantined = len(failures)
    record.documents, record.task_rows = len(built.documents), built.task_count
    record.snapshot = snapshot.name if snapshot else None
    record.reprocess_reason = plan.reprocess_reason
    parsed = [rel for rel, r in results.items() if r.outcome != SAME]
    return IngestReport(
        documents=[PlanDocument(**doc) for doc in built.documents], failures=failures, task_count=built.task_count,
        out_dir=out_dir, new=new, changed=changed, removed=plan.removed, parsed=sorted(parsed + list(plan.vanished)),
        unchanged=unchanged, reprocess_reason=plan.reprocess_reason, record=record)
