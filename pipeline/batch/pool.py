"""The pool of walled workers: the parent hands out one file at a time and knows which file each holds.

Worker side: `serve` reads files one at a time, each through `walled` (the `wall.file_wall`
caps, a memory failure reworded as a refusal), and leaves when its address space grew (a fresh
worker replaces it). Parent side: `run_pool` hands out the costliest files first, so the workers
finish together; it kills a worker past its file's wall clock; a worker that dies costs its file
one retry alone, and a second death quarantines the file with the fingerprint the worker saw.
Every worker is stopped on every way out of `run_pool`; SIGTERM is turned into SystemExit for that.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path

from pipeline.batch.items import WorkItem, WorkResult
from pipeline.batch.manifest import FAILED, quick_stat, sidecar_stat
from pipeline.batch.runlog import Console
from pipeline.batch.wall import (
    GRACE_S,
    Limits,
    TooSlow,
    enter_worker,
    file_wall,
    memory_refusal,
    reset_peak_rss,
    status_kib,
)

RECYCLE_KIB = 256 * 1024            # a worker that grew this much over a file is replaced by a fresh one
# Relative cost of a byte by suffix, to hand out the costliest files first (PDF pages dominate a batch).
KIND_COST = {".pdf": 40, ".doc": 60, ".docx": 4, ".txt": 1}
# cv2 too: its libraries map ~300 MB of address space, which a scanned file would otherwise pay out
# of its memory cap; imported once by the fork server (the text path pays ~0.1 s a run, not a file).
# A module that is not installed is skipped by the fork server.
PRELOAD = ["pipeline.batch.workers", "parsers.docx", "parsers.pdf", "parsers.plaintext", "pdfplumber", "cv2"]

_channel = None                     # in a worker: the pipe to the parent (work() announces a file's fingerprint)
_seen: tuple | None = None          # in a worker: the fingerprint of the file at hand, once announced


# --- the worker's side -----------------------------------------------------------------------------


def announce(result: WorkResult) -> None:
    """In a worker, tell the parent the file's fingerprint before parsing: should the worker die, it is kept."""
    global _seen
    if _channel is not None:
        _seen = (result.size, result.mtime_ns, result.sha256, result.sidecar)
        _channel.send(("seen", _seen))


def serve(conn, fn, limits: Limits, environ: dict) -> None:
    """A worker's life: read files one at a time behind the wall, send each result; leave when told or grown."""
    global _channel
    os.environ.clear()
    os.environ.update(environ)              # the run's settings now, not the fork server's at its start
    enter_worker()
    _channel = conn
    base = status_kib("VmSize") or 0
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return                          # the run is gone
        if item is None:
            return
        result, refused = walled(fn, item, limits)
        grown = (status_kib("VmSize") or 0) - base > RECYCLE_KIB
        conn.send(("done", result, not (grown or refused)))
        if grown or refused:
            return                          # a fresh worker starts from a clean address space


def walled(fn, item: WorkItem, limits: Limits) -> tuple[WorkResult, bool]:
    """Run fn on the item behind the wall; return its result (a memory failure reworded) and whether it hit the wall."""
    global _seen
    _seen = None
    reset_peak_rss()
    cpu = time.process_time()
    try:
        with file_wall(limits) as wall:
            result = fn(item)
    except MemoryError:
        result = WorkResult(item.rel, FAILED, error_type="MemoryError")
    except TooSlow:
        result = WorkResult(item.rel, FAILED, error=f"{item.path}: given up after {limits.cpu_s:.0f} s of CPU"
                            " (the parser is stuck)", error_type="Timeout")
    # a parser may wrap the MemoryError in its own error ("damaged PDF (MemoryError: …)"): still a refusal
    refused = result.outcome == FAILED and (result.error_type == "MemoryError" or "MemoryError" in (result.error or "")
                                            or wall.was_hit())
    if refused:
        result.error, result.error_type = f"{item.path}: {memory_refusal(limits)}", "TooBig"
    if result.outcome == FAILED and result.size is None and _seen is not None:
        result.size, result.mtime_ns, result.sha256, result.sidecar = _seen      # quarantined with its fingerprint
    result.cpu_s = round(time.process_time() - cpu, 3)
    result.peak_mb = round((status_kib("VmHWM") or 0) / 1024, 1)
    return result, refused


# --- the parent's side -----------------------------------------------------------------------------


def run_pool(items: list[WorkItem], jobs: int, console: Console, fn, limits: Limits) -> dict[str, WorkResult]:
    """Given the files, return each one's result by relative path, read by up to `jobs` walled workers."""
    jobs = max(1, min(jobs, len(items)))
    with stop_on_sigterm():
        return _parse_walled(items, jobs, console, fn, limits.fitted(jobs))


@contextmanager
def stop_on_sigterm():
    """Turn SIGTERM into SystemExit(143) for the block (a whole `cchc ingest`, or its workers), so they are
    stopped and the run logged before it exits; a handler already set (an outer block) is left in place."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def costliest_first(items: list[WorkItem]) -> list[WorkItem]:
    """Given the files, return them by estimated parsing cost, highest first (ties in path order)."""
    def cost(item: WorkItem) -> float:
        try:
            size = os.stat(item.path).st_size
        except OSError:
            size = 0
        return size * KIND_COST.get(Path(item.path).suffix.lower(), 1)

    return sorted(items, key=lambda i: (-cost(i), i.rel))


def stop_forkserver() -> None:
    """Stop the fork server workers start from, if it runs (the next worker would start it again)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)           # the standard library's own (private) way to stop it
    if stop is not None and getattr(server, "_forkserver_pid", None) is not None:
        stop()


