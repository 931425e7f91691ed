"""kill -9 at any moment of a run: the views still read, and show the old state or the new, never a mix."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch.run import ingest
from tests.conftest import ROOT, hear_ctrl_c
from tests.test_nightly import consistent, corpus, light_views, put_seed, query  # noqa: F401 - a fixture

KILLS = 5
pytestmark = pytest.mark.usefixtures("light_views")       # the reference runs; the killed ones are the CLI's
TAG = f"CCHC_KILL_TEST={os.getpid()}-{time.time_ns()}"


def state_a(raw: Path) -> None:
    """Twelve plans."""
    if raw.exists():
        shutil.rmtree(raw)
    corpus(raw, 12)


def state_b(raw: Path) -> None:
    """State A with four plans changed, two removed, two added: every table must be rewritten."""
    state_a(raw)
    for i in range(4):
        path = raw / f"plan-{i:03d}.txt"
        path.write_bytes(path.read_bytes() + b"\n\n\n\n\n\n\n")
    (raw / "plan-010.txt").unlink()
    (raw / "plan-011.txt").unlink()
    put_seed(raw, "002", "added-1.txt")
    put_seed(raw, "003", "added-2.txt")


def documents(db: Path) -> list[tuple]:
    return query(db, "select source_file, doc_id, task_count from documents order by 1")


def reference(tmp: Path, make) -> list[tuple]:
    """Return the documents table a complete run over the state gives."""
    make(tmp / "raw")
    ingest(tmp / "raw", tmp / "out", tmp / "ref.duckdb", jobs=1)
    return documents(tmp / "ref.duckdb")


def start(tmp: Path) -> subprocess.Popen:
    """Start a nightly run whose processes (workers too) carry TAG in their environment."""
    name, value = TAG.split("=")
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", "--incremental", "--jobs", "2",
                             "--raw", str(tmp / "raw"), "--out", str(tmp / "normalized"),
                             "--db", str(tmp / "cchc.duckdb")], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, name: value}, preexec_fn=hear_ctrl_c)


def tagged_processes() -> list[int]:
    """Return the pids of live processes started by this test's runs (workers, forkserver, …)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and TAG.encode() in (proc / "environ").read_bytes():
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_kill_mid_run_leaves_a_complete_readable_state(tmp_path):
    expected = {"A": reference(tmp_path / "ref-a", state_a), "B": reference(tmp_path / "ref-b", state_b)}
    assert expected["A"] != expected["B"]
    work, db = tmp_path / "work", tmp_path / "work" / "cchc.duckdb"
    state_a(work / "raw")
    ingest(work / "raw", work / "normalized", db, incremental=True, jobs=1)
    committed = "A"

    state_b(work / "raw")                              # time one uninterrupted A → B run
    clock = time.monotonic()
    assert start(work).wait(timeout=300) == 0
    duration = time.monotonic() - clock
    committed = "B"

    target = committed
    rng = random.Random(20260105)
    delays = [duration * (i + rng.random()) / KILLS for i in range(KILLS)]   # spread over the whole run
    seen = []
    for delay in delays:
        target = "A" if committed == "B" else "B"
        (state_a if target == "A" else state_b)(work / "raw")
        proc = start(work)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = documents(db)                            # the views read, whatever instant the kill hit
        assert now in (expected[committed], expected[target]), f"mixed state after a kill at {delay:.2f} s"
        assert consistent(db), f"tasks and documents disagree after a kill at {delay:.2f} s"
        committed = "A" if now == expected["A"] else "B"
        seen.append((round(delay, 2), committed == target))
    finish = start(work)
    assert finish.wait(timeout=300) == 0, "a killed run must not leave a lock or a broken state behind"
    assert documents(db) == expected[target]
    snapshots = list((work / "normalized" / "snapshots").iterdir())
    assert len(snapshots) == 1, f"leftovers of killed runs not cleaned: {snapshots}"
    deadline = time.monotonic() + 15
    while tagged_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tagged_processes() == [], "workers of killed runs must not outlive them"
    print("kills (delay s, had committed):", seen)
