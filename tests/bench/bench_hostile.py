"""Each hostile file beside a good plan, as the nightly runs under MemoryMax=2G: time and peak memory.

For every file of tests/fixtures/hostile/build.py: (1) the file alone through a walled worker
(`workers.parse_all`): seconds, the worker's CPU seconds and peak resident memory on that file,
and the reason it was refused; (2) `cchc ingest --incremental --jobs 2` over it and a good plan,
in a memory cgroup of 2 GB (tests/memory_limit.py): exit code (3 expected), seconds, the peak the
cgroup saw, OOM kills (0 expected), then the next night's exit code (0 expected).
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_3f47597210ee7808.txt"
LIMIT = 2 * 1024 ** 3


def load_builder():
    spec = importlib.util.spec_from_file_location("hostile_fixtures", ROOT / "tests" / "fixtures" / "hostile" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alone(path: Path):
    """Read one file in a walled worker; return its WorkResult."""
    from pipeline.batch import workers
    from pipeline.batch.runlog import Console

    item = workers.WorkItem(str(path), str(path.parent), path.name, None, None, True, datetime.now(UTC))
    return workers.parse_all([item], 1, Console(enabled=False))[path.name]


def nightly(tmp: Path):
    from tests.memory_limit import run_limited

    return run_limited([sys.executable, "-m", "pipeline.cli", "ingest", "--incremental", "--jobs", "2",
                        "--raw", str(tmp / "raw"), "--out", str(tmp / "normalized"), "--db", str(tmp / "cchc.duckdb")],
                       LIMIT, timeout=900, cwd=ROOT)


def main() -> None:
    if not SEED.exists():
        print(f"skipped: shared seeds not found at {SEED.parent}")
        return
    from tests.memory_limit import NO_CGROUP, cgroup_available

    if not cgroup_available():
        print(f"note: {NO_CGROUP}; the runs below are held by RLIMIT_AS instead")
    build = load_builder()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmpdir:
        tmp = Path(tmpdir)
        for name in build.ALL:
            case = tmp / name
            raw = case / "raw"
            raw.mkdir(parents=True)
            bomb = build.write(name, raw)
            size = bomb.stat().st_size
            shutil.copy(SEED, raw / "good.txt")
            result = alone(bomb)
            first = nightly(case)
            second = nightly(case)
            rows.append((name, size, result, first, second))
            shutil.rmtree(case)
    how = rows[0][3].how if rows else "?"
    print(f"under a 2 GB limit ({how}); each bomb beside one good plan, `cchc ingest --incremental --jobs 2`")
    print(f"{'file':20} {'on disk':>10} | {'alone: s':>8} {'CPU s':>6} {'peak MB':>7} | {'run: exit':>9} {'s':>5}"
          f" {'peak MB':>7} {'OOM':>3} | {'next':>4} | reason")
    ok = True
    for name, size, result, first, second in rows:
        reason = (result.error or "").split(": ", 1)[-1]
        good = first.returncode == 3 and second.returncode == 0 and not first.oom_kills and result.outcome == "failed"
        ok &= good
        peak = f"{first.peak_mb:.0f}" if first.peak_mb is not None else "?"
        print(f"{name:20} {size:>10,} | {result.seconds:8.2f} {result.cpu_s or 0:6.2f} {result.peak_mb or 0:7.0f} |"
              f" {first.returncode:>9} {first.seconds:5.1f} {peak:>7} {first.oom_kills or 0:>3} | {second.returncode:>4}"
              f" | {reason[:90]}")
    print(f"every bomb: exit 3 then 0, no OOM kill: {'ok' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
