"""The batch over a folder: lock → list → plan → parse (in parallel) → assemble → commit → views → run log.

    raw files ──plan (manifest)──► to read ──workers──► results ─┐
                └──────────────► unchanged (rows kept) ──────────┴─► tables ─► snapshot ─► DuckDB

Every file is read in a worker process (`work`, which never raises: a bad file becomes a
failure with its reason); results are put back in path order, so the tables do not depend on
how many workers ran or which finished first. A worker that dies (a crash, the OOM killer)
costs only its own file: the files it may have held are retried one by one, each alone.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from parsers.registry import available_kinds
from pipeline.ingest import (
    PARSER_VERSION,
    Failure,
    IngestReport,
    describe_failure,
    discover,
    link_documents,
    process_file,
    schema_for_failures,
)
from pipeline.lock import LockBusy, run_lock
from pipeline.manifest import (
    DUPLICATE,
    FAILED,
    OK,
    Entry,
    Manifest,
    Plan,
    file_sha256,
    make_plan,
    quick_stat,
    sidecar_fingerprint,
    version_key,
)
from pipeline.runlog import Console, RunRecord, Silent, append_run, ensure_log
from pipeline.store import collect_garbage, commit, ensure_links, read_current, read_table, table_path
from schemas.arrow import documents_schema, tasks_schema
from schemas.models import PlanDocument

DEFAULT_FILE_TIME_LIMIT = 600.0     # seconds one file may take before it is given up as stuck
MIN_FILES_FOR_POOL = 8              # fewer files are parsed in this process: starting workers costs ~1 s
SAME = "same"                       # work outcome: the bytes hash to what the manifest has; not parsed


class RunFailed(Exception):
    """The run itself cannot go on (not one file's fault); nothing was changed."""


class TooSlow(Exception):
    """A file took longer than the time limit."""


@dataclass
class WorkItem:
    """One file for a worker to look at."""

    path: str
    raw_dir: str
    rel: str
    known_sha: str | None           # the content the manifest has: not parsed again if the bytes still match
    known_sidecar: str | None
    force: bool                     # parse even when the bytes match (new version, retry)
    ingested_at: datetime
    time_limit: float = DEFAULT_FILE_TIME_LIMIT


@dataclass
class WorkResult:
    """What came of one file: the same content as before, a document and its rows, or a failure."""

    rel: str
    outcome: str                    # same | ok | failed
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None
    sidecar: dict | None = None
    document: dict | None = None
    tasks: pa.Table | None = None
    framework_ref: str | None = None
    error: str | None = None
    error_type: str | None = None
    seconds: float = 0.0


def work(item: WorkItem) -> WorkResult:
    """Given a file to look at, return what came of it; never raises (a failure carries its reason)."""
    start = time.perf_counter()
    path = Path(item.path)
    result = WorkResult(item.rel, FAILED)
    try:
        with time_limit(item.time_limit):
            result.size, result.mtime_ns = quick_stat(path)
            result.sha256 = file_sha256(path)
            result.sidecar = sidecar_fingerprint(path)
            sidecar_sha = result.sidecar["sha256"] if result.sidecar else None
            if not item.force and (result.sha256, sidecar_sha) == (item.known_sha, item.known_sidecar):
                result.outcome = SAME
            else:
                parsed = process_file(path, Path(item.raw_dir), item.ingested_at, sha256=result.sha256)
                result.document = parsed.document.model_dump()
                result.tasks = pa.Table.from_pylist([t.model_dump() for t in parsed.tasks], schema=tasks_schema())
                result.framework_ref = parsed.framework_ref
                result.outcome = OK
    except TooSlow as exc:
        result.error, result.error_type = f"{path}: given up after {exc.args[0]:.0f} s (the parser is stuck)", "Timeout"
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        result.error, result.error_type = describe_failure(path, exc)
    result.seconds = time.perf_counter() - start
    return result


@contextmanager
def time_limit(seconds: float | None):
    """Raise TooSlow in the block after `seconds` (SIGALRM: main thread only, else no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TooSlow(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parse_all(items: list[WorkItem], jobs: int, console: Console, fn=work) -> dict[str, WorkResult]:
    """Given the files to read, return each one's result by relative path (in worker processes when it pays).

    `fn` is the function a worker applies to an item (`work`; tests put a crashing one in its place).
    """
    console.start("parsing", len(items))
    try:
        if jobs <= 1 or len(items) < MIN_FILES_FOR_POOL:
            results = {}
            for item in items:
                results[item.rel] = fn(item)
                console.advance(len(results))
            return results
        return _parse_in_pool(items, jobs, console, fn)
    finally:
        console.finish()


def _context():
    # forkserver: workers start from a fresh interpreter, so none inherits the run lock's file
    # descriptor (a lingering worker would otherwise keep the lock after its parent was killed).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.batch"])
    return ctx


def watch_parent(pid: int, interval: float = 1.0) -> None:
    """Worker initializer: exit when the run that started this worker is gone.

    A run killed with SIGKILL cannot stop its workers, and a worker never sees its queues
    close (it holds both ends of them), so without this it would wait, or block writing a
    result nobody reads, for ever.
    """
    def watch():
        while True:
            time.sleep(interval)
            if not process_alive(pid):
                os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def process_alive(pid: int) -> bool:
    """Return True while pid runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _pool(workers: int, ctx) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=watch_parent,
                               initargs=(os.getpid(),))


