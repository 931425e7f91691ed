"""Where the tables live: immutable snapshots, a `current` symlink, and one atomic swap as the commit.

    data/normalized/
      current -> snapshots/<run id>            the commit point: a symlink replaced by rename(2)
      snapshots/<run id>/                      documents, tasks, failures .parquet + manifest.json
      documents.parquet -> current/documents.parquet    fixed names the DuckDB views read;
      tasks.parquet, failures.parquet, manifest.json    each resolves through `current`
      runs.jsonl                               one JSON line per run (pipeline.batch.runlog)
      .ingest.lock                             held while a run is going (pipeline.batch.lock)

A run writes a new snapshot folder under a temporary name (files fsynced), renames it into
place, then swaps `current`; when the database step after it fails, `current` is swapped back
(`roll_back`), so the commit is the snapshot and the database together. Killed at any instant, a reader finds either the old snapshot or
the new one, each complete, and the manifest always describes the tables beside it. A table a
run did not change is hard-linked into the new snapshot, not rewritten; a run that changes
nothing writes nothing. Old snapshots are removed only once `current` points elsewhere and the
database is built. `snapshot_trouble` tells the next run when a table file of the current
snapshot is missing or damaged, so it reads the files again and heals the store.
"""
from __future__ import annotations

import os
import shutil
from datetime import UTC
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch.manifest import NAME as MANIFEST_NAME
from pipeline.batch.manifest import Manifest, read_manifest

TABLES = ("documents", "tasks", "failures")
CURRENT = "current"
SNAPSHOTS = "snapshots"
LINKED = tuple(f"{t}.parquet" for t in TABLES) + (MANIFEST_NAME,)
TMP_PREFIX = ".tmp-"


def current_snapshot(out_dir: Path) -> Path | None:
    """Given the output folder, return the committed snapshot folder, or None before the first commit."""
    link = out_dir / CURRENT
    if not link.is_symlink():
        return None
    target = link.resolve()
    return target if (target / MANIFEST_NAME).is_file() else None


def read_current(out_dir: Path) -> tuple[Manifest | None, Path | None]:
    """Given the output folder, return (manifest, snapshot folder) of the last commit, or (None, None)."""
    snap = current_snapshot(out_dir)
    if snap is None:
        return None, None
    manifest = read_manifest(snap / MANIFEST_NAME)
    return (manifest, snap) if manifest else (None, None)


def snapshot_trouble(out_dir: Path, manifest: Manifest | None, snapshot: Path | None) -> str | None:
    """Given the output folder and its last commit, return why that commit's tables cannot be trusted
    (`current` dangling, a manifest, table file missing or damaged, a row count the manifest does not
    have), else None. Only footers are read: cheap enough for every run."""
    if snapshot is None:
        link = out_dir / CURRENT
        if not link.is_symlink():
            return None
        return f"`current` names {os.readlink(link)}, whose manifest is missing or damaged"
    ok = [e for e in manifest.files.values() if e.status == "ok"]
    expected = {"documents": len(ok), "tasks": sum(e.rows for e in ok), "failures": len(manifest.files) - len(ok)}
    for name, rows in expected.items():
        path = table_path(snapshot, name)
        try:
            found = pq.read_metadata(path).num_rows
        except FileNotFoundError:
            return f"{path.name} of snapshot {snapshot.name} is missing"
        except (OSError, pa.ArrowException) as exc:
            return f"{path.name} of snapshot {snapshot.name} is damaged ({str(exc).splitlines()[0][:120]})"
        if found != rows:
            return f"{path.name} of snapshot {snapshot.name} holds {found} rows where its manifest counts {rows}"
    return None


def roll_back(out_dir: Path, new: Path, previous: Path | None) -> None:
    """Make `current` name the previous snapshot again (nothing, before the first commit); remove the new one."""
    if previous is not None:
        point_current(out_dir, previous)
    else:
        (out_dir / CURRENT).unlink(missing_ok=True)
        fsync_dir(out_dir)
    shutil.rmtree(new, ignore_errors=True)


