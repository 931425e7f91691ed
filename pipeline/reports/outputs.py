"""Write every framework's workbook (or CSV files) and HTML report from a database: what `cchc export`
and `cchc report` run."""
from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.reports.data import framework_label, framework_report, pick
from pipeline.reports.html import write_report
from pipeline.reports.workbook import write_csv, write_workbook


class NoFramework(Exception):
    """The database holds no framework that a department plan is compared with (or not the one asked for)."""


def _reports(db_path: Path, framework: str | None) -> list[dict]:
    """Given a database and an optional framework name, return the report of each framework asked for."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        chosen = pick(con, framework)
        if not chosen:
            wanted = f" named {framework!r}" if framework else ""
            raise NoFramework(f"{db_path}: no framework{wanted} with department plans compared to it "
                              "(run `cchc ingest` first; `cchc export --help` says how to name one)")
        return [framework_report(con, f) for f in chosen]
    finally:
        con.close()


def export(db_path: Path, out_dir: Path, framework: str | None = None, as_csv: bool = False) -> list[Path]:
    """Write a workbook (or CSV files) per framework under out_dir; return the files written."""
    written = []
    for report in _reports(db_path, framework):
        label = framework_label(report["framework"])
        if as_csv:
            written += write_csv(report, out_dir, label)
        else:
            written.append(write_workbook(report, out_dir / f"{label}.xlsx"))
    return written


def report(db_path: Path, out_dir: Path, framework: str | None = None, version: str = "") -> list[Path]:
    """Write an HTML report per framework under out_dir; return the files written."""
    return [write_report(r, out_dir / f"{framework_label(r['framework'])}.html", db_path.name, version)
            for r in _reports(db_path, framework)]
