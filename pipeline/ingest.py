"""The batch: every file under data/raw → documents.parquet + tasks.parquet → DuckDB views.

file → parser (grid + provenance) → structure (rows) → normalize (typed) → Parquet → views.
A file that fails is recorded with its reason and skipped; the rest of the batch goes on.
Parquet files are written to a temporary name and renamed, so readers never see half a file.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from parsers.errors import NotAPlan, ParseError
from parsers.registry import SUFFIXES, parse_file
from pipeline.metadata import issuer_agency, read_metadata
from pipeline.normalize import task_row
from pipeline.sidecar import SUFFIX as SIDECAR_SUFFIX
from pipeline.sidecar import apply_sidecar, read_sidecar
from pipeline.structure import file_tasks
from schemas.arrow import documents_schema, schema_for, tasks_schema
from schemas.models import PlanDocument, TaskRow

PARSER_VERSION = "0.2.0"


@dataclass
class FileResult:
    """One file's outcome: a document and its rows, or the reason it failed."""

    source_file: str
    document: PlanDocument | None = None
    tasks: list[TaskRow] = field(default_factory=list)
    framework_ref: str | None = None
    error: str | None = None


@dataclass
class Failure:
    source_file: str
    error: str


@dataclass
class IngestReport:
    documents: list[PlanDocument]
    tasks: list[TaskRow]
    failures: list[Failure]


def discover(raw_dir: Path) -> list[Path]:
    """Return the plan files under raw_dir (recursively), sorted, sidecars and hidden files left out."""
    found = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in rel.parts) or path.name.endswith(SIDECAR_SUFFIX):
            continue
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            found.append(path)
    return sorted(found)


def process_file(path: Path, raw_dir: Path, ingested_at: datetime | None = None) -> FileResult:
    """Given one plan file, return its document and task rows (raises ParseError on bad input)."""
    source_file = path.relative_to(raw_dir).as_posix()
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    parsed = parse_file(path)
    raw_tasks = file_tasks(parsed)
    if not raw_tasks:
        raise NotAPlan(path, "not a plan: no task table and no task bullets found")
    meta = read_metadata(parsed)
    framework_ref = apply_sidecar(meta, read_sidecar(path))
    doc_id = sha[:16]
    rows = [task_row(raw, doc_id, i + 1, meta.plan_year) for i, raw in enumerate(raw_tasks)]
    document = PlanDocument(
        doc_id=doc_id, source_file=source_file, source_format=parsed.source_format, sha256=sha,
        title=meta.title, issuer=meta.issuer, issuer_agency=issuer_agency(meta.issuer),
        issuer_level=meta.issuer_level, province=meta.province,
        plan_year=meta.plan_year, plan_period=meta.plan_period, plan_number=meta.plan_number,
        issued_date=meta.issued_date, task_count=len(rows),
        warnings=parsed.warnings + meta.warnings, parser_version=PARSER_VERSION,
        ingested_at=ingested_at or datetime.now(UTC),
    )
    return FileResult(source_file, document, rows, framework_ref)


def run_files(paths: list[Path], raw_dir: Path) -> list[FileResult]:
    """Process each file; a failure is recorded with its reason, never raised."""
    results = []
    now = datetime.now(UTC)
    for path in paths:
        try:
            results.append(process_file(path, raw_dir, now))
        except ParseError as exc:
            results.append(FileResult(path.relative_to(raw_dir).as_posix(), error=str(exc)))
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            reason = f"{path}: unexpected {type(exc).__name__}: {exc}"
            results.append(FileResult(path.relative_to(raw_dir).as_posix(), error=reason))
    return results


def link_frameworks(results: list[FileResult]) -> None:
    """Resolve each sidecar's `framework` (a file name or plan number) to that document's doc_id."""
    docs = [r.document for r in results if r.document]
    for result in results:
        ref = result.framework_ref
        if not ref or not result.document:
            continue
        match = next((d for d in docs if ref in (d.source_file, Path(d.source_file).name, d.plan_number)), None)
        if match:
            result.document.framework_doc_id = match.doc_id
        else:
            result.document.warnings.append(f"sidecar framework {ref!r} is not among the ingested files")


def collect(results: list[FileResult]) -> IngestReport:
    """Return documents, rows and failures; the same content under two names is kept once."""
    documents, tasks, failures, seen = [], [], [], {}
    for r in results:
        if r.error:
            failures.append(Failure(r.source_file, r.error))
        elif r.document.doc_id in seen:
            failures.append(Failure(r.source_file, f"{r.source_file}: same content as {seen[r.document.doc_id]}"))
        else:
            seen[r.document.doc_id] = r.source_file
            documents.append(r.document)
            tasks.extend(r.tasks)
    return IngestReport(documents, tasks, failures)


def write_table(rows: list[dict], schema: pa.Schema, target: Path) -> None:
    """Write rows to Parquet at target atomically: a temp file in the same folder, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=schema)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_outputs(report: IngestReport, out_dir: Path) -> None:
    """Write documents, tasks and failures Parquet files under out_dir."""
    write_table([d.model_dump() for d in report.documents], documents_schema(), out_dir / "documents.parquet")
    write_table([t.model_dump() for t in report.tasks], tasks_schema(), out_dir / "tasks.parquet")
    failures = [{"source_file": f.source_file, "error": f.error} for f in report.failures]
    write_table(failures, schema_for_failures(), out_dir / "failures.parquet")


def schema_for_failures() -> pa.Schema:
    return pa.schema([pa.field("source_file", pa.string(), False), pa.field("error", pa.string(), False)])


def ingest(raw_dir: Path, out_dir: Path, db_path: Path) -> IngestReport:
    """Parse every file under raw_dir, write the Parquet files, then (re)build the DuckDB views."""
    from pipeline.database import build_database

    results = run_files(discover(raw_dir), raw_dir)
    link_frameworks(results)
    report = collect(results)
    write_outputs(report, out_dir)
    build_database(db_path, out_dir)
    return report


__all__ = ["ingest", "process_file", "discover", "IngestReport", "schema_for", "PARSER_VERSION"]
