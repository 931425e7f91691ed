"""The manifest: what the last committed run knew about every input file, and how a file is fingerprinted.

It is what makes a nightly run incremental. A file whose size and mtime (and its sidecar's) are
the recorded ones is not read again; one whose bytes hash to the recorded SHA-256 is only
re-stamped; anything else is parsed again. A file gone from the folder is dropped. A change of
parser version, table schema or vocabulary files re-processes everything; a failed file is
retried when it changes (or, for "not supported yet", when a parser for its kind appears).

The manifest is one JSON file inside each snapshot (`pipeline.batch.store`), so it is committed in the
same atomic step as the tables it describes.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from pipeline.batch import version
from pipeline.fields.sidecar import sidecar_path

FORMAT = 1
NAME = "manifest.json"
SCHEMAS_DIR = Path(str(resources.files("schemas")))
VOCABULARY_SUFFIXES = (".csv", ".toml", ".json", ".txt")
HASH_CHUNK = 1024 * 1024

OK, FAILED, DUPLICATE = "ok", "failed", "duplicate"


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
    rows_key: str | None = None               # fingerprint of its task rows' text (pipeline.batch.duplicates)
    meta: dict | None = None                  # issuer, province, year, period, number: what tells two plans apart
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
    from schemas.arrow import documents_schema, failures_schema, tasks_schema

    schemas = "\n".join(s.to_string(show_field_metadata=False)
                        for s in (documents_schema(), tasks_schema(), failures_schema()))
    vocab = hashlib.sha256()
    for path in sorted(SCHEMAS_DIR.iterdir()):
        if path.suffix in VOCABULARY_SUFFIXES and path.is_file():
            vocab.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return {"parser": version.PARSER_VERSION, "schema": _short(schemas.encode()), "vocabulary": vocab.hexdigest()[:16]}


def _short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def file_sha256(path: Path) -> str:
    """Given a regular file, return the hex SHA-256 of its bytes, read in chunks.

    The file is opened non-blocking and must be a regular file: a FIFO put in a plan's place
    raises at once instead of hanging the run until someone writes to it.
    """
    digest = hashlib.sha256()
    with open(path, "rb", opener=_open_nonblocking) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device): not read")
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


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
