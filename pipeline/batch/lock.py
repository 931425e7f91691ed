"""One run at a time: an exclusive flock(2) on `<out>/.ingest.lock`, given up by the kernel at exit.

A second run does not wait: it fails at once with `LockBusy` (the CLI's own exit code). The
lock belongs to the open file, so a run killed with SIGKILL leaves no stale lock behind, and
the file itself is never rewritten or removed (removing it would let two runs lock two files).
Worker processes are started from a fresh interpreter (forkserver), so none inherits the lock.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NAME = ".ingest.lock"


class LockBusy(Exception):
    """Another run holds the lock; the message names the lock file (and the holder's pid when known)."""

    def __init__(self, path: Path, holder: int | None):
        self.path = path
        self.holder = holder
        who = f" by pid {holder}" if holder else ""
        super().__init__(f"{path}: another cchc ingest run holds the lock{who}; this run stops without"
                         " touching the data")


def lock_path(out_dir: Path) -> Path:
    return out_dir / NAME


@contextmanager
def run_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the output folder's lock for the block; raise LockBusy at once if another run has it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(out_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockBusy(path, holder_pid(path)) from None
    try:
        yield path
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def holder_pid(path: Path, proc_locks: Path = Path("/proc/locks")) -> int | None:
    """Given a lock file, return the pid holding a flock on it, from /proc/locks (Linux); else None."""
    try:
        st = os.stat(path)
        lines = proc_locks.read_text().splitlines()
    except OSError:
        return None
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4178 00:2e:1234 0 EOF"; waiters carry a "->" field first
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue
        if fields[5] == device and fields[4].isdigit():
            return int(fields[4])
    return None
