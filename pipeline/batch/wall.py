"""The wall around one file: what a worker process may spend on it, and how it is held to that.

A worker reads one file at a time inside `file_wall`: its address space may grow by at most the
memory cap (RLIMIT_AS, counted from where the worker stands when the file starts) and it may
burn at most the CPU cap (RLIMIT_CPU, likewise). Past the memory cap an allocation fails and the
file is refused ("needs more than 1 GiB to read: refused"); past the CPU cap SIGXCPU stops it.
The parent holds a wall clock over both (`Limits.time_s`) and kills a worker stuck past it.

`enter_worker` readies a fresh worker: it dies with the run (parsers.child.die_with_parent), is the first the
kernel's OOM killer picks (oom_score_adj), leaves Ctrl-C to the parent, and uses the system
allocator for Arrow (mimalloc reserves 1 GiB of address space up front, which RLIMIT_AS would count).

Settings (environment; each a positive number): CCHC_FILE_MEMORY_MB (default 1024),
CCHC_FILE_CPU_S (300), CCHC_FILE_TIME_S (600, the wall clock). In a memory cgroup with a limit
(systemd's MemoryMax=) the memory cap is lowered so that every worker at its cap, the run and a
reserve still fit (`Limits.fitted`): two bombs read at once never make the kernel kill anything.
"""
from __future__ import annotations

import os
import resource
import signal
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from parsers.child import die_with_parent

DEFAULT_MEMORY_MB = 1024         # per file, above what the worker already holds; 2 workers stay under 2 GiB + run
DEFAULT_CPU_S = 300.0            # the slowest real plan takes a few seconds
DEFAULT_TIME_S = 600.0           # wall clock, for a machine under load; the parent kills past it (+ GRACE_S)
GRACE_S = 30.0                   # the worker's own alarm fires first; the parent waits this much longer
SETTINGS = {"memory_mb": "CCHC_FILE_MEMORY_MB", "cpu_s": "CCHC_FILE_CPU_S", "time_s": "CCHC_FILE_TIME_S"}
OOM_SCORE_ADJ = 1000             # the most a process may give itself: killed first when memory runs out
WORKER_BASE_MB = 160             # what a worker holds before its first file (imports), resident
RESERVE_MB = 256                 # kept free under a cgroup limit for the run's own growth and the page cache
CAP_STEP_MB = 64                 # a fitted cap is rounded down to this, so the reason reads as a round figure


class TooSlow(Exception):
    """A file took longer than the time or CPU limit (args: the limit in seconds, and which)."""


@dataclass(frozen=True)
class Limits:
    """What one file may cost a worker: memory (MiB of address space), CPU seconds, wall-clock seconds."""

    memory_mb: float = DEFAULT_MEMORY_MB
    cpu_s: float = DEFAULT_CPU_S
    time_s: float = DEFAULT_TIME_S

    def __post_init__(self):
        for name in SETTINGS:
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"{SETTINGS[name]}={value!r}: give a number above 0")

    @classmethod
    def from_env(cls, environ=os.environ, **given) -> Limits:
        """Return the limits the environment sets (CCHC_FILE_*), `given` ones winning; a bad value raises ValueError."""
        values = {}
        for name, var in SETTINGS.items():
            raw = environ.get(var, "").strip()
            if raw:
                try:
                    values[name] = float(raw)
                except ValueError:
                    raise ValueError(f"{var}={raw!r}: give a number above 0") from None
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)

    @property
    def memory_bytes(self) -> int:
        return int(self.memory_mb * 1024 * 1024)

    def fitted(self, workers: int, limit_bytes: int | None = None, run_bytes: int | None = None) -> Limits:
        """Return these limits with the memory cap lowered so `workers` at their cap fit the cgroup's limit.

        `limit_bytes` defaults to this process's cgroup memory limit (none: the limits as they are);
        `run_bytes` to what this process holds now.
        """
        limit = cgroup_memory_limit() if limit_bytes is None else limit_bytes
        if not limit:
            return self
        held = run_bytes if run_bytes is not None else (status_kib("VmRSS") or 0) * 1024
        share = (limit - held) / 2**20 - RESERVE_MB
        fit = (share / max(workers, 1) - WORKER_BASE_MB) // CAP_STEP_MB * CAP_STEP_MB
        return replace(self, memory_mb=max(CAP_STEP_MB, min(self.memory_mb, fit)))


