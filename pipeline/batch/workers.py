"""Parse files in worker processes, each file behind its own wall; results back in path order.

Every file, even a run's only one, is read in a worker process (`work`, which never raises: a
bad file becomes a failure with its reason) inside `wall.file_wall`: a memory and a CPU cap of
its own, and the parent's wall clock over it. So a bomb costs only its own file: refused with a
one-line reason, quarantined with its size and mtime (not tried again until it changes), and
the rest of the batch goes on. Results are keyed by path, so the tables never depend on how many
workers ran or which finished first.

The parent hands out one file at a time, costliest first (so two workers finish together), and
knows which file each worker holds: a worker that dies (a crash, the kernel's OOM killer) costs
that file one retry alone, and a second death quarantines it. Workers die with the run, even
after kill -9 (`wall.enter_worker`), and the parent stops them on every way out (Ctrl-C, SIGTERM).
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from pipeline.batch import pool
from pipeline.batch.duplicates import rows_key
from pipeline.batch.items import DEFAULT_FILE_TIME_LIMIT, SAME, WorkItem, WorkResult, default_jobs
from pipeline.batch.manifest import FAILED, OK, file_sha256, quick_stat, sidecar_fingerprint
from pipeline.batch.process import describe_failure, one_line, process_file
from pipeline.batch.runlog import Console
from pipeline.batch.wall import Limits, TooSlow
from schemas.arrow import tasks_schema

__all__ = ["DEFAULT_FILE_TIME_LIMIT", "SAME", "WorkItem", "WorkResult", "default_jobs", "parse_all", "work"]
MIN_FILES_FOR_POOL = 8              # (kept for callers) smaller batches once ran in the parent; now none does
IN_PROCESS = False                  # tests that patch a parser in this process set it; never a run


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
            pool.announce(result)
            sidecar_sha = result.sidecar["sha256"] if result.sidecar else None
            if not item.force and (result.sha256, sidecar_sha) == (item.known_sha, item.known_sidecar):
                result.outcome = SAME
            else:
                parsed = process_file(path, Path(item.raw_dir), item.ingested_at, sha256=result.sha256)
                result.document = parsed.document.model_dump()
                result.tasks = pa.Table.from_pylist([t.model_dump() for t in parsed.tasks], schema=tasks_schema())
                result.framework_ref = parsed.framework_ref
                result.rows_key = rows_key(result.tasks)       # here, on every core, not in the parent after
                result.outcome = OK
    except TooSlow as exc:
        limit, kind = (exc.args + ("wall",))[:2]
        what = "of CPU " if kind == "CPU" else ""
        result.error, result.error_type = f"{path}: given up after {limit:.0f} s {what}(the parser is stuck)", "Timeout"
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


def parse_all(items: list[WorkItem], jobs: int, console: Console, fn=work,
              limits: Limits | None = None) -> dict[str, WorkResult]:
    """Given the files to read, return each one's result by relative path, each read in a walled worker.

    `fn` is the function a worker applies to an item (`work`; tests put a crashing one in its place).
    `limits` defaults to the CCHC_FILE_* settings (a bad one raises ValueError before any file is read).
    """
    limits = limits or Limits.from_env()
    console.start("parsing", len(items))
    try:
        if IN_PROCESS:
            results = {}
            for item in items:
                results[item.rel] = fn(item)
                console.advance(len(results))
        else:
            results = pool.run_pool(items, jobs, console, fn, limits)
        for result in results.values():
            if result.error:
                result.error = one_line(result.error)        # a file name may hold escapes too
        return results
    finally:
        console.finish()
