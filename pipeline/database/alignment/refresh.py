"""Bring the alignment store up to date while the database is built: compute only the scopes whose inputs changed.

Called by pipeline.database.build right after sql/ has created int_row_terms, on the database being built:

    reviews.csv ──check──► alignment/reviews.parquet                         (loaded by int_reviews)
    int_units ──► scopes and their keys ──► unchanged: the file is kept (or linked from the snapshot before)
                                         └► new or changed: int_row_terms ─► scores ─► file
                                                            (loaded by int_alignment_candidates, int_version_pairs)

A scope's key is a digest of the rules (the input SQL, its data tables, ALIGNMENT_VERSION) and of every
column of the scope's units: a department plan that changed changes only the key of its framework.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.database.alignment import inputs, store
from pipeline.database.alignment.reviews import read_reviews, reviews_path, reviews_table

# bump when the Python scoring changes what it computes: every scope is computed again
ALIGNMENT_VERSION = "2"
SCORING_THREADS = 4       # scopes scored at once, at most (one per core: scoring_threads)
# From this many scopes to compute, they are scored in processes rather than threads: a small scope's scoring
# is mostly Python holding the GIL (the 1,000-file nightly's 671 scopes scored no faster on two threads than on
# one), while a few big ones spend their time in numpy and scipy, which let go of it. Below it, the processes'
# start (~0.7 s of imports each) costs more than it saves; above PROCESS_INPUT_BYTES of inputs, so would the
# copy each process is given (and the memory).
PROCESS_SCOPES = 64
PROCESS_INPUT_BYTES = 128 * 1024 * 1024   # 1,000-file nightly: ~13 MiB; national: 58 MiB (34 scopes: threads)


def alignment_stamp(normalized: Path) -> dict:
    """Given the output folder, return what the database depends on beyond its SQL and snapshot: the scoring
    code's version and the reviews file, so that a new review rebuilds the database at the next run."""
    path = reviews_path(normalized)
    reviews = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    return {"alignment_version": ALIGNMENT_VERSION, "reviews": reviews}


def scope_key(rules: str, fingerprint: str) -> str:
    """Given the rules' digest and a scope's fingerprint, return the scope's key (its file's name part)."""
    return hashlib.sha256(f"{rules}|{fingerprint}".encode()).hexdigest()[:20]


def refresh_alignment(con: duckdb.DuckDBPyConnection, normalized: Path, sql: list[tuple[str, str]]) -> dict:
    """Given the database being built (its SQL applied up to int_row_terms), the output folder and the SQL of
    sql/, make alignment/ hold the reviews and the scores of every scope; return what was computed and reused."""
    started = time.perf_counter()
    con.execute("SET enable_progress_bar = false")      # the build's output is a cron mail, not a terminal
    folder = store.store_folder(normalized)
    store.write_atomically(reviews_table(read_reviews(reviews_path(normalized))), folder / "reviews.parquet")
    store.ensure_empty_files(folder, schemas())
    rules = inputs.rules_fingerprint(sql, ALIGNMENT_VERSION)
    wanted, todo = {}, []
    for scope in inputs.scope_fingerprints(con):
        if not scope["versions"] and not scope["department_units"]:
            continue                            # a framework no plan is compared with: nothing to score
        kind = "version_pairs" if scope["versions"] else "candidates"
        path = store.scope_file(folder, kind, scope["scope_id"], scope_key(rules, scope["fingerprint"]))
        wanted[scope["scope_id"]] = path
        if not path.exists() and not store.link_earlier(path):      # the snapshot before may hold it
            todo.append((scope["scope_id"], kind, path))
    if todo:
        inputs.compute_terms(con, sql, [scope_id for scope_id, _, _ in todo])
        read = inputs.ScopeInputs(con)
        inputs.drop_terms(con)                          # all is read: DuckDB's memory goes back to the build
        p = inputs.params(con)
        for _ in scored(read, todo, p, scoring_threads(con)):
            pass
        del read
    store.prune(folder, set(wanted.values()))
    log = {"computed": sorted(s for s, _, _ in todo), "reused": sorted(set(wanted) - {s for s, _, _ in todo}),
           "seconds": round(time.perf_counter() - started, 3)}
    store.write_log(folder, log)
    return log


def schemas() -> dict:
    """Return the columns of each kind of scope file.

    The scoring (scipy) is imported only where a build uses it, not by every run that imports the
    database layer to see whether its database is still current (a no-change night).
    """
    from pipeline.database.alignment.framework import CANDIDATES_SCHEMA
    from pipeline.database.alignment.versions import VERSION_PAIRS_SCHEMA

    return {"candidates": CANDIDATES_SCHEMA, "version_pairs": VERSION_PAIRS_SCHEMA}


