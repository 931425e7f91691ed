"""One file through the whole path: parser (grid + provenance) → rows → fields (typed rows).

`process_file` turns one plan file into its document and task rows (or raises a ParseError
naming the file); `describe_failure` turns whatever it raised into the one line a cron mail
shows. The parser version stamped on every document is pipeline.batch.version's (bump it there).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from parsers.errors import NotAPlan, ParseError
from parsers.registry import parse_file
from parsers.textutil.clean import text_only
from pipeline.batch import version
from pipeline.batch.reasons import describe_os_error, one_line
from pipeline.fields.metadata import issuer_agency, read_metadata
from pipeline.fields.normalize import task_row
from pipeline.fields.sidecar import apply_sidecar, read_sidecar
from pipeline.rows.document import file_tasks
from schemas.models import PlanDocument, TaskRow


@dataclass
class FileResult:
    """One file's outcome: a document and its rows, or the reason it failed."""

    source_file: str
    document: PlanDocument | None = None
    tasks: list[TaskRow] = field(default_factory=list)
    framework_ref: str | None = None
    error: str | None = None



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
    sidecar = read_sidecar(path)
    framework_ref = apply_sidecar(meta, sidecar)
    doc_id = sha[:16]
    rows = [stored_text(task_row(raw, doc_id, i + 1, meta.plan_year)) for i, raw in enumerate(raw_tasks)]
    document = PlanDocument(
        doc_id=doc_id, source_file=source_file, source_format=parsed.source_format, sha256=sha,
        title=meta.title, issuer=meta.issuer, issuer_agency=issuer_agency(meta.issuer),
        issuer_level=meta.issuer_level, province=meta.province,
        plan_year=meta.plan_year, plan_period=meta.plan_period, plan_number=meta.plan_number,
        issued_date=meta.issued_date, supersedes=sidecar.get("supersedes"), task_count=len(rows),
        warnings=parsed.warnings + meta.warnings, parser_version=version.PARSER_VERSION,
        ingested_at=ingested_at or datetime.now(UTC),
    )
    framework_ref = text_only(framework_ref) if framework_ref else framework_ref
    return FileResult(source_file, stored_text(document), rows, framework_ref)


def stored_text(model):
    """Given a row or document model, return it with every text field made text (no controls, escapes, bidi).

    The parsers clean what they read; this is the last gate before Parquet, for what came by
    other ways (sidecar values, warnings quoting the file, metadata lines, a column's header).
    Strings, lists of strings and maps of strings (header → text, name → role) are all covered.
    """
    texts = {k: v for k, v in model.__dict__.items() if isinstance(v, str | list | dict) and v}
    update = {k: _text_value(v) for k, v in texts.items()}
    changed = {k: v for k, v in update.items() if v != texts[k]}
    return model.model_copy(update=changed) if changed else model


def _text_value(value):
    """Given a field's value, return it with every string in it made text."""
    if isinstance(value, str):
        return text_only(value)
    if isinstance(value, list):
        return [text_only(x) if isinstance(x, str) else x for x in value]
    return {text_only(k) if isinstance(k, str) else k: text_only(v) if isinstance(v, str) else v
            for k, v in value.items()}


def describe_failure(path: Path, exc: Exception) -> tuple[str, str]:
    """Given a file and what processing it raised, return (one-line reason naming the file, error type)."""
    if isinstance(exc, ParseError):
        return one_line(str(exc)), type(exc).__name__
    if isinstance(exc, OSError):
        return one_line(describe_os_error(path, exc)), type(exc).__name__
    if isinstance(exc, MemoryError):
        return f"{path}: out of memory while parsing", "MemoryError"
    return one_line(f"{path}: the parser crashed: {type(exc).__name__}: {exc}"), type(exc).__name__


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
