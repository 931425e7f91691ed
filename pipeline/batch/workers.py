"""Parse files in worker processes: each file alone, in path order, a failure never raised.

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
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipeline.batch.manifest import FAILED, OK, file_sha256, quick_stat, sidecar_fingerprint
from pipeline.batch.process import describe_failure, process_file
from pipeline.batch.runlog import Console
from schemas.arrow import tasks_schema

DEFAULT_FILE_TIME_LIMIT = 600.0     # seconds one file may take before it is given up as stuck
MIN_FILES_FOR_POOL = 8              # fewer files are parsed in this process: starting workers costs ~1 s
SAME = "same"                       # work outcome: the bytes hash to what the manifest has; not parsed


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
    ctx.set_forkserver_preload(["pipeline.batch.workers"])
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