def _parse_in_pool(items: list[WorkItem], jobs: int, console: Console, fn) -> dict[str, WorkResult]:
    results: dict[str, WorkResult] = {}
    orphans: list[WorkItem] = []
    ctx = _context()
    with _pool(min(jobs, len(items)), ctx) as pool:
        futures = {pool.submit(fn, item): item for item in items}
        for future in as_completed(futures):
            item = futures[future]
            try:
                results[item.rel] = future.result()
            except BrokenProcessPool:
                orphans.append(item)
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                results[item.rel] = _failed(item, f"{item.path}: the worker failed: {type(exc).__name__}: {exc}",
                                            type(exc).__name__)
            console.advance(len(results) + len(orphans))
    for item in sorted(orphans, key=lambda i: i.rel):
        results[item.rel] = _alone(item, ctx, fn)
    return results


def _alone(item: WorkItem, ctx, fn) -> WorkResult:
    """Read one file in a process of its own: if that process dies, the file is the culprit."""
    with _pool(1, ctx) as pool:
        try:
            return pool.submit(fn, item).result()
        except BrokenProcessPool:
            return _failed(item, f"{item.path}: the parser's process died on this file (a crash, or out of memory)",
                           "WorkerDied")


def _failed(item: WorkItem, error: str, error_type: str) -> WorkResult:
    return WorkResult(item.rel, FAILED, error=error, error_type=error_type)


@dataclass
class Assembly:
    """The next state: manifest entries, the three tables (or what to link unchanged), and the counts."""

    manifest: Manifest
    documents: list[dict]
    tasks: pa.Table | None              # None: unchanged, link the previous file
    failures: list[dict]
    failure_flags: dict[str, bool]      # source file → failed in this run
    task_count: int


