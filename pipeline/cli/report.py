"""What a run prints: its first line, then the lines a person reads in a cron mail.

Every line is escaped (`parsers.textutil.printable.escape_line`): a newline, tab, control or
bidi character in a file name or a message shows as an escape, so one line stays one line.
"""
from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from parsers.textutil.printable import escape_line


def header_line(raw: Path, out: Path, db: Path, incremental: bool, jobs: int) -> str:
    """Return the first line of a run's output: what runs, on what, when."""
    mode = "cchc ingest --incremental" if incremental else "cchc ingest"
    return escape_line(f"{mode}: {raw} → {out}/, {db} ({jobs} jobs) at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")


def report_lines(report, out: Path, db: Path, incremental: bool) -> list[str]:
    """Given an IngestReport, return the lines a person reads (in a cron mail): changes first, then totals."""
    lines = [f"killed   the run {r.run_id} (pid {r.pid}, started {r.started_at}) ended without finishing:"
             " marked killed in the view runs" for r in getattr(report, "killed", [])]
    if report.reprocess_reason and incremental:
        lines.append(f"every file read again: {report.reprocess_reason}")
    parsed, new = set(report.parsed), set(report.new)
    for doc in report.documents:
        if doc.source_file in parsed:
            label = "ok" if not incremental else ("new" if doc.source_file in new else "changed")
            lines.append(f"{label:<8} {doc.source_file}: {doc.task_count} rows ({doc.issuer or 'issuer unknown'}, "
                         f"{doc.plan_year or 'year unknown'})")
    lines += [f"removed  {rel}" for rel in report.removed]
    lines += [f"skipped  {f.error}" for f in report.skipped_now]
    lines += [f"FAILED   {f.error}" for f in report.failed_now]
    record = report.record
    older = sum(not f.this_run for f in report.failures)
    counts = (f"{record.files} files: {record.new} new, {record.changed} changed, {record.unchanged} unchanged, "
              f"{record.removed} removed" + (f", {record.reparsed} read again" if record.reparsed else ""))
    skipped = f", {len(report.skipped_now)} not a plan (skipped)" if report.skipped_now else ""
    lines.append(f"{counts}; {record.failed} failed in this run{skipped}"
                 + (f", {older} still quarantined from earlier runs (view failures)" if older else ""))
    wrote = ("new snapshot" if record.wrote_snapshot else
             "database rebuilt, tables unchanged" if getattr(record, "db_rebuilt", False) else "nothing rewritten")
    lines.append(f"{record.documents} documents, {record.task_rows} task rows → {out}/, {db} ({wrote}, "
                 f"{record.total_s:.1f} s)")
    return [escape_line(line) for line in lines]


def error_line(text: object) -> None:
    """Print one escaped error line on stderr (a file name cannot break it or forge another line)."""
    print(f"error: {escape_line(text)}", file=sys.stderr)
