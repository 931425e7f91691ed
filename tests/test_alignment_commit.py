"""The alignment's scores are part of the commit (pipeline/database/alignment/store.py with pipeline/batch/store.py):
they live in the snapshot whose tables they were computed from, so a run whose database step fails takes its
new scores away with its snapshot, a killed run never leaves the database with scores of other tables, and an
unchanged framework's scores are linked into the next snapshot, not computed again."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import pipeline.database.build
from pipeline.batch.run import ingest
from pipeline.batch.store import current_snapshot
from pipeline.database.alignment.store import read_log, store_folder
from tests.conftest import ROOT

FRAMEWORK = "ha-tinh-ubnd-tinh-2026-qd-3369.txt"
PLAN = "van-phong-ubnd-tinh-2026-phu-luc.txt"
OTHER = "quang-tri-so-cong-thuong-2025-h2.txt"          # another province: compared with no framework here
EDITED = ("Tuyên truyền công tác CCHC trên", "Tuyên truyền, phổ biến công tác CCHC trên")
ALIGNMENT = """SELECT department_row_no, level, rank, task_code, score, match_band FROM alignment
               ORDER BY department_row_no, level, rank"""
# `cchc ingest` in a child that kills itself (SIGKILL, no clean-up) right after the new scores are written,
# before the database they belong to is renamed into place
KILLED_AFTER_SCORES = ("import os, signal, sys, pipeline.database.build as b; real = b.refresh_alignment\n"
                       "def refresh(*a):\n    real(*a); os.kill(os.getpid(), signal.SIGKILL)\n"
                       "b.refresh_alignment = refresh\n"
                       "from pipeline.cli.main import main; sys.exit(main(sys.argv[1:]))")


def put(raw: Path, *names: str) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for name in names:
        for path in (ROOT / "data" / "raw").glob(name + "*"):
            shutil.copy(path, raw / path.name)


def edit(raw: Path) -> None:
    path = raw / PLAN
    text = path.read_text(encoding="utf-8")
    assert EDITED[0] in text
    path.write_text(text.replace(*EDITED), encoding="utf-8")


def go(tmp: Path):
    return ingest(tmp / "raw", tmp / "out", tmp / "cchc.duckdb", jobs=1)


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def files(folder: Path) -> dict[str, tuple]:
    """Every scope file of a store (scores, pairs of versions): (inode, size) by its path under the store."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_size)
            for p in sorted(folder.glob("*/*.parquet")) if not p.name.startswith("_")}


def test_scores_are_committed_withdrawn_and_linked_with_their_snapshot(tmp_path, monkeypatch):
    put(tmp_path / "raw", FRAMEWORK, PLAN)
    go(tmp_path)
    first = current_snapshot(tmp_path / "out")
    assert store_folder(tmp_path / "out") == first / "alignment"
    kept = files(first / "alignment")
    assert [k for k in kept if k.startswith("candidates/")] and not (tmp_path / "out" / "alignment").exists()
    before = query(tmp_path / "cchc.duckdb", ALIGNMENT)

    edit(tmp_path / "raw")                                     # the framework's scores must be computed again
    failed = []

    def broken(*args, **kwargs):
        failed.append(read_log(tmp_path / "out"))              # the new scores were written: then the step fails
        raise OSError(28, "No space left on device (database)")

    monkeypatch.setattr(pipeline.database.build, "record_build", broken)
    with pytest.raises(OSError):
        go(tmp_path)
    monkeypatch.undo()
    assert failed and failed[0]["computed"]
    assert current_snapshot(tmp_path / "out") == first and files(first / "alignment") == kept
    assert [p.name for p in (tmp_path / "out" / "snapshots").iterdir()] == [first.name]   # new scores gone too
    assert query(tmp_path / "cchc.duckdb", ALIGNMENT) == before

    go(tmp_path)
    second = current_snapshot(tmp_path / "out")
    assert second != first and read_log(tmp_path / "out")["computed"]
    after = query(tmp_path / "cchc.duckdb", ALIGNMENT)
    assert after != before and len(after) == len(before)
    scores = files(second / "alignment")

    put(tmp_path / "raw", OTHER)                               # a new snapshot; the framework's inputs unchanged
    go(tmp_path)
    third = current_snapshot(tmp_path / "out")
    assert third != second and not second.exists()
    assert read_log(tmp_path / "out")["computed"] == []
    assert files(third / "alignment") == scores                 # the same files, linked: not computed again
    assert query(tmp_path / "cchc.duckdb", ALIGNMENT) == after


def test_a_run_killed_after_its_scores_leaves_the_database_whole_and_the_next_run_heals(tmp_path):
    put(tmp_path / "raw", FRAMEWORK, PLAN)
    go(tmp_path)
    before = query(tmp_path / "cchc.duckdb", ALIGNMENT)
    edit(tmp_path / "raw")
    reference = tmp_path / "reference"                         # the edited plans, ingested once, cleanly
    shutil.copytree(tmp_path / "raw", reference / "raw")
    go(reference)
    expected = query(reference / "cchc.duckdb", ALIGNMENT)
    assert expected != before

    command = [sys.executable, "-c", KILLED_AFTER_SCORES, "ingest", "--incremental", "--raw", str(tmp_path / "raw"),
               "--out", str(tmp_path / "out"), "--db", str(tmp_path / "cchc.duckdb"), "--jobs", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert query(tmp_path / "cchc.duckdb", ALIGNMENT) == before    # old tables, old scores: never a mix

    go(tmp_path)
    assert query(tmp_path / "cchc.duckdb", ALIGNMENT) == expected
    assert len(list((tmp_path / "out" / "snapshots").iterdir())) == 1
