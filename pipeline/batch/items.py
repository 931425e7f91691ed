"""What passes between the batch and its workers: a file to look at, and what came of it."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from pipeline.batch.wall import DEFAULT_TIME_S

DEFAULT_FILE_TIME_LIMIT = DEFAULT_TIME_S   # seconds one file may take before it is given up as stuck
SAME = "same"                       # work outcome: the bytes hash to what the manifest has; not parsed


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
    rows_key: str | None = None     # the fingerprint of the rows' text (duplicates.rows_key), computed in the worker
    error: str | None = None
    error_type: str | None = None
    seconds: float = 0.0
    cpu_s: float | None = None      # CPU the worker spent on the file
    peak_mb: float | None = None    # the worker's peak resident memory while it read the file


def default_jobs() -> int:
    """Return the number of cores this process may use (the default of --jobs)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