def _context():
    # forkserver: workers start from a fresh interpreter, so none inherits the run lock's file
    # descriptor (a lingering worker would otherwise keep the lock after its parent was killed).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


class Worker:
    """A worker process as the parent sees it: its pipe, the file it holds, since when, and what it saw."""

    def __init__(self, ctx, fn, limits: Limits):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(child, fn, limits, dict(os.environ)), daemon=True,
                                   name="cchc-parse")
        self.process.start()
        child.close()
        self.item: WorkItem | None = None
        self.seen: tuple | None = None
        self.since = 0.0

    def give(self, item: WorkItem) -> None:
        self.item, self.seen, self.since = item, None, time.monotonic()
        self.conn.send(item)

    def stop(self) -> None:
        """End the process (politely if idle, else killed) and reap it."""
        if self.process.is_alive():
            if self.item is None:
                try:
                    self.conn.send(None)
                except OSError:
                    pass
                self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
        self.process.join(5)
        self.conn.close()


def _parse_walled(items: list[WorkItem], jobs: int, console: Console, fn,
                  limits: Limits) -> dict[str, WorkResult]:
    results: dict[str, WorkResult] = {}
    ctx = _context()
    items = [replace(i, time_limit=min(i.time_limit or limits.time_s, limits.time_s)) for i in items]
    died = _pool_pass(costliest_first(items), jobs, ctx, fn, limits, results, console)
    for item, _ in sorted(died, key=lambda d: d[0].rel):          # each alone: if it dies again, it is the culprit
        again = _pool_pass([item], 1, ctx, fn, limits, results, console)
        for lost, worker in again:
            results[lost.rel] = died_result(lost, worker)
    return results


def _pool_pass(items: list[WorkItem], jobs: int, ctx, fn, limits: Limits, results: dict[str, WorkResult],
               console: Console) -> list[tuple[WorkItem, tuple]]:
    """Read the items with up to `jobs` workers into results; return the items whose worker died, with its exit."""
    todo, idle, busy, died = deque(items), [], [], []
    try:
        while todo or busy:
            while todo and len(busy) < jobs:
                worker = idle.pop() if idle else Worker(ctx, fn, limits)
                worker.give(todo.popleft())
                busy.append(worker)
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=_next_deadline(busy))
            for worker in list(busy):
                done = _collect(worker, results)
                if done is None:
                    continue
                busy.remove(worker)
                if done == "dead":
                    worker.stop()
                    died.append((worker.item, (worker.process.exitcode, worker.seen)))
                elif done == "keep":
                    worker.item = None
                    idle.append(worker)
                else:
                    worker.stop()                 # it leaves by itself, or it is stuck: either way, gone
                console.advance(len(results))
    finally:
        for worker in idle + busy:
            worker.stop()
    return died


def _next_deadline(busy: list[Worker]) -> float:
    now = time.monotonic()
    return max(0.05, min(w.since + wall_clock(w.item) - now for w in busy))


def wall_clock(item: WorkItem) -> float:
    """The parent's deadline for a file: its own time limit (the worker's alarm), and a grace."""
    return item.time_limit + GRACE_S


def _collect(worker: Worker, results: dict[str, WorkResult]) -> str | None:
    """Take what a worker has sent; return keep / leave (a result came), dead, or None (still at work)."""
    try:
        while worker.conn.poll():
            message = worker.conn.recv()
            if message[0] == "seen":
                worker.seen = message[1]
                continue
            results[worker.item.rel] = message[1]
            return "keep" if message[2] else "leave"
    except (EOFError, OSError):
        return "dead"
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
        results[worker.item.rel] = _failed(worker.item, f"{worker.item.path}: the worker failed: "
                                           f"{type(exc).__name__}: {exc}", type(exc).__name__, worker.seen)
        return "leave"
    if not worker.process.is_alive():
        return "dead"
    if time.monotonic() - worker.since > wall_clock(worker.item):
        limit = wall_clock(worker.item) - GRACE_S
        results[worker.item.rel] = _failed(worker.item, f"{worker.item.path}: given up after {limit:.0f} s"
                                           " (the parser is stuck)", "Timeout", worker.seen)
        return "leave"
    return None


def died_result(item: WorkItem, exit_info: tuple) -> WorkResult:
    """The failure of a file whose worker died on it twice, with what the worker had seen of it."""
    code, seen = exit_info
    how = f" (killed by {signal.Signals(-code).name}: out of memory?)" if code and code < 0 else \
        f" (exit code {code})" if code else ""
    return _failed(item, f"{item.path}: the parser's process died on this file{how}", "WorkerDied", seen)


def _failed(item: WorkItem, error: str, error_type: str, seen: tuple | None = None) -> WorkResult:
    """A failure with the file's fingerprint (from the worker, else from stat), so it is not retried unchanged."""
    result = WorkResult(item.rel, FAILED, error=error, error_type=error_type)
    if seen is not None:
        result.size, result.mtime_ns, result.sha256, result.sidecar = seen
        return result
    try:
        result.size, result.mtime_ns = quick_stat(Path(item.path))
        side = sidecar_stat(Path(item.path))
        result.sidecar = {"size": side[0], "mtime_ns": side[1], "sha256": None} if side else None
    except OSError:
        pass
    return result