def assemble(plan: Plan, results: dict[str, WorkResult], previous: Manifest | None, prev_snapshot: Path | None,
             manifest: Manifest, now: datetime) -> Assembly:
    """Given the plan, the workers' results and the last snapshot, return the tables and manifest to commit."""
    old = previous.files if previous else {}
    stamp = now.isoformat()
    entries: dict[str, Entry] = {}
    for rel in plan.paths:
        if rel in plan.keep:
            entries[rel] = replace(plan.keep[rel])     # a copy: the previous manifest stays as it was
        elif rel in plan.vanished:
            entries[rel] = plan.vanished[rel]
        else:
            entries[rel] = entry_from(results[rel], old.get(rel), stamp, manifest.version.get("parser", ""))
    winners = mark_duplicates(entries)
    manifest.files = entries
    fresh = {rel: results[rel] for rel in winners if rel in results and results[rel].outcome == OK}

    prev_docs = {}
    if prev_snapshot is not None and len(fresh) < len(winners):
        prev_docs = {d["doc_id"]: d for d in read_table(prev_snapshot, "documents", documents_schema()).to_pylist()}
    documents = [dict(fresh[rel].document) if rel in fresh else dict(prev_docs[entries[rel].doc_id])
                 for rel in winners]
    for rel, doc in zip(winners, documents, strict=True):
        doc["source_file"] = rel
    link_documents(documents, {entries[rel].doc_id: entries[rel].framework_ref for rel in winners})

    failures = [failure_row(rel, e) for rel, e in entries.items() if e.status != OK]
    flags = {rel: failed_this_run(rel, e, old.get(rel), results.get(rel)) for rel, e in entries.items()
             if e.status != OK}

    prev_order = _doc_order(prev_snapshot) if prev_snapshot is not None and not fresh else None
    order = [entries[rel].doc_id for rel in winners]
    tasks = None if (prev_order is not None and prev_order == order) else assemble_tasks(winners, entries, fresh,
                                                                                          prev_snapshot)
    task_count = sum(entries[rel].rows for rel in winners)
    return Assembly(manifest, documents, tasks, failures, flags, task_count)


def failed_this_run(rel: str, entry: Entry, old: Entry | None, result: WorkResult | None) -> bool:
    """Return True when a left-out file is news: tried in this run, or newly left out (else: quarantined)."""
    tried = result is not None and result.outcome != SAME
    return tried or old is None or (old.status, old.error) != (entry.status, entry.error)


def entry_from(result: WorkResult, old: Entry | None, stamp: str, parser_version: str) -> Entry:
    """Given a worker's result and the file's previous entry, return its new manifest entry."""
    if result.outcome == SAME:
        return replace(old, size=result.size, mtime_ns=result.mtime_ns, sidecar=result.sidecar)
    first_seen = old.first_seen_at if old else stamp
    entry = Entry(result.size, result.mtime_ns, result.sha256, FAILED, sidecar=result.sidecar,
                  parser_version=parser_version, first_seen_at=first_seen, processed_at=stamp)
    if result.outcome == OK:
        entry.status, entry.doc_id = OK, result.document["doc_id"]
        entry.rows, entry.framework_ref = result.tasks.num_rows, result.framework_ref
    else:
        entry.error, entry.error_type = result.error, result.error_type
    return entry


def mark_duplicates(entries: dict[str, Entry]) -> list[str]:
    """Mark every file whose content repeats an earlier one (in path order) a duplicate; return the winners."""
    seen: dict[str, str] = {}
    winners = []
    for rel, entry in entries.items():
        if entry.status not in (OK, DUPLICATE) or not entry.doc_id:
            continue
        first = seen.setdefault(entry.doc_id, rel)
        if first == rel:
            entry.status, entry.error, entry.error_type, entry.duplicate_of = OK, None, None, None
            winners.append(rel)
        else:
            entry.status, entry.duplicate_of, entry.error_type = DUPLICATE, first, "Duplicate"
            entry.error = f"{rel}: same content as {first} (kept once, under {first})"
    return winners


def failure_row(rel: str, entry: Entry) -> dict:
    failed_at = datetime.fromisoformat(entry.processed_at) if entry.processed_at else None
    return {"source_file": rel, "error": entry.error or "unknown error", "error_type": entry.error_type,
            "sha256": entry.sha256, "size": entry.size, "failed_at": failed_at}


def _doc_order(snapshot: Path) -> list[str]:
    """Given a snapshot, return the doc_ids of its tasks table in order, each once."""
    import pyarrow.parquet as pq

    ids = pq.read_table(table_path(snapshot, "tasks"), columns=["doc_id"])["doc_id"]
    return pc.unique(ids).to_pylist() if len(ids) else []


