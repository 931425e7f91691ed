"""The manifest: what the last committed run knew about every input file, and the plan of the next run.

It is what makes a nightly run incremental. A file whose size and mtime (and its sidecar's) are
the recorded ones is not read again; one whose bytes hash to the recorded SHA-256 is only
re-stamped; anything else is parsed again. A file gone from the folder is dropped. A change of
parser version, table schema or vocabulary files re-processes everything; a failed file is
retried when it changes (or, for "not supported yet", when a parser for its kind appears).

The manifest is one JSON file inside each snapshot (`pipeline.store`), so it is committed in the
same atomic step as the tables it describes.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.sidecar import sidecar_path

FORMAT = 1
NAME = "manifest.json"
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
VOCABULARY_SUFFIXES = (".csv", ".toml", ".json", ".txt")
HASH_CHUNK = 1024 * 1024

OK, FAILED, DUPLICATE = "ok", "failed", "duplicate"
BAD_NAME = "BadFileName"


@dataclass
class Entry:
    """One input file as the last run left it: its fingerprint, and what came of it."""

    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str                               # ok | failed | duplicate
    sidecar: dict | None = None               # {"size", "mtime_ns", "sha256"} of <file>.meta.toml
    doc_id: str | None = None
    rows: int = 0
    framework_ref: str | None = None          # the framework its sidecar names (linked at assembly)
    error: str | None = None
    error_type: str | None = None             # the ParseError subclass (Corrupt, NotAPlan, …) or OSError kind
    duplicate_of: str | None = None           # the file whose content this one repeats
    parser_version: str = ""
    first_seen_at: str = ""
    processed_at: str = ""

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Manifest:
    """Every input file of a committed snapshot, with the versions it was parsed under."""

    version: dict
    kinds: list[str]
    files: dict[str, Entry] = field(default_factory=dict)
    run_id: str = ""
    committed_at: str = ""

    def to_json(self) -> str:
        body = {"format": FORMAT, "run_id": self.run_id, "committed_at": self.committed_at,
                "version": self.version, "kinds": self.kinds,
                "files": {rel: asdict(self.files[rel]) for rel in sorted(self.files)}}
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=False) + "\n"

    def same_content(self, other: Manifest | None) -> bool:
        """Return True when other records the same versions and files (run stamps aside)."""
        return (other is not None and self.version == other.version and self.kinds == other.kinds
                and self.files == other.files)


def read_manifest(path: Path) -> Manifest | None:
    """Given a manifest file, return it; None when it is missing, unreadable or of another format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    try:
        files = {rel: Entry.from_json(e) for rel, e in data.get("files", {}).items()}
    except TypeError:
        return None
    return Manifest(data.get("version", {}), data.get("kinds", []), files, data.get("run_id", ""),
                    data.get("committed_at", ""))


def version_key() -> dict:
    """Return what a parse depends on besides the file: parser version, table schemas, vocabulary files."""
    from pipeline.ingest import PARSER_VERSION, schema_for_failures
    from schemas.arrow import documents_schema, tasks_schema

    schemas = "\n".join(s.to_string(show_field_metadata=False)
                        for s in (documents_schema(), tasks_schema(), schema_for_failures()))
    vocab = hashlib.sha256()
    for path in sorted(SCHEMAS_DIR.iterdir()):
        if path.suffix in VOCABULARY_SUFFIXES and path.is_file():
            vocab.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return {"parser": PARSER_VERSION, "schema": _short(schemas.encode()), "vocabulary": vocab.hexdigest()[:16]}


def _short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def file_sha256(path: Path) -> str:
    """Given a file, return the hex SHA-256 of its bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def quick_stat(path: Path) -> tuple[int, int]:
    """Given a file, return (size, mtime_ns): the fingerprint compared before any byte is read."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def sidecar_stat(path: Path) -> tuple[int, int] | None:
    """Given a plan file, return its sidecar's (size, mtime_ns), or None without a sidecar."""
    try:
        return quick_stat(sidecar_path(path))
    except FileNotFoundError:
        return None


def sidecar_fingerprint(path: Path) -> dict | None:
    """Given a plan file, return {"size", "mtime_ns", "sha256"} of its sidecar, or None without one."""
    side = sidecar_path(path)
    try:
        size, mtime_ns = quick_stat(side)
        return {"size": size, "mtime_ns": mtime_ns, "sha256": file_sha256(side)}
    except FileNotFoundError:
        return None


def same_stat(entry: Entry, stat: tuple[int, int], side: tuple[int, int] | None) -> bool:
    """Return True when a file (and its sidecar) still have the size and mtime the entry records."""
    old_side = (entry.sidecar["size"], entry.sidecar["mtime_ns"]) if entry.sidecar else None
    return (entry.size, entry.mtime_ns) == stat and old_side == side


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


def describe_os_error(path: Path, exc: OSError) -> str:
    """Given a file and the OSError reading it raised, return one line naming the file and the reason."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: removed while the batch ran (listed, then gone before it could be read)"
    if isinstance(exc, PermissionError):
        return f"{path}: permission denied: the batch's user cannot read this file"
    return f"{path}: cannot be read: {exc.strerror or exc}"
