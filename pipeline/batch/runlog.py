"""The run log (`runs.jsonl`, view `runs`) and what a run shows while it goes.

One JSON line per run: written when the run starts (status "running", padded with spaces so
it can be completed in place) and completed when it ends, with what it found (new, changed,
unchanged, removed, failed files), how long each step took and how many rows the tables
hold. Only a run that holds the lock writes a "running" line, so a "running" line found by
the next run is a run that was killed (kill -9, out of memory, power loss): that run marks it
"killed". A run refused by the lock is logged too (status "locked", one complete line).

On an interactive terminal a run draws a progress bar on stderr; in a cron job (no TTY) it
draws nothing, so the mail holds only the report lines.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TextIO

from parsers.textutil.printable import escape_line

NAME = "runs.jsonl"
RESERVE = 3072                   # bytes a start line leaves free for what the end of the run adds
MAX_ERROR_CHARS = 1000
RUNNING, KILLED = "running", "killed"
_RUNNING_MARK = b'"status": "running"'


@dataclass
class RunRecord:
    """One run of `cchc ingest`, as a line of runs.jsonl (see sql/sources/03_runs.sql for the columns)."""

    run_id: str
    started_at: str
    mode: str                                  # incremental | full
    raw_dir: str
    jobs: int = 1
    ended_at: str | None = None
    status: str = RUNNING                      # running | ok | some_failed | failed | locked | killed
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
    db_rebuilt: bool = False                   # the database was built again (with a snapshot, or alone)
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

    @classmethod
    def from_json(cls, data: dict) -> RunRecord:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class LogLine:
    """Where a run's line sits in runs.jsonl, to be completed in place."""

    offset: int
    width: int                                 # bytes, newline included


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


def encode(record: RunRecord, width: int | None = None) -> bytes:
    """Return the record as one JSON line; padded with spaces to `width` bytes (error shortened to fit)."""
    record = replace(record, error=_short(record.error, MAX_ERROR_CHARS))
    data = json.dumps(asdict(record), ensure_ascii=False).encode("utf-8")
    while width is not None and len(data) + 1 > width and (record.error or record.reprocess_reason):
        record = replace(record, error=_short(record.error, len(record.error or "") // 2),
                         reprocess_reason=_short(record.reprocess_reason, len(record.reprocess_reason or "") // 2))
        data = json.dumps(asdict(record), ensure_ascii=False).encode("utf-8")
    pad = 0 if width is None else max(width - len(data) - 1, 0)
    return data + b" " * pad + b"\n"


def _short(text: str | None, limit: int) -> str | None:
    if not text or len(text) <= limit:
        return text
    return text[:max(limit - 1, 0)] + "…"


def append_run(out_dir: Path, record: RunRecord, width: int | None = None) -> LogLine:
    """Append the record as one line, in one write(2) so a reader never sees half of it; return where it is."""
    line = encode(record, width)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(runs_path(out_dir), os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o664)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            os.write(fd, b"\n")                # a line cut short by a crash must not swallow ours
        os.write(fd, line)
        end = os.lseek(fd, 0, os.SEEK_CUR)     # after an O_APPEND write: the end of our line
    finally:
        os.close(fd)
    return LogLine(end - len(line), len(line))


def start_run(out_dir: Path, record: RunRecord) -> tuple[LogLine, list[RunRecord]]:
    """Under the lock: mark the runs that were killed, write this run's "running" line; return it and the killed."""
    killed = mark_killed(out_dir, record.run_id)
    width = len(encode(record)) + RESERVE
    return append_run(out_dir, record, width), killed


def finish_run(out_dir: Path, record: RunRecord, line: LogLine | None) -> None:
    """Complete the run's line in place (or append the record when its line is not where it was)."""
    if line is None:
        append_run(out_dir, record)
        return
    fd = os.open(runs_path(out_dir), os.O_RDWR)
    try:
        mine = os.pread(fd, line.width, line.offset)
        if mine.startswith(b'{"run_id": ' + json.dumps(record.run_id).encode()) and mine.endswith(b"\n"):
            os.pwrite(fd, encode(record, line.width), line.offset)
            return
    finally:
        os.close(fd)
    append_run(out_dir, record)                # the log was rotated or cut under us


def mark_killed(out_dir: Path, current_run: str) -> list[RunRecord]:
    """Mark every "running" line of another run (one that held the lock, so it is dead now) "killed"; return them."""
    path = runs_path(out_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    if _RUNNING_MARK not in data:
        return []
    killed, offset = [], 0
    for raw in data.splitlines(keepends=True):
        start, offset = offset, offset + len(raw)
        if _RUNNING_MARK not in raw or not raw.endswith(b"\n"):
            continue
        try:
            record = RunRecord.from_json(json.loads(raw))
        except (ValueError, TypeError):
            continue
        if record.status != RUNNING or record.run_id == current_run:
            continue
        record.status = KILLED
        record.error = (f"killed: the run (pid {record.pid}) ended without finishing (kill -9, out of memory, power"
                        f" loss?); found by run {current_run}")
        fd = os.open(path, os.O_RDWR)
        try:
            os.pwrite(fd, encode(record, len(raw)), start)
        finally:
            os.close(fd)
        killed.append(record)
    return killed


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


    def note(self, text: str) -> None:
        """Write one escaped line on stderr (a wait, a warning): shown at a terminal and in the cron log."""
        self.finish()
        self.stream.write(escape_line(text) + "\n")
        self.stream.flush()


class Silent(Console):
    """No progress at all (library use, tests)."""

    def __init__(self):
        super().__init__(stream=sys.stderr, enabled=False)

    def note(self, text: str) -> None:
        pass
