"""One run at a time per output folder and per database: flock(2) locks, given up by the kernel at exit.

A second run does not wait: it fails at once with `LockBusy` (the CLI's own exit code). A run
locks its output folder itself (the directory, so deleting `.ingest.lock` mid-run lets no second
run in) and the lock file in it, then the database's lock file `.<db name>.lock` beside the
database (so two runs with different `--out` never build one `--db` at once). A lock file is
re-checked after it is taken: if it was replaced in the meantime, the new one is taken instead.
A lock belongs to the open file, so a run killed with SIGKILL leaves no stale lock behind, and
the files are never rewritten. Worker processes start from a fresh interpreter (forkserver) and
child programs are started with their descriptors closed, so none inherits a lock.
"""
from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

NAME = ".ingest.lock"
RETRIES = 5                        # a lock file replaced while we took it: take the new one


class LockBusy(Exception):
    """Another run holds the lock; the message names the lock file (and the holder's pid when known)."""

    def __init__(self, path: Path, holder: int | None, what: str = "another cchc ingest run holds the lock"):
        self.path = path
        self.holder = holder
        who = f" by pid {holder}" if holder else ""
        super().__init__(f"{path}: {what}{who}; this run stops without touching the data")


def lock_path(out_dir: Path) -> Path:
    return out_dir / NAME


def database_lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


@contextmanager
def run_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the output folder's lock (the folder and its lock file) for the block; raise LockBusy at once if
    another run has it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(out_dir)
    with ExitStack() as held:
        held.enter_context(_locked_folder(out_dir, path))
        held.enter_context(_locked_file(path))
        yield path


@contextmanager
def database_lock(db_path: Path) -> Iterator[Path]:
    """Hold the database's lock file for the block; raise LockBusy at once if another run builds it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    path = database_lock_path(db_path)
    with _locked_file(path, f"another cchc ingest run (maybe with another --out) is building {db_path}"):
        yield path


@contextmanager
def _locked_folder(folder: Path, named: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockBusy(named, holder_pid(folder) or holder_pid(named)) from None
    except OSError:
        pass                           # a filesystem that cannot lock a folder (NFS): the file lock alone
    try:
        yield
    finally:
        os.close(fd)                   # closing the descriptor gives the lock up


@contextmanager
def _locked_file(path: Path, what: str = "another cchc ingest run holds the lock") -> Iterator[None]:
    for _ in range(RETRIES):
        fd = _open_lock_file(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockBusy(path, holder_pid(path), what) from None
        if _same_file(fd, path):
            break
        os.close(fd)                   # deleted or replaced while we took it: the lock is on a ghost
    else:
        raise LockBusy(path, None, "the lock file keeps being replaced")
    try:
        yield
    finally:
        os.close(fd)


def _open_lock_file(path: Path) -> int:
    """Open (creating) a lock file; on a read-only folder an existing one is opened read-only (flock needs no
    write access), so the run goes on to fail where the folder is written, with the reason, on the record."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not path.exists():
            raise
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st, now = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (now.st_dev, now.st_ino)


def holder_pid(path: Path, proc_locks: Path = Path("/proc/locks")) -> int | None:
    """Given a lock file (or folder), return the pid holding a flock on it, from /proc/locks (Linux); else None."""
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