def table_path(snapshot: Path, table: str) -> Path:
    return snapshot / f"{table}.parquet"


def table_rows(table: pa.Table) -> list[dict]:
    """Given a table, return its rows as dicts (to_pylist), UTC timestamps as aware datetimes.

    pyarrow turns a timestamp with a time zone into Python through pandas (imported for it: ~0.15 s of a
    no-change night); a UTC one is read here without its zone and given it back.
    """
    utc = [f.name for f in table.schema if pa.types.is_timestamp(f.type) and f.type.tz in ("UTC", "+00:00")]
    for name in utc:
        at = table.schema.get_field_index(name)
        table = table.set_column(at, name, table[name].cast(pa.timestamp(table.schema.field(name).type.unit)))
    rows = table.to_pylist()
    for row in rows:
        for name in utc:
            if row[name] is not None:
                row[name] = row[name].replace(tzinfo=UTC)
    return rows


def read_table(snapshot: Path, table: str, schema: pa.Schema) -> pa.Table:
    """Given a snapshot and a table name, return that table cast to the schema.

    Read as one file (ParquetFile), not through pq.read_table: that goes by pyarrow.dataset, whose import pulls in
    pandas (~0.15 s of a no-change night that reads only the documents table)."""
    with pq.ParquetFile(table_path(snapshot, table)) as file:
        return file.read().cast(schema)


def commit(out_dir: Path, run_id: str, tables: dict[str, pa.Table | Path], manifest: Manifest) -> Path:
    """Write a new snapshot (a table, or a Path to link unchanged), make it current; return its folder."""
    snaps = out_dir / SNAPSHOTS
    snaps.mkdir(parents=True, exist_ok=True)
    tmp = snaps / f"{TMP_PREFIX}{run_id}"
    final = snaps / run_id
    tmp.mkdir()
    try:
        for name, source in tables.items():
            target = tmp / f"{name}.parquet"
            if isinstance(source, Path):
                link_or_copy(source, target)
            else:
                write_parquet(source, target)
        write_text(tmp / MANIFEST_NAME, manifest.to_json())
        fsync_dir(tmp)
        os.rename(tmp, final)
        fsync_dir(snaps)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    point_current(out_dir, final)
    ensure_links(out_dir)
    return final


def write_parquet(table: pa.Table, target: Path) -> None:
    """Write a table to a new Parquet file and flush it to disk."""
    with open(target, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())


def write_text(target: Path, text: str) -> None:
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file into a new snapshot (a copy where the filesystem cannot link)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename is durable only once its folder is)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_symlink(link: Path, target: str) -> None:
    """Point link at target with one rename, so the link never goes missing."""
    tmp = link.with_name(f".{link.name}.link-tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def point_current(out_dir: Path, snapshot: Path) -> None:
    """Make `current` name the snapshot: the commit of a run."""
    replace_symlink(out_dir / CURRENT, os.path.relpath(snapshot, out_dir))
    fsync_dir(out_dir)


def ensure_links(out_dir: Path) -> bool:
    """Make documents.parquet, tasks.parquet, … resolve through `current`; return True if one was (re)made."""
    made = False
    for name in LINKED:
        link, want = out_dir / name, f"{CURRENT}/{name}"
        if link.is_symlink() and os.readlink(link) == want:
            continue
        replace_symlink(link, want)
        made = True
    return made


def collect_garbage(out_dir: Path) -> list[Path]:
    """Remove snapshots other than the current one and leftovers of killed runs; return what went."""
    snaps = out_dir / SNAPSHOTS
    if not snaps.is_dir():
        return []
    keep = current_snapshot(out_dir)
    if keep is None and (out_dir / CURRENT).is_symlink():
        return []                              # `current` names a snapshot we cannot read: touch nothing
    gone = [child for child in snaps.iterdir() if child.resolve() != keep]
    for child in gone:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    for leftover in out_dir.glob(".*.link-tmp"):
        leftover.unlink(missing_ok=True)
        gone.append(leftover)
    return gone