def scoring_threads(con: duckdb.DuckDBPyConnection | None = None) -> int:
    """Return how many scopes are scored at once: one per core this process may use, no more than the database
    being built may use (its setting `threads`: `cchc ingest --jobs 1` keeps the whole run on one core), at most
    SCORING_THREADS."""
    cores = len(os.sched_getaffinity(0))
    if con is not None:
        cores = min(cores, int(con.execute("SELECT current_setting('threads')").fetchone()[0]))
    return max(1, min(SCORING_THREADS, cores))


def scored(read: inputs.ScopeInputs, scopes: list[tuple[str, str, Path]], p: dict, threads: int | None = None
           ) -> Iterator[Path]:
    """Given every computed scope's inputs, the (scope, kind, file) triples to compute, alignment_params and how
    many to score at once (default scoring_threads()), score each scope into its file; yield the files, in the
    order given.

    Scopes are scored and written on a pool of threads (numpy, scipy, pyarrow and the Parquet writer let go of
    the GIL while they work), at most one scope ahead per thread, so no more than that many are held in memory;
    or, for PROCESS_SCOPES scopes or more whose inputs are small enough to copy, on a pool of processes.
    """
    threads = threads or scoring_threads()
    if threads > 1 and len(scopes) >= PROCESS_SCOPES and read.nbytes <= PROCESS_INPUT_BYTES:
        yield from scored_in_processes(read, scopes, p, threads)
        return
    with ThreadPoolExecutor(threads) as pool:
        pending: deque[Future] = deque()
        for scope_id, kind, path in scopes:
            pending.append(pool.submit(score_scope, read, p, scope_id, kind, path))
            if len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def scored_in_processes(read: inputs.ScopeInputs, scopes: list[tuple[str, str, Path]], p: dict, workers: int
                        ) -> Iterator[Path]:
    """Score the scopes as `scored` does, on `workers` processes, each given every scope's inputs once.

    Each is a fresh interpreter (spawned: none inherits this process's DuckDB threads, or the run's lock, as a
    forked one would), dies with this one (parsers.child.die_with_parent) and leaves Ctrl-C to it. So, as with
    any multiprocessing program, the main script of a process that builds the database must guard its work
    with `if __name__ == "__main__":` (the `cchc` command does).
    """
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=enter_scoring, initargs=(read, p))
    try:
        futures = [pool.submit(score_given, scope_id, kind, path) for scope_id, kind, path in scopes]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)    # a failed scope: the ones behind it are not begun


_given: tuple[inputs.ScopeInputs, dict] | None = None     # in a scoring process: every scope's inputs, the params


def enter_scoring(read: inputs.ScopeInputs, p: dict) -> None:
    """Ready a scoring process: keep the inputs; die with the build; leave Ctrl-C to it (it stops the pool)."""
    global _given
    from parsers.child import die_with_parent

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pa.set_cpu_count(1)          # one core each: Arrow's own threads would only contend with the other processes
    _given = (read, p)


def score_given(scope_id: str, kind: str, path: Path) -> Path:
    """In a scoring process: score one scope from the inputs it was given into its file."""
    return score_scope(*_given, scope_id, kind, path)


def score_scope(read: inputs.ScopeInputs, p: dict, scope_id: str, kind: str, path: Path) -> Path:
    """Given every scope's inputs, alignment_params, one scope and its file, compute the scope's table and write
    it there; return the file."""
    store.write_atomically(compute_scope(scope_id, kind, *scope_inputs(read, scope_id, kind), p), path)
    return path


def scope_inputs(read: inputs.ScopeInputs, scope_id: str, kind: str) -> tuple:
    """Given every computed scope's inputs and one scope, return what it is scored from: its units, its terms and
    their vocabulary, and for a framework each department row's role and each agency's assignments."""
    roles = (read.scope(scope_id, "roles"), read.scope(scope_id, "assigned")) if kind == "candidates" else (None, None)
    return (read.scope(scope_id, "units"), *read.terms(scope_id), roles)


def compute_scope(scope_id: str, kind: str, units: pa.Table, terms: pa.Table, vocabulary: pa.Array, roles: tuple,
                  p: dict) -> pa.Table:
    """Given one scope, its inputs (scope_inputs: units, terms, the terms' vocabulary, roles) and alignment_params,
    return its table."""
    from pipeline.database.alignment.framework import score_framework
    from pipeline.database.alignment.versions import pair_versions
    from pipeline.database.alignment.weights import scope_vectors

    if kind == "version_pairs":
        return pair_versions(scope_id, units, scope_vectors(units, terms, p, ("version_row",), vocabulary), p)
    return score_framework(scope_id, units, scope_vectors(units, terms, p, vocabulary=vocabulary), p, *roles)
