"""The plan of a run: which listed files to read, which to keep as they are, which to drop.

discover (the plan files under data/raw) → make_plan (each file against the last manifest:
new, changed, unchanged, a new version to re-parse, a failure to retry, a name that is not
valid UTF-8, a file that vanished before it could be looked at).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parsers.registry import SUFFIXES
from pipeline.batch.manifest import (
    DUPLICATE,
    FAILED,
    OK,
    Entry,
    Manifest,
    quick_stat,
    same_stat,
    sidecar_stat,
)
from pipeline.batch.process import describe_os_error
from pipeline.fields.sidecar import SUFFIX as SIDECAR_SUFFIX

BAD_NAME = "BadFileName"


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



@dataclass
class Plan:
    """What a run must do: files to read, files kept as they are, files dropped."""

    paths: dict[str, Path]                    # every listed file, by relative path, in path order
    keep: dict[str, Entry]                    # unchanged: entry (and rows) kept without reading the file
    todo: dict[str, str]                      # to read: rel → why (new, changed, reparse, retry)
    removed: list[str]
    vanished: dict[str, Entry]                # listed, then gone or unreadable before it could be looked at
    reprocess_reason: str | None = None       # why every file is parsed again, if so


def make_plan(paths: list[Path], raw_dir: Path, previous: Manifest | None, version: dict,
              kinds: list[str], incremental: bool, now: str) -> Plan:
    """Given the listed files and the last manifest, return what this run must read, keep and drop."""
    reason = reprocess_reason(previous, version, incremental)
    old = previous.files if previous else {}
    listed = {printable(p.relative_to(raw_dir).as_posix()): p for p in paths}
    keep, todo, vanished = {}, {}, {}
    for rel, path in listed.items():
        if rel != path.relative_to(raw_dir).as_posix():
            entry = old.get(rel)
            if entry is not None and entry.error_type == BAD_NAME:
                keep[rel] = entry              # still misnamed: quarantined, not failed anew every night
            else:
                vanished[rel] = Entry(None, None, None, FAILED, error_type=BAD_NAME, first_seen_at=now,
                                      processed_at=now, error=f"{raw_dir / rel}: the file name is not valid UTF-8"
                                      " (an old 8-bit name?): rename the file")
            continue
        try:
            stat, side = quick_stat(path), sidecar_stat(path)
        except OSError as exc:
            vanished[rel] = unreadable_entry(path, exc, now)
            continue
        entry = old.get(rel)
        if entry is None:
            todo[rel] = "new"
        elif reason:
            todo[rel] = "reparse"
        elif not same_stat(entry, stat, side):
            todo[rel] = "changed"
        elif entry.status == FAILED and entry.error_type == "UnsupportedFormat" and kinds != previous.kinds:
            todo[rel] = "retry"                # a parser for its kind may exist now
        else:
            keep[rel] = entry
    for rel, entry in list(keep.items()):
        winner = keep.get(entry.duplicate_of) if entry.status == DUPLICATE else None
        if entry.status == DUPLICATE and (winner is None or winner.status != OK):
            todo[rel] = "retry"                # the file it repeated changed or left: it may stand alone now
            del keep[rel]
    removed = sorted(set(old) - set(listed))
    return Plan(listed, keep, dict(sorted(todo.items())), removed, vanished, reason)


def printable(rel: str) -> str:
    """Given a relative path as the OS gave it, return it as valid Unicode (undecodable bytes become �)."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def reprocess_reason(previous: Manifest | None, version: dict, incremental: bool) -> str | None:
    """Return why every file must be parsed again (full run, new parser or schema), else None."""
    if not incremental:
        return "full run"
    if previous is None:
        return None
    changed = [f"{k} {previous.version.get(k)} → {v}" for k, v in version.items() if previous.version.get(k) != v]
    return ("version changed: " + ", ".join(changed)) if changed else None


def unreadable_entry(path: Path, exc: OSError, now: str) -> Entry:
    """Given a file that could not be read and the OSError, return its failed entry."""
    return Entry(None, None, None, FAILED, error=describe_os_error(path, exc), error_type=type(exc).__name__,
                 first_seen_at=now, processed_at=now)
