"""The run log (`runs.jsonl`, view `runs`) and what a run shows while it goes.

One JSON line per run, appended with a single write: when it started and ended, what it found
(new, changed, unchanged, removed, failed files), how long each step took and how many rows
the tables hold. A run refused by the lock is logged too (status "locked").

On an interactive terminal a run draws a progress bar on stderr; in a cron job (no TTY) it
draws nothing, so the mail holds only the report lines.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

NAME = "runs.jsonl"


@dataclass
class RunRecord:
    """One run of `cchc ingest`, as a line of runs.jsonl (see sql/sources/03_runs.sql for the columns)."""

    run_id: str
    started_at: str
    mode: str                                  # incremental | full
    raw_dir: str
    jobs: int = 1
    ended_at: str | None = None
    status: str = "running"                    # ok | some_failed | failed | locked
    exit_code: int | None = None
    files: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    reparsed: int = 0                          # read again although unchanged (full run, new version, retry)
    failed: int = 0                            # failed in this run
    quarantined: int = 0                       # every file the tables leave out (this run's and older)
    documents: int = 0
    task_rows: int = 0
    rows_parsed: int = 0                       # task rows produced by the files parsed in this run
    wrote_snapshot: bool = False
    snapshot: str | None = None
    reprocess_reason: str | None = None
    error: str | None = None
    parser_version: str = ""
    pid: int = field(default_factory=os.getpid)
    plan_s: float = 0.0
    parse_s: float = 0.0
    write_s: float = 0.0
    db_s: float = 0.0
    total_s: float = 0.0


def runs_path(out_dir: Path) -> Path:
    return out_dir / NAME


def ensure_log(out_dir: Path) -> Path:
    """Create an empty runs.jsonl when there is none (the `runs` view needs the file); return its path."""
    path = runs_path(out_dir)
    if not path.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o664)
        os.close(fd)
    return path


def append_run(out_dir: Path, record: RunRecord) -> None:
    """Append the record as one line, in one write(2) so a reader never sees half of it."""
    line = (json.dumps(asdict(record), ensure_ascii=False) + "\n").encode("utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(runs_path(out_dir), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o664)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


class Console:
    """Progress for a person at a terminal; silence for cron. Report lines are the CLI's business."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.width = width
        self._shown = 0.0
        self._start = time.monotonic()
        self._drawn = False

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self._start, self._shown = label, total, time.monotonic(), 0.0

    def advance(self, done: int) -> None:
        """Redraw the bar (at most ten times a second, and always for the last file)."""
        if not self.enabled or not self.total:
            return
        now = time.monotonic()
        if done < self.total and now - self._shown < 0.1:
            return
        self._shown = now
        filled = self.width * done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}  {now - self._start:.0f} s ")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False


class Silent(Console):
    """No progress at all (library use, tests)."""

    def __init__(self):
        super().__init__(stream=sys.stderr, enabled=False)