def assemble_tasks(winners: list[str], entries: dict[str, Entry], fresh: dict[str, WorkResult],
                   prev_snapshot: Path | None) -> pa.Table:
    """Return the task rows of every winner, in path order: fresh rows, or the last snapshot's."""
    schema = tasks_schema()
    kept_ids = [entries[rel].doc_id for rel in winners if rel not in fresh]
    slices = {}
    if kept_ids and prev_snapshot is not None:
        prev = read_table(prev_snapshot, "tasks", schema)
        prev = prev.filter(pc.is_in(prev["doc_id"], value_set=pa.array(kept_ids, pa.string())))
        slices = _slices_by_doc(prev)
    parts = [fresh[rel].tasks.cast(schema) if rel in fresh else slices.get(entries[rel].doc_id)
             for rel in winners]
    parts = [p for p in parts if p is not None and p.num_rows]
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(parts).combine_chunks()


def _slices_by_doc(table: pa.Table) -> dict[str, pa.Table]:
    """Given task rows grouped by doc_id (as the snapshot stores them), return each document's rows."""
    ids = table["doc_id"].to_pylist()
    slices, start = {}, 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[start]:
            slices[ids[start]] = table.slice(start, i - start)
            start = i
    return slices


def run(raw_dir: Path, out_dir: Path, db_path: Path, *, incremental: bool = True, jobs: int | None = None,
        console: Console | None = None, time_limit_s: float = DEFAULT_FILE_TIME_LIMIT) -> IngestReport:
    """Run the batch under the output folder's lock; log it to runs.jsonl; return its report.

    Raises LockBusy (another run holds the lock) or RunFailed / any other exception (the run
    failed; the last committed state is untouched).
    """
    from pipeline.cli import EXIT_LOCKED, EXIT_OK, EXIT_RUN_FAILED, EXIT_SOME_FAILED

    started = datetime.now(UTC)
    clock = time.perf_counter()
    jobs = jobs or default_jobs()
    record = RunRecord(run_id=f"{started:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:6]}", started_at=started.isoformat(),
                       mode="incremental" if incremental else "full", raw_dir=str(raw_dir), jobs=jobs,
                       parser_version=PARSER_VERSION)
    try:
        with run_lock(out_dir):
            try:
                report = _run_locked(raw_dir, out_dir, db_path, incremental, jobs, console or Silent(),
                                     time_limit_s, record, started)
            except BaseException as exc:
                record.status, record.exit_code = "failed", EXIT_RUN_FAILED
                record.error = f"{type(exc).__name__}: {exc}"
                _log(out_dir, record, clock)
                raise
    except LockBusy as exc:
        record.status, record.exit_code, record.error = "locked", EXIT_LOCKED, str(exc)
        _log(out_dir, record, clock)
        raise
    failed = report.failed_now
    record.status = "some_failed" if failed else "ok"
    record.exit_code = EXIT_SOME_FAILED if failed else EXIT_OK
    _log(out_dir, record, clock)
    report.record = record
    return report


def _log(out_dir: Path, record: RunRecord, clock: float) -> None:
    record.ended_at = datetime.now(UTC).isoformat()
    record.total_s = round(time.perf_counter() - clock, 3)
    try:
        append_run(out_dir, record)
    except OSError:
        pass                                   # the run's outcome matters more than its log line


