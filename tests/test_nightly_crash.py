"""A worker process that dies costs only the file it was reading.

This module imports little on purpose: a worker unpickles `crash_on_plan_003` by importing it.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.batch import workers
from pipeline.batch.runlog import Console

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_3f47597210ee7808.txt"


def crash_on_plan_003(item: workers.WorkItem) -> workers.WorkResult:
    """A worker function that dies (as a segfault or the OOM killer would) on one file."""
    if item.rel == "plan-003.txt":
        os._exit(70)
    return workers.work(item)


def test_a_worker_that_dies_costs_only_its_file(tmp_path):
    if not SEED.exists():
        import pytest

        pytest.skip(f"shared seeds not found at {SEED.parent}")
    raw = tmp_path / "raw"
    raw.mkdir()
    files = []
    for i in range(workers.MIN_FILES_FOR_POOL):             # enough for the files to go to worker processes
        files.append(raw / f"plan-{i:03d}.txt")
        files[-1].write_bytes(SEED.read_bytes() + b"\n" * i)
    items = [workers.WorkItem(str(p), str(raw), p.name, None, None, True, datetime.now(UTC)) for p in files]
    results = workers.parse_all(items, 2, Console(enabled=False), fn=crash_on_plan_003)
    assert results["plan-003.txt"].outcome == "failed"
    assert "process died" in results["plan-003.txt"].error and "plan-003.txt" in results["plan-003.txt"].error
    assert sorted(r for r, res in results.items() if res.outcome == "ok") == \
        sorted(p.name for p in files if p.name != "plan-003.txt")
