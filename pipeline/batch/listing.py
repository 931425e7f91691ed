"""What a run may read: the plan files under data/raw, found without following anything out of it.

The walk is iterative (a plan 1,100 folders deep costs no recursion), never opens a file, and
turns every odd path into a refusal with its reason instead of an exception: a folder it cannot
list, one nested too deep, a path too long, a symbolic link that loops or leads outside data/raw
(unless under a trusted root), a FIFO, socket or device under a plan's name. Symbolic links to
folders inside data/raw are not followed (their plans are read where they are), so no folder is
walked twice and a link back to a parent cannot loop. Hidden names and sidecars are left out.

Setting: `CCHC_TRUSTED_ROOTS`, folders (separated by `:`) that links out of data/raw may lead into.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from parsers.registry import SUFFIXES
from parsers.textutil.printable import escape_line
from pipeline.fields.sidecar import MAX_BYTES as SIDECAR_MAX_BYTES
from pipeline.fields.sidecar import SUFFIX as SIDECAR_SUFFIX
from pipeline.fields.sidecar import sidecar_path

MAX_DEPTH = 32                     # folders below data/raw; real shares nest a handful
TRUSTED_ROOTS_ENV = "CCHC_TRUSTED_ROOTS"
BAD_PATH, SPECIAL_FILE, OUTSIDE = "BadPath", "SpecialFile", "OutsideRaw"
SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                 (stat.S_ISBLK, "a block device"))


@dataclass
class Refusal:
    """A path under data/raw the run will not read, and why (one line naming it)."""

    error: str
    error_type: str


class Listing(list):
    """The plan files under data/raw (a sorted list of paths), with what the walk refused.

    `refused`: relative path (a folder's ends with "/") → Refusal; `unlisted`: the folders whose
    content is unknown tonight ("" for data/raw itself), so what the last run had there is kept.
    """

    def __init__(self, paths=(), refused: dict[str, Refusal] | None = None, unlisted: list[str] | None = None):
        super().__init__(paths)
        self.refused = refused or {}
        self.unlisted = unlisted or []


@dataclass
class _Walk:
    root: Path
    trusted: list[Path]
    found: list[Path] = field(default_factory=list)
    refused: dict[str, Refusal] = field(default_factory=dict)
    unlisted: list[str] = field(default_factory=list)


def trusted_roots(env: dict | None = None) -> list[Path]:
    """Return the folders outside data/raw that its symbolic links may lead into (CCHC_TRUSTED_ROOTS)."""
    value = (os.environ if env is None else env).get(TRUSTED_ROOTS_ENV, "")
    return [Path(os.path.realpath(p)) for p in value.split(os.pathsep) if p.strip()]


def discover(raw_dir: Path, trusted: list[Path] | None = None) -> Listing:
    """Given data/raw, return its plan files (sorted) and the paths refused, walking without recursion."""
    walk = _Walk(Path(os.path.realpath(raw_dir)), trusted_roots() if trusted is None else trusted)
    stack: list[tuple[Path, str, int]] = [(raw_dir, "", 0)]
    while stack:
        folder, rel, depth = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            walk.unlisted.append(rel)
            walk.refused[rel + "/" if rel else ""] = Refusal(folder_error(folder, exc), _kind(exc))
            continue
        for entry in listed:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name.startswith(".") or entry.name.endswith(SIDECAR_SUFFIX):
                continue
            sub = _look_at(walk, Path(entry.path), child_rel, entry)
            if sub is None:
                continue
            if depth + 1 >= MAX_DEPTH:
                walk.unlisted.append(child_rel)
                walk.refused[child_rel + "/"] = Refusal(
                    f"{sub}: more than {MAX_DEPTH} folders deep under {raw_dir}: not read (move its plans up)",
                    BAD_PATH)
                continue
            stack.append((sub, child_rel, depth + 1))
    return Listing(sorted(walk.found), walk.refused, walk.unlisted)


def _look_at(walk: _Walk, path: Path, rel: str, entry: os.DirEntry) -> Path | None:
    """Add a plan file to the walk (or its refusal); return the path when it is a folder to walk into."""
    is_plan = path.suffix.lower() in SUFFIXES
    try:
        linked = entry.is_symlink()
        st = os.stat(path)                              # follows a link: the kind of what it leads to
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            walk.refused[rel] = Refusal(f"{path}: a symbolic link that loops (it leads back to itself): not read",
                                        BAD_PATH)
        elif exc.errno != errno.ENOENT:                 # too long, no permission…: whatever it is, not read
            folder = entry.is_dir(follow_symlinks=False)
            walk.refused[rel + ("/" if folder else "")] = Refusal(folder_error(path, exc), _kind(exc))
            if folder:
                walk.unlisted.append(rel)
        elif is_plan:
            walk.refused[rel] = Refusal(f"{path}: a symbolic link to nothing (its target is gone): not read", BAD_PATH)
        return None
    is_dir = stat.S_ISDIR(st.st_mode)
    if linked:
        target = Path(os.path.realpath(path))
        inside = target.is_relative_to(walk.root)
        if inside and is_dir:
            return None                                 # read where it really is: no folder twice, no loop
        if not inside and not any(target.is_relative_to(t) for t in walk.trusted) and (is_dir or is_plan):
            walk.refused[rel + ("/" if is_dir else "")] = Refusal(
                f"{path}: a symbolic link to {target}, outside {walk.root}: not read (to allow it, add its folder to"
                f" {TRUSTED_ROOTS_ENV})", OUTSIDE)
            return None
    if is_dir:
        return path
    if not is_plan:
        return None
    if stat.S_ISREG(st.st_mode):
        walk.found.append(path)
        return None
    kind = next((name for test, name in SPECIAL_KINDS if test(st.st_mode)), "not a regular file")
    walk.refused[rel] = Refusal(f"{path}: {kind}, not a plan file: skipped", SPECIAL_FILE)
    return None


def sidecar_refusal(plan: Path, root: Path, trusted: list[Path]) -> Refusal | None:
    """Given a listed plan file, return why its sidecar must not be read (outside data/raw, not a regular
    file, too large), or None when it is fine or there is none."""
    side = sidecar_path(plan)
    try:
        linked = side.is_symlink()
        st = os.stat(side)
    except FileNotFoundError:
        return None if not side.is_symlink() else Refusal(f"{side}: a symbolic link to nothing: not read", BAD_PATH)
    except OSError as exc:
        return Refusal(f"{side}: the sidecar cannot be read: {exc.strerror or exc}", BAD_PATH)
    if linked:
        target = Path(os.path.realpath(side))
        if not target.is_relative_to(root) and not any(target.is_relative_to(t) for t in trusted):
            return Refusal(f"{side}: the sidecar is a symbolic link to {target}, outside {root}: not read (to allow"
                           f" it, add its folder to {TRUSTED_ROOTS_ENV})", OUTSIDE)
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in SPECIAL_KINDS if test(st.st_mode)), "not a regular file")
        return Refusal(f"{side}: the sidecar is {kind}, not a file: not read", SPECIAL_FILE)
    if st.st_size > SIDECAR_MAX_BYTES:
        return Refusal(f"{side}: sidecar too large ({st.st_size // 1024} KB, limit {SIDECAR_MAX_BYTES // 1024} KB)",
                       "ParseError")
    return None


def folder_error(path: Path, exc: OSError) -> str:
    """Given a path the walk could not look at and the OSError, return one line naming it and the reason."""
    if isinstance(exc, PermissionError):
        reason = "permission denied: the batch's user cannot list it (its plans from the last run are kept)"
    elif exc.errno == errno.ENAMETOOLONG:
        reason = "path too long for the system (over 4,096 bytes): not read (shorten its folder names)"
    else:
        reason = f"cannot be listed: {exc.strerror or exc}"
    return f"{escape_line(path)}: {reason}"


def _kind(exc: OSError) -> str:
    return BAD_PATH if exc.errno == errno.ENAMETOOLONG else type(exc).__name__
