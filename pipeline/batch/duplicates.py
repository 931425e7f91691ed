"""One plan, one document: which files repeat a plan already in the tables, decided the same way every night.

A file is a copy of a kept one when it holds the same bytes, or when its task rows read the
same (the DOCX and its PDF rendition, a re-saved copy): the text of every row, compared with
case, spacing and punctuation folded away (`rows_key`). A copy with a sidecar of its own that
says something else (another issuer, year, framework…) is a distinct document, not a copy;
one without a sidecar is a copy unless what it says contradicts the kept one.

Which one is kept never depends on names or byte order: the file already ingested keeps its
place; among new files, the first seen, then the richer format (DOCX before PDF), then path
order. A distinct document with the same bytes as another gets its own doc_id (from its bytes
and its sidecar's), so doc_id stays unique.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyarrow as pa

from pipeline.batch.manifest import DUPLICATE, OK, Entry

ROW_FIELDS = ("area_code", "stt", "objective", "task", "activity", "content", "product", "lead_raw",
              "partners_raw", "monitor_raw", "timeline_raw", "budget_raw", "note")
META_FIELDS = ("issuer", "province", "plan_year", "plan_period", "plan_number")
FORMAT_RANK = {".docx": 0, ".doc": 1, ".txt": 2, ".pdf": 3}     # the source before its rendition
_FOLDED_AWAY = re.compile(r"[\W_]+")                              # spaces, punctuation, line breaks


def rows_key(tasks: pa.Table) -> str:
    """Given a document's task rows, return a fingerprint of their text (the same plan in another file gives the same)."""
    digest = hashlib.sha256()
    columns = [tasks.column(name).to_pylist() if name in tasks.column_names else [None] * tasks.num_rows
               for name in ROW_FIELDS]
    for row in zip(*columns, strict=True):
        digest.update(("\x1f".join(_folded(v) for v in row) + "\x1e").encode("utf-8"))
    return digest.hexdigest()[:32]


def _folded(value: object) -> str:
    return "" if value is None else _FOLDED_AWAY.sub("", str(value).casefold())


def meta_of(document: dict) -> dict:
    """Given a document row, return what tells two plans with the same rows apart (issuer, year, number…)."""
    return {name: document.get(name) for name in META_FIELDS}


def is_copy(later: Entry, kept: Entry) -> bool:
    """Return True when `later` repeats the plan `kept` holds (see the module's rules)."""
    same_bytes = later.sha256 is not None and later.sha256 == kept.sha256
    same_rows = same_bytes or (later.rows_key is not None and later.rows_key == kept.rows_key)
    if not same_rows:
        return False
    ours, theirs = _identity(later), _identity(kept)
    if later.sidecar is None:                  # says nothing of its own: a copy unless its text contradicts
        return same_bytes or all(a is None or b is None or a == b for a, b in zip(ours, theirs, strict=True))
    return ours == theirs


def _identity(entry: Entry) -> tuple:
    meta = entry.meta or {}
    return tuple(meta.get(name) for name in META_FIELDS) + (entry.framework_ref,)


def keep_order(rel: str, entry: Entry, before: Entry | None) -> tuple:
    """Return the sort key deciding which of several copies is kept: ingested before, first seen, format, path."""
    ingested = before is not None and before.status == OK
    return (0 if ingested else 1, entry.first_seen_at or "", FORMAT_RANK.get(Path(rel).suffix.lower(), 9),
            rel.split("/"))


def mark_duplicates(entries: dict[str, Entry], old: dict[str, Entry] | None = None) -> tuple[list[str], dict[str, str]]:
    """Mark every file that repeats a kept one a duplicate, in place.

    Return the kept files (in path order) and the new doc_id of each kept file whose bytes
    repeat another's but which is a distinct document (its own sidecar).
    """
    old = old or {}
    candidates = [rel for rel, e in entries.items() if e.status in (OK, DUPLICATE) and e.doc_id]
    by_key: dict[str, list[str]] = {}
    kept: set[str] = set()
    ids: dict[str, str] = {}
    rekeyed: dict[str, str] = {}
    for rel in sorted(candidates, key=lambda r: keep_order(r, entries[r], old.get(r))):
        entry = entries[rel]
        keys = [k for k in (entry.sha256, entry.rows_key) if k]
        first = next((w for k in keys for w in by_key.get(k, []) if is_copy(entry, entries[w])), None)
        if first is not None:
            entry.status, entry.duplicate_of, entry.error_type = DUPLICATE, first, "Duplicate"
            entry.error = duplicate_reason(rel, entry, first, entries[first])
            continue
        entry.status, entry.error, entry.error_type, entry.duplicate_of = OK, None, None, None
        if entry.doc_id in ids:                # same bytes as a kept document, told apart by its sidecar
            rekeyed[rel] = entry.doc_id = distinct_doc_id(entry)
        ids[entry.doc_id] = rel
        kept.add(rel)
        for k in keys:
            by_key.setdefault(k, []).append(rel)
    return [rel for rel in entries if rel in kept], rekeyed


def distinct_doc_id(entry: Entry) -> str:
    """Given a document whose bytes repeat another's, return a doc_id from its bytes and its sidecar's."""
    side = (entry.sidecar or {}).get("sha256", "")
    return hashlib.sha256(f"{entry.sha256}:{side}".encode()).hexdigest()[:16]


def duplicate_reason(rel: str, entry: Entry, first: str, kept: Entry) -> str:
    """Return the one line naming a duplicate and the file kept in its place."""
    if entry.sha256 == kept.sha256:
        return f"{rel}: same content as {first} (kept once, under {first})"
    return (f"{rel}: the same plan as {first} (its {entry.rows} task rows read the same: kept once, under {first})")


def rekey_rows(tasks: pa.Table, doc_id: str) -> pa.Table:
    """Given one document's task rows, return them under another doc_id."""
    index = tasks.column_names.index("doc_id")
    return tasks.set_column(index, "doc_id", pa.array([doc_id] * tasks.num_rows, tasks.schema.field(index).type))
