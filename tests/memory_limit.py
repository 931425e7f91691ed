"""Run a command under a real memory limit, as the nightly unit runs (`MemoryMax=2G`): for tests and benchmarks.

A memory cgroup of its own (cgroup v2, else v1) holds the whole process tree to the limit, as
systemd does; where none can be made (not root, no cgroup file system) `run_limited` falls back to
RLIMIT_AS on the command's process (each process held alone, a weaker stand-in) and says so, and
the tests that need the real thing skip (`cgroup_available`, `NO_CGROUP`).
"""
from __future__ import annotations

import os
import resource
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_V2 = [Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")]
CGROUP_V1 = Path("/sys/fs/cgroup/memory")


@dataclass
class Limited:
    """How a limited command went: exit code, output, seconds, and the peak the limit saw (None if unknown)."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None
    oom_kills: int | None
    how: str                            # "cgroup v2", "cgroup v1" or "RLIMIT_AS"


def _v2_parent() -> Path | None:
    for root in CGROUP_V2:
        controllers = root / "cgroup.controllers"
        if controllers.exists() and "memory" in controllers.read_text().split() and os.access(root, os.W_OK):
            subtree = root / "cgroup.subtree_control"
            if subtree.exists() and "memory" not in subtree.read_text().split():
                try:
                    subtree.write_text("+memory")
                except OSError:
                    continue
            return root
    return None


def make_cgroup(limit: int) -> tuple[Path, str] | None:
    """Create a memory cgroup holding `limit` bytes; return (its folder, its kind), or None where none can be made."""
    name = f"cchc-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    root = _v2_parent()
    try:
        if root is not None:
            group = root / name
            group.mkdir()
            (group / "memory.max").write_text(str(limit))
            if (group / "memory.swap.max").exists():
                (group / "memory.swap.max").write_text("0")
            return group, "cgroup v2"
        if CGROUP_V1.is_dir() and os.access(CGROUP_V1, os.W_OK):
            group = CGROUP_V1 / name
            group.mkdir()
            (group / "memory.limit_in_bytes").write_text(str(limit))
            return group, "cgroup v1"
    except OSError:
        return None
    return None


def cgroup_available() -> bool:
    """Say whether a memory cgroup can be made here (root, and a cgroup file system with memory)."""
    made = make_cgroup(1 << 30)
    if made is None:
        return False
    _remove(made[0])
    return True


NO_CGROUP = ("no memory cgroup can be made here (needs root and a cgroup file system with the memory"
             " controller): RLIMIT_AS alone would starve DuckDB's address space, not test the batch")


def run_limited(cmd: list[str], limit: int, timeout: float = 600, **kwargs) -> Limited:
    """Run cmd with its whole process tree held to `limit` bytes of memory; return how it went."""
    made = make_cgroup(limit)
    if made is None:
        def preexec():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=preexec, **kwargs)
        return Limited(out.returncode, out.stdout, out.stderr, time.perf_counter() - start, None, None, "RLIMIT_AS")
    group, how = made
    procs = group / "cgroup.procs"

    def enter():
        procs.write_text(str(os.getpid()))

    try:
        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=enter, **kwargs)
        seconds = time.perf_counter() - start
        peak, kills = _peak_and_kills(group, how)
        return Limited(out.returncode, out.stdout, out.stderr, seconds, peak, kills, how)
    finally:
        _remove(group)


def _peak_and_kills(group: Path, how: str) -> tuple[float | None, int | None]:
    peak_file = group / ("memory.peak" if how == "cgroup v2" else "memory.max_usage_in_bytes")
    peak = int(peak_file.read_text()) / 2**20 if peak_file.exists() else None
    events = group / ("memory.events" if how == "cgroup v2" else "memory.oom_control")
    kills = None
    if events.exists():
        for line in events.read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                kills = int(value)
    return peak, kills


def _remove(group: Path) -> None:
    for _ in range(50):
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)                 # its last process is still being reaped
