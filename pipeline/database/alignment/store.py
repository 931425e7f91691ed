"""Where the computed scores live: Parquet files under `<output folder>/alignment/`, one per scope and input key.

    alignment/
      candidates/<scope>.<key>.parquet     a framework's candidate links (int_alignment_candidates)
      candidates/_empty.parquet            no rows, the table's columns: the folder is never empty
      version_pairs/<scope>.<key>.parquet  two versions of a plan lined up row to row (int_version_pairs)
      reviews.parquet                      the analysts' reviews file, checked and typed (int_reviews)
      last_refresh.json                    which scopes the last build computed and which it reused

A file is written under a temporary name and renamed, so a killed build leaves a whole file or none; a
file whose key no scope has any more is removed once the new ones are in place.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FOLDER = "alignment"
EMPTY = "_empty.parquet"
KINDS = ("candidates", "version_pairs")


def store_folder(normalized: Path) -> Path:
    """Given the output folder (data/normalized), return the alignment store under it."""
    return normalized / FOLDER


def safe_name(scope_id: str) -> str:
    """Given a scope id ('versions:a>b' or a doc_id), return it as a file name part."""
    return scope_id.replace(":", "_").replace(">", "-").replace("/", "_")


def scope_file(folder: Path, kind: str, scope_id: str, key: str) -> Path:
    """Given the store, a kind of table, a scope and its input key, return the file that holds its rows."""
    return folder / kind / f"{safe_name(scope_id)}.{key}.parquet"


def write_atomically(table: pa.Table, path: Path) -> None:
    """Write table to path under a temporary name, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def ensure_empty_files(folder: Path, schemas: dict[str, pa.Schema]) -> None:
    """Give every table folder its empty file, so the database's read of `<kind>/*.parquet` always finds one."""
    for kind, schema in schemas.items():
        path = folder / kind / EMPTY
        if not path.exists() or pq.read_schema(path) != schema:
            write_atomically(schema.empty_table(), path)


def prune(folder: Path, keep: set[Path]) -> list[Path]:
    """Remove every scope file not in keep (and leftovers of killed writes); return what went."""
    gone = []
    for kind in KINDS:
        for path in (folder / kind).glob("*.parquet*"):
            if path.name != EMPTY and path not in keep:
                path.unlink(missing_ok=True)
                gone.append(path)
        for leftover in (folder / kind).glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
    return gone


def write_log(folder: Path, log: dict) -> None:
    """Record what the last refresh did (scopes computed and reused, seconds) in last_refresh.json."""
    path = folder / "last_refresh.json"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(log, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def read_log(normalized: Path) -> dict:
    """Given the output folder, return what the last refresh did ({} before the first)."""
    path = store_folder(normalized) / "last_refresh.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
