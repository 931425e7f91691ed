"""Assemble the next state from the plan and the workers' results: manifest entries and the tables.

Files kept unchanged bring their rows from the last snapshot; fresh results bring theirs; a
file that repeats a plan already kept is a duplicate (`duplicates.py`); every sidecar's
framework is resolved to a doc_id. Rows stay in path order, so the tables never depend on the workers.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from parsers.textutil.printable import escape_line
from pipeline.batch.duplicates import mark_duplicates, meta_of, rekey_rows
from pipeline.batch.items import SAME, WorkResult
from pipeline.batch.manifest import FAILED, OK, Entry, Manifest
from pipeline.batch.plan import Plan
from pipeline.batch.store import read_table, table_path, table_rows
from schemas.arrow import documents_schema, tasks_schema


@dataclass
class Assembly:
    """The next state: manifest entries, the three tables (or what to link unchanged), and the counts."""

    manifest: Manifest
    documents: list[dict]
    tasks: pa.Table | None              # None: unchanged, link the previous file
    failures: list[dict]
    failure_flags: dict[str, bool]      # source file → failed in this run
    task_count: int


def assemble(plan: Plan, results: dict[str, WorkResult], previous: Manifest | None, prev_snapshot: Path | None,
             manifest: Manifest, now: datetime) -> Assembly:
    """Given the plan, the workers' results and the last snapshot, return the tables and manifest to commit.

    `prev_snapshot` is where kept documents' rows are read from (None: the plan re-reads them all).
    """
    old = previous.files if previous else {}
    stamp = now.isoformat()
    entries: dict[str, Entry] = {}
    for rel in plan.rels:
        if rel in plan.keep:
            entries[rel] = replace(plan.keep[rel])     # a copy: the previous manifest stays as it was
        elif rel in plan.vanished:
            entries[rel] = plan.vanished[rel]
        elif rel in plan.refused:
            entries[rel] = plan.refused[rel]
        else:
            entries[rel] = entry_from(results[rel], old.get(rel), stamp, manifest.version.get("parser", ""))
    winners, rekeyed = mark_duplicates(entries, old)
    manifest.files = entries
    fresh = {rel: results[rel] for rel in winners if rel in results and results[rel].outcome == OK}
    for rel, doc_id in rekeyed.items():
        if rel in fresh:                               # a kept one was re-keyed by the run that first kept it
            fresh[rel].document = {**fresh[rel].document, "doc_id": doc_id}
            fresh[rel].tasks = rekey_rows(fresh[rel].tasks, doc_id)

    prev_docs = {}
    if prev_snapshot is not None and len(fresh) < len(winners):
        prev_docs = {d["doc_id"]: d for d in table_rows(read_table(prev_snapshot, "documents", documents_schema()))}
    documents = [dict(fresh[rel].document) if rel in fresh else dict(prev_docs[entries[rel].doc_id])
                 for rel in winners]
    for rel, doc in zip(winners, documents, strict=True):
        doc["source_file"] = rel
    link_documents(documents, {entries[rel].doc_id: entries[rel].framework_ref for rel in winners})

    failures = [failure_row(rel, e) for rel, e in entries.items() if e.status != OK]
    flags = {rel: failed_this_run(rel, e, old.get(rel), results.get(rel)) for rel, e in entries.items()
             if e.status != OK}

    prev_order = _doc_order(prev_snapshot) if prev_snapshot is not None and not fresh else None
    order = [entries[rel].doc_id for rel in winners]
    tasks = None if (prev_order is not None and prev_order == order) else assemble_tasks(winners, entries, fresh,
                                                                                          prev_snapshot)
    task_count = sum(entries[rel].rows for rel in winners)
    return Assembly(manifest, documents, tasks, failures, flags, task_count)


def failed_this_run(rel: str, entry: Entry, old: Entry | None, result: WorkResult | None) -> bool:
    """Return True when a left-out file is news: tried in this run, or newly left out (else: quarantined)."""
    tried = result is not None and result.outcome != SAME
    return tried or old is None or (old.status, old.error) != (entry.status, entry.error)


def entry_from(result: WorkResult, old: Entry | None, stamp: str, parser_version: str) -> Entry:
    """Given a worker's result and the file's previous entry, return its new manifest entry."""
    if result.outcome == SAME:
        return replace(old, size=result.size, mtime_ns=result.mtime_ns, sidecar=result.sidecar)
    first_seen = old.first_seen_at if old else stamp
    entry = Entry(result.size, result.mtime_ns, result.sha256, FAILED, sidecar=result.sidecar,
                  parser_version=parser_version, first_seen_at=first_seen, processed_at=stamp)
    if result.outcome == OK:
        entry.status, entry.doc_id = OK, result.document["doc_id"]
        entry.rows, entry.framework_ref = result.tasks.num_rows, result.framework_ref
        entry.rows_key, entry.meta = result.rows_key, meta_of(result.document)     # fingerprinted by the worker
    else:
        entry.error, entry.error_type = escape_line(result.error or "unknown error"), result.error_type
    return entry


def failure_row(rel: str, entry: Entry) -> dict:
    failed_at = datetime.fromisoformat(entry.processed_at) if entry.processed_at else None
    return {"source_file": rel, "error": escape_line(entry.error or "unknown error"), "error_type": entry.error_type,
            "sha256": entry.sha256, "size": entry.size, "failed_at": failed_at}


def _doc_order(snapshot: Path) -> list[str]:
    """Given a snapshot, return the doc_ids of its tasks table in order, each once."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(table_path(snapshot, "tasks")) as file:
        ids = file.read(columns=["doc_id"])["doc_id"]
    return pc.unique(ids).to_pylist() if len(ids) else []


def assemble_tasks(winners: list[str], entries: dict[str, Entry], fresh: dict[str, WorkResult],
                   prev_snapshot: Path | None) -> pa.Table:
    """Return the task rows of every winner, in path order: fresh rows, or the last snapshot's."""
    schema = tasks_schema()
    kept_ids = [entries[rel].doc_id for rel in winners if rel not in fresh]
    slices = {}
    if kept_ids and prev_snapshot is not None:
        prev = read_table(prev_snapshot, "tasks", schema)
        prev = prev.filter(pc.is_in(prev["doc_id"], value_set=pa.array(kept_ids, pa.string())))
        slices = _slices_by_doc(prev)
    parts = [fresh[rel].tasks.cast(schema) if rel in fresh else slices.get(entries[rel].doc_id)
             for rel in winners]
    parts = [p for p in parts if p is not None and p.num_rows]
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(parts).combine_chunks()


def _slices_by_doc(table: pa.Table) -> dict[str, pa.Table]:
    """Given task rows grouped by doc_id (as the snapshot stores them), return each document's rows."""
    ids = table["doc_id"].to_pylist()
    slices, start = {}, 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[start]:
            slices[ids[start]] = table.slice(start, i - start)
            start = i
    return slices


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
