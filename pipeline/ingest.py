"""Per file: plan file → parser (grid + provenance) → structure (rows) → normalize (typed rows).

`process_file` turns one file into a document and its task rows (or raises a ParseError naming
the file). The batch over a folder — incremental, parallel, locked, committed atomically — is
`pipeline.batch`; `ingest()` here is its entry point for callers and the CLI.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from parsers.errors import NotAPlan, ParseError
from parsers.registry import SUFFIXES, parse_file
from pipeline.metadata import issuer_agency, read_metadata
from pipeline.normalize import task_row
from pipeline.sidecar import SUFFIX as SIDECAR_SUFFIX
from pipeline.sidecar import apply_sidecar, read_sidecar
from pipeline.structure import file_tasks
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
    """A file the tables leave out, and why (one line naming the file)."""

    source_file: str
    error: str
    error_type: str | None = None
    this_run: bool = True              # False: quarantined by an earlier run, the file unchanged since


@dataclass
class IngestReport:
    """What a run left in the tables, and what it did to get there."""

    documents: list[PlanDocument]                      # every document the tables now hold, by source_file
    failures: list[Failure]                            # every file left out (this run's and quarantined)
    task_count: int = 0
    out_dir: Path | None = None
    new: list[str] = field(default_factory=list)       # source files seen for the first time
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)    # source files parsed in this run (ok or not)
    unchanged: int = 0
    reprocess_reason: str | None = None
    record: object = None                              # the pipeline.runlog.RunRecord of the run

    @property
    def tasks(self) -> list[TaskRow]:
        """Every task row of the tables (read back from tasks.parquet: costly for a large folder)."""
        import pyarrow.parquet as pq

        if self.out_dir is None:
            return []
        return [TaskRow(**row) for row in pq.read_table(self.out_dir / "tasks.parquet").to_pylist()]

    @property
    def failed_now(self) -> list[Failure]:
        return [f for f in self.failures if f.this_run]


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


def process_file(path: Path, raw_dir: Path, ingested_at: datetime | None = None, *,
                 sha256: str | None = None) -> FileResult:
    """Given one plan file, return its document and task rows (raises ParseError on bad input).

    `sha256`, when the caller has already hashed the file, spares reading it twice.
    """
    source_file = path.relative_to(raw_dir).as_posix()
    sha = sha256 or hashlib.sha256(path.read_bytes()).hexdigest()
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


def describe_failure(path: Path, exc: Exception) -> tuple[str, str]:
    """Given a file and what processing it raised, return (one-line reason naming the file, error type)."""
    from pipeline.manifest import describe_os_error

    if isinstance(exc, ParseError):
        return str(exc), type(exc).__name__
    if isinstance(exc, OSError):
        return describe_os_error(path, exc), type(exc).__name__
    if isinstance(exc, MemoryError):
        return f"{path}: out of memory while parsing", "MemoryError"
    return f"{path}: the parser crashed: {type(exc).__name__}: {exc}", type(exc).__name__


def run_files(paths: list[Path], raw_dir: Path) -> list[FileResult]:
    """Process each file in this process; a failure is recorded with its reason, never raised."""
    results = []
    now = datetime.now(UTC)
    for path in paths:
        try:
            results.append(process_file(path, raw_dir, now))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            results.append(FileResult(path.relative_to(raw_dir).as_posix(), error=describe_failure(path, exc)[0]))
    return results


LINK_WARNING = "sidecar framework {ref!r} is not among the ingested files"
_LINK_WARNING_START = LINK_WARNING.split("{")[0]


def resolve_framework(ref: str, documents: list[dict]) -> str | None:
    """Given a sidecar's framework (file name, path or plan number), return that document's doc_id."""
    for doc in documents:
        if ref in (doc["source_file"], Path(doc["source_file"]).name, doc.get("plan_number")):
            return doc["doc_id"]
    return None


def link_documents(documents: list[dict], refs: dict[str, str | None]) -> None:
    """Given document rows and each one's sidecar framework (by doc_id), set framework_doc_id in place.

    A link warning left by an earlier run is replaced, so linking the same rows twice is a no-op.
    """
    for doc in documents:
        doc["warnings"] = [w for w in doc["warnings"] if not w.startswith(_LINK_WARNING_START)]
        ref = refs.get(doc["doc_id"])
        doc["framework_doc_id"] = resolve_framework(ref, documents) if ref else None
        if ref and doc["framework_doc_id"] is None:
            doc["warnings"].append(LINK_WARNING.format(ref=ref))


def link_frameworks(results: list[FileResult]) -> None:
    """Resolve each sidecar's `framework` (a file name or plan number) to that document's doc_id."""
    done = [r for r in results if r.document]
    rows = [r.document.model_dump() for r in done]
    link_documents(rows, {r.document.doc_id: r.framework_ref for r in done})
    for result, row in zip(done, rows, strict=True):
        result.document.framework_doc_id = row["framework_doc_id"]
        result.document.warnings = row["warnings"]


def schema_for_failures() -> pa.Schema:
    """Return the schema of failures.parquet: one row per file the tables leave out."""
    return pa.schema([
        pa.field("source_file", pa.string(), False, {"description": "path relative to the raw folder"}),
        pa.field("error", pa.string(), False, {"description": "one line naming the file and the reason"}),
        pa.field("error_type", pa.string(), True, {"description": "Corrupt, NotAPlan, UnsupportedFormat, "
                                                   "Encrypted, Duplicate, PermissionError, …"}),
        pa.field("sha256", pa.string(), True, {"description": "the file's SHA-256 when it could be read"}),
        pa.field("size", pa.int64(), True),
        pa.field("failed_at", pa.timestamp("us", tz="UTC"), True,
                 {"description": "when this content of the file was last tried (retried when it changes)"}),
    ])


def ingest(raw_dir: Path, out_dir: Path, db_path: Path, *, incremental: bool = False, jobs: int | None = None,
           console=None) -> IngestReport:
    """Parse the files under raw_dir into Parquet under out_dir and the DuckDB views at db_path.

    Full by default (every file parsed again); `incremental=True` reads only new and changed
    files. Raises pipeline.lock.LockBusy when another run holds the output folder.
    """
    from pipeline.batch import run

    return run(raw_dir, out_dir, db_path, incremental=incremental, jobs=jobs, console=console)


__all__ = ["ingest", "process_file", "discover", "IngestReport", "PARSER_VERSION"]