def _run_locked(raw_dir: Path, out_dir: Path, db_path: Path, incremental: bool, jobs: int, console: Console,
                limit: float, record: RunRecord, now: datetime) -> IngestReport:
    from pipeline.database import build_database, database_stamp, expected_stamp

    tick = time.perf_counter()
    collect_garbage(out_dir)                   # leftovers of a run killed mid-way (not current: unread)
    previous, prev_snapshot = read_current(out_dir)
    version, kinds = version_key(), available_kinds()
    paths = discover(raw_dir)
    if incremental and not paths and previous and previous.files:
        raise RunFailed(f"{raw_dir} lists no plan file but {len(previous.files)} were ingested before: is the"
                        " shared folder mounted? Nothing was changed (run a full `cchc ingest` to empty the tables)")
    plan = make_plan(paths, raw_dir, previous, version, kinds, incremental, now.isoformat())
    old = previous.files if previous else {}
    items = [WorkItem(str(plan.paths[rel]), str(raw_dir), rel,
                      old[rel].sha256 if rel in old else None,
                      old[rel].sidecar["sha256"] if rel in old and old[rel].sidecar else None,
                      force=why != "changed" or old[rel].status == DUPLICATE, ingested_at=now, time_limit=limit)
             for rel, why in plan.todo.items()]
    record.plan_s, tick = round(time.perf_counter() - tick, 3), time.perf_counter()

    results = parse_all(items, jobs, console)
    record.parse_s, tick = round(time.perf_counter() - tick, 3), time.perf_counter()

    manifest = Manifest(version, kinds, run_id=record.run_id, committed_at=now.isoformat())
    built = assemble(plan, results, previous, prev_snapshot, manifest, now)
    record.rows_parsed = sum(r.tasks.num_rows for r in results.values() if r.outcome == OK)
    for result in results.values():
        result.tasks = None                    # in the assembled table now: let the memory go
    snapshot = write_snapshot(out_dir, record.run_id, built, previous, prev_snapshot)
    record.wrote_snapshot = snapshot != prev_snapshot
    collect_garbage(out_dir)
    record.write_s, tick = round(time.perf_counter() - tick, 3), time.perf_counter()

    ensure_log(out_dir)
    stamp = expected_stamp(out_dir, snapshot.name if snapshot else "", version)
    if database_stamp(db_path) != stamp:
        build_database(db_path, out_dir, stamp=stamp)
    record.db_s = round(time.perf_counter() - tick, 3)
    return _report(plan, results, built, old, out_dir, record, snapshot)


def write_snapshot(out_dir: Path, run_id: str, built: Assembly, previous: Manifest | None,
                   prev_snapshot: Path | None) -> Path | None:
    """Commit the assembled state as a new snapshot when anything differs; return the current snapshot."""
    tables: dict[str, pa.Table | Path] = {}
    prev_rows = {}
    if prev_snapshot is not None:
        for name, schema in (("documents", documents_schema()), ("failures", schema_for_failures())):
            prev_rows[name] = read_table(prev_snapshot, name, schema).to_pylist()
    for name, rows, schema in (("documents", built.documents, documents_schema()),
                               ("failures", built.failures, schema_for_failures())):
        same = prev_snapshot is not None and prev_rows[name] == rows
        tables[name] = table_path(prev_snapshot, name) if same else pa.Table.from_pylist(rows, schema=schema)
    tables["tasks"] = built.tasks if built.tasks is not None else table_path(prev_snapshot, "tasks")
    changed = any(not isinstance(t, Path) for t in tables.values())
    if not changed and built.manifest.same_content(previous):
        ensure_links(out_dir)                  # a no-op unless someone removed the fixed names
        return prev_snapshot
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
    record.failed = sum(f.this_run for f in failures)
    record.quarantined = len(failures)
    record.documents, record.task_rows = len(built.documents), built.task_count
    record.snapshot = snapshot.name if snapshot else None
    record.reprocess_reason = plan.reprocess_reason
    parsed = [rel for rel, r in results.items() if r.outcome != SAME]
    return IngestReport(
        documents=[PlanDocument(**doc) for doc in built.documents], failures=failures, task_count=built.task_count,
        out_dir=out_dir, new=new, changed=changed, removed=plan.removed, parsed=sorted(parsed + list(plan.vanished)),
        unchanged=unchanged, reprocess_reason=plan.reprocess_reason, record=record)
