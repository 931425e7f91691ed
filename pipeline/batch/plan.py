"""The plan of a run: which listed files to read, which to keep as they are, which to drop.

discover (`listing.py`: the plan files under data/raw, and the paths refused) → make_plan (each
file against the last manifest: new, changed, unchanged, a new version to re-parse, a failure
to retry, a name that is not valid UTF-8, a file that vanished before it could be looked at) →
check_removals (a run refuses to drop a large share of the corpus at once: a share that is
probably an unmounted or half-synced folder, not a decision).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from parsers.textutil.printable import escape_line
from pipeline.batch.exit_codes import RunFailed
from pipeline.batch.listing import discover, sidecar_refusal, trusted_roots
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
from pipeline.batch.reasons import describe_os_error

__all__ = ["discover", "make_plan", "check_removals", "Plan"]

BAD_NAME = "BadFileName"
MAX_REMOVED_SHARE = 0.20            # a run may drop at most this share of the files the last one knew …
MIN_REMOVED_TO_REFUSE = 2           # … counted only from two files up (one plan deleted is a decision)
MAX_REMOVED_ENV = "CCHC_MAX_REMOVED_SHARE"


@dataclass
class Plan:
    """What a run must do: files to read, files kept as they are, files dropped."""

    paths: dict[str, Path]                    # every listed file, by relative path, in path order
    keep: dict[str, Entry]                    # unchanged (or in a folder not listed tonight): kept unread
    todo: dict[str, str]                      # to read: rel → why (new, changed, reparse, retry, repair)
    removed: list[str]
    vanished: dict[str, Entry]                # listed, then gone or unreadable before it could be looked at
    reprocess_reason: str | None = None       # why every file is parsed again, if so
    refused: dict[str, Entry] = field(default_factory=dict)   # paths refused by the walk (failed entries)
    unlisted: list[str] = field(default_factory=list)         # folders that could not be listed tonight

    @property
    def rels(self) -> list[str]:
        """Every file the next manifest records, in path order (listed, kept unlisted, refused)."""
        every = set(self.paths) | set(self.keep) | set(self.vanished) | set(self.refused)
        return sorted(every, key=lambda rel: rel.rstrip("/").split("/"))


def make_plan(paths: list[Path], raw_dir: Path, previous: Manifest | None, version: dict,
              kinds: list[str], incremental: bool, now: str, repair: str | None = None) -> Plan:
    """Given the listed files and the last manifest, return what this run must read, keep and drop.

    `repair` (why the last snapshot's rows cannot be trusted) makes every kept document be read again.
    """
    reason = reprocess_reason(previous, version, incremental) or repair
    old = previous.files if previous else {}
    listed = {printable(p.relative_to(raw_dir).as_posix()): p for p in paths}
    root, trusted = Path(os.path.realpath(raw_dir)), trusted_roots()
    keep, todo, vanished = {}, {}, {}
    for rel, path in listed.items():
        if rel != path.relative_to(raw_dir).as_posix():
            vanished[rel] = still_failed(old.get(rel), BAD_NAME, f"{raw_dir / rel}: the file name is not valid"
                                         " UTF-8 (an old 8-bit name?): rename the file", now)
            continue
        refusal = sidecar_refusal(path, root, trusted)
        if refusal is not None:
            vanished[rel] = still_failed(old.get(rel), refusal.error_type, refusal.error, now)
            continue
        try:
            stat, side = quick_stat(path), sidecar_stat(path)
        except OSError as exc:
            fresh = unreadable_entry(path, exc, now)
            vanished[rel] = still_failed(old.get(rel), fresh.error_type, fresh.error, now)
            continue
        entry = old.get(rel)
        if entry is None:
            todo[rel] = "new"
        elif reason == repair and entry.status == FAILED and same_stat(entry, stat, side):
            keep[rel] = entry                  # a failure's row lives in the manifest, not in the damaged tables
        elif reason:
            todo[rel] = "repair" if reason == repair else "reparse"
        elif not same_stat(entry, stat, side):
            todo[rel] = "changed"
        elif entry.status == FAILED and entry.error_type == "UnsupportedFormat" and kinds != previous.kinds:
            todo[rel] = "retry"                # a parser for its kind may exist now
        else:
            keep[rel] = entry
    refused, unlisted = _refused(paths, old, now), list(getattr(paths, "unlisted", []))
    for rel, entry in old.items():            # a folder not listed tonight keeps what the last run had there
        if rel not in listed and not rel.endswith("/") and any(_under(rel, f) for f in unlisted if f):
            if repair and entry.status != FAILED:
                vanished[rel] = Entry(None, None, None, FAILED, error_type="PermissionError", first_seen_at=now,
                                      processed_at=now, error=f"{raw_dir / rel}: its rows were lost with the damaged"
                                      " snapshot and its folder cannot be listed: make the folder readable")
            else:
                keep[rel] = entry
    for rel, entry in list(keep.items()):
        winner = keep.get(entry.duplicate_of) if entry.status == DUPLICATE else None
        if entry.status == DUPLICATE and (winner is None or winner.status != OK) and rel in listed:
            todo[rel] = "retry"                # the file it repeated changed or left: it may stand alone now
            del keep[rel]
    present = set(listed) | set(keep) | set(vanished) | set(refused)
    removed = sorted(rel for rel in set(old) - present if not rel.endswith("/"))
    return Plan(listed, keep, dict(sorted(todo.items())), removed, vanished, reason, refused, unlisted)


def _under(rel: str, folder: str) -> bool:
    return rel.startswith(folder + "/")


def _refused(listing: list[Path], old: dict[str, Entry], now: str) -> dict[str, Entry]:
    """Given the walk's listing, return a failed entry for every path it refused (kept as it was when the
    reason is the same, so a refusal is news once, then quarantined)."""
    refused = getattr(listing, "refused", {})
    return {printable(rel): still_failed(old.get(printable(rel)), why.error_type, why.error, now)
            for rel, why in refused.items() if rel}


def still_failed(entry: Entry | None, error_type: str, error: str, now: str) -> Entry:
    """Return the last run's entry when it failed for the same reason (quarantined), else a new failed entry."""
    error = escape_line(error)                 # one line, and a name that is not valid UTF-8 stays storable
    if entry is not None and entry.status == FAILED and (entry.error_type, entry.error) == (error_type, error):
        return entry
    return Entry(None, None, None, FAILED, error=error, error_type=error_type, first_seen_at=now, processed_at=now)