def cgroup_memory_limit(proc_cgroup: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup") -> int | None:
    """Return the memory limit of this process's cgroup and its ancestors (v2 or v1) in bytes, or None."""
    try:
        lines = Path(proc_cgroup).read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    candidates = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":                                    # cgroup v2: memory.max
            candidates += [(Path(root) / sub, path, "memory.max") for sub in ("", "unified")]
        elif "memory" in controllers.split(","):                 # cgroup v1: memory.limit_in_bytes
            candidates.append((Path(root) / "memory", path, "memory.limit_in_bytes"))
    limits = []
    for base, path, name in candidates:
        folder = base / path.lstrip("/")
        while True:
            try:
                value = (folder / name).read_text(encoding="ascii").strip()
                if value.isdigit() and int(value) < 2**60:       # "max" or the v1 "unlimited" figure
                    limits.append(int(value))
            except OSError:
                pass
            if folder == base or base not in folder.parents:
                break
            folder = folder.parent
    return min(limits) if limits else None


def size_words(mb: float) -> str:
    """Given MiB, return "1 GiB" or "768 MiB" as the refusal reads."""
    return f"{mb / 1024:g} GiB" if mb >= 1024 and mb % 256 == 0 else f"{mb:g} MiB"


def memory_refusal(limits: Limits) -> str:
    """The reason a file that hit the memory cap is quarantined with."""
    return f"needs more than {size_words(limits.memory_mb)} to read: refused"


def status_kib(field: str) -> int | None:
    """Return a field of /proc/self/status in KiB (VmSize, VmPeak, VmHWM), or None where there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak_rss() -> None:
    """Start counting VmHWM (peak resident memory) afresh, so it measures the next file alone."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def enter_worker() -> None:
    """Ready this process to be a worker: dies with its parent, first to go when memory runs out, deaf to ^C."""
    die_with_parent()
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as fh:
            fh.write(str(OOM_SCORE_ADJ))
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)         # the parent stops the workers itself
    signal.signal(signal.SIGXCPU, _over_cpu)
    try:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    except ImportError:
        pass


def _over_cpu(signum, frame):
    raise TooSlow(_cpu_budget[0], "CPU")


_cpu_budget = [DEFAULT_CPU_S]


@dataclass
class Wall:
    """The address-space ceiling one file was given, and the peak the worker had reached before it."""

    ceiling: int | None               # bytes; None where /proc is missing (no memory cap then)
    peak_before: int

    def was_hit(self) -> bool:
        """Say whether the file took the address space up to its ceiling (so a failure was for want of memory)."""
        peak = (status_kib("VmPeak") or 0) * 1024
        return self.ceiling is not None and peak > self.peak_before and peak >= self.ceiling - HIT_MARGIN


HIT_MARGIN = 64 * 1024 * 1024     # an allocation that would have crossed the ceiling was at most this far below it


@contextmanager
def file_wall(limits: Limits):
    """Hold the block to `limits`: address space may grow by memory_mb, CPU time by cpu_s; yield the Wall."""
    size_kib = status_kib("VmSize")
    old_as = resource.getrlimit(resource.RLIMIT_AS)
    old_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    wall = Wall(None, (status_kib("VmPeak") or 0) * 1024)
    if size_kib is not None:
        wall.ceiling = _lower(resource.RLIMIT_AS, size_kib * 1024 + limits.memory_bytes, old_as)
    used = resource.getrusage(resource.RUSAGE_SELF)
    _cpu_budget[0] = limits.cpu_s
    _lower(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + limits.cpu_s) + 1, old_cpu)
    try:
        yield wall
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old_as)
        resource.setrlimit(resource.RLIMIT_CPU, old_cpu)


def _lower(which: int, soft: int, old: tuple[int, int]) -> int:
    """Set a soft limit, never above the one in force (a limit the run was started with still holds); return it."""
    hard = old[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    if old[0] != resource.RLIM_INFINITY:
        soft = min(soft, old[0])
    resource.setrlimit(which, (soft, hard))
    return soft
