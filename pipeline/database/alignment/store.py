"""Where the computed scores live: Parquet files in `alignment/` of the current snapshot, one per scope and input key.

    data/normalized/current/alignment/     (that is, snapshots/<run id>/alignment/)
      candidates/<scope>.<key>.parquet     a framework's candidate links (int_alignment_candidates)
      candidates/_empty.parquet            no rows, the table's columns: the folder is never empty
      version_pairs/<scope>.<key>.parquet  two versions of a plan lined up row to row (int_version_pairs)
      reviews.parquet                      the analysts' reviews file, checked and typed (int_reviews)
      last_refresh.json                    which scopes the last build computed and which it reused

The scores belong to the snapshot whose tables they were computed from, so they are committed with it and
withdrawn with it (pipeline.batch.store `roll_back`): a failed or killed run never pairs new scores with old
tables, nor old scores with new ones, and the snapshot made current again still holds its own. A scope file
the snapshot before already holds under the same key (same rules, same inputs) is hard-linked from it, not
computed again. A folder of Parquet tables without snapshots (written by hand, as tests and benchmarks do)
keeps its store in `<folder>/alignment/`.

A file is written under a temporary name, flushed and renamed, so a killed build leaves a whole file or none;
a file whose key no scope has any more is removed once the new ones are in place.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FOLDER = "alignment"
CURRENT, SNAPSHOTS = "current", "snapshots"    # as pipeline.batch.store names them (a floor above: not imported)
EMPTY = "_empty.parquet"
KINDS = ("candidates", "version_pairs")


def store_folder(normalized: Path) -> Path:
    """Given the output folder (data/normalized), return the alignment store: in the current snapshot when
    there is one, else `alignment/` under the folder itself."""
    current = normalized / CURRENT
    if current.is_symlink() and current.resolve().is_dir():
        return current.resolve() / FOLDER
    return normalized / FOLDER


def earlier_file(path: Path) -> Path | None:
    """Given a scope file of a snapshot's store, return the same file (same scope, same key) in another snapshot
    still on disk (the one before stays until the run has built the database), else None."""
    snapshot = path.parents[2]
    if snapshot.parent.name != SNAPSHOTS:
        return None
    for other in sorted(snapshot.parent.iterdir()):
        candidate = other / path.relative_to(snapshot)
        if other != snapshot and candidate.is_file():
            return candidate
    return None


def link_earlier(path: Path) -> bool:
    """Hard-link (or copy) the earlier snapshot's file of the same scope and key to path; return False if none."""
    source = earlier_file(path)
    if source is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, path)
    return True


def safe_name(scope_id: str) -> str:
    """Given a scope id ('versions:a>b' or a doc_id), return it as a file name part."""
    return scope_id.replace(":", "_").replace(">", "-").replace("/", "_")


def scope_file(folder: Path, kind: str, scope_id: str, key: str) -> Path:
    """Given the store, a kind of table, a scope and its input key, return the file that holds its rows."""
    return folder / kind / f"{safe_name(scope_id)}.{key}.parquet"


def write_atomically(table: pa.Table, path: Path) -> None:
    """Write table to path under a temporary name, flush it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        pq.write_table(table, fh)
        fh.flush()
        os.fsync(fh.fileno())                 # the rename is the commit: the bytes are on disk before it
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