def check_removals(plan: Plan, previous: Manifest | None, raw_dir: Path, allow: bool,
                   max_share: float | None = None) -> None:
    """Raise RunFailed when the run would drop every file, or more than the allowed share, unless allowed."""
    if allow or previous is None:
        return
    known = [rel for rel in previous.files if not rel.endswith("/")]
    if known and not plan.paths:
        raise RunFailed(f"{raw_dir} lists no plan file but {len(known)} were ingested before: is the shared folder"
                        " mounted? Nothing was changed (if they were removed on purpose, run again with"
                        " --allow-removals)")
    share = max_removed_share() if max_share is None else max_share
    gone = len(plan.removed)
    if known and gone >= MIN_REMOVED_TO_REFUSE and gone / len(known) > share:
        raise RunFailed(f"{gone} of the {len(known)} plan files ingested before are gone from {raw_dir}"
                        f" ({gone / len(known):.0%}, more than the {share:.0%} a run may remove): is the shared"
                        " folder mounted and complete? Nothing was changed (if they were removed on purpose, run"
                        f" again with --allow-removals; {MAX_REMOVED_ENV} sets the share)")


def max_removed_share(env: dict | None = None) -> float:
    """Return the share of known files a run may remove (CCHC_MAX_REMOVED_SHARE, default 0.20)."""
    value = (os.environ if env is None else env).get(MAX_REMOVED_ENV, "").strip().rstrip("%")
    if not value:
        return MAX_REMOVED_SHARE
    try:
        share = float(value) / (100 if float(value) > 1 else 1)
    except ValueError:
        raise RunFailed(f"{MAX_REMOVED_ENV}={value!r}: give a share such as 0.2 or 20%") from None
    return share


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
