"""A run that tells the truth: exit codes that match what happened, refusals that change nothing, every run
on the record (killed ones too), and a database step that is part of the commit."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import pipeline.batch.listing
from pipeline.batch.exit_codes import EXIT_OK, EXIT_RUN_FAILED, EXIT_SOME_FAILED, RunFailed
from pipeline.batch.run import ingest
from pipeline.cli.main import main
from tests.conftest import ROOT
from tests.test_nightly import (  # noqa: F401 - light_views is a fixture
    consistent,
    corpus,
    light_views,
    put_seed,
    query,
    run,
    tables,
)

pytestmark = pytest.mark.usefixtures("light_views")


# `cchc` in a process of its own that builds only the 0x views (documents, tasks, failures, runs), as the
# light_views fixture does in this one: the full alignment stack costs seconds per build.
LIGHT_CLI = ("import sys, pipeline.database.build as b; real = b.view_sql;"
             " b.view_sql = lambda n: [v for v in real(n) if v[0].startswith('0')];"
             " from pipeline.cli.main import main; sys.exit(main(sys.argv[1:]))")


def light_cli(*args: str) -> list[str]:
    return [sys.executable, "-c", LIGHT_CLI, *args]


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def cli(capsys, *args: str) -> Outcome:
    """Run the command line in this process (views kept light by the fixture); return its code and output."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return Outcome(code, out.out, out.err)


def full(capsys, tmp: Path, *extra: str) -> Outcome:
    return cli(capsys, "ingest", "--raw", str(tmp / "raw"), "--out", str(tmp / "normalized"), "--db",
               str(tmp / "cchc.duckdb"), *extra)


def nightly(capsys, tmp: Path, *extra: str) -> Outcome:
    return full(capsys, tmp, "--incremental", *extra)


def statuses(tmp: Path) -> list[tuple]:
    return query(tmp / "cchc.duckdb", "select status, exit_code from runs order by started_at")


# --- an empty or unreadable data/raw ------------------------------------------------------------

def test_a_full_run_over_a_suddenly_empty_folder_refuses(tmp_path, capsys):
    corpus(tmp_path / "raw", 3)
    assert run(tmp_path).record.exit_code == EXIT_OK
    before = tables(tmp_path / "cchc.duckdb")
    for path in (tmp_path / "raw").iterdir():
        path.unlink()
    out = full(capsys, tmp_path)                                # the full run, not only the nightly one
    assert out.returncode == EXIT_RUN_FAILED
    message = out.stderr.strip().splitlines()
    assert len(message) == 1 and "lists no plan file but 3 were ingested before" in message[0]
    assert "Nothing was changed" in message[0] and "--allow-removals" in message[0]
    assert tables(tmp_path / "cchc.duckdb") == before
    allowed = full(capsys, tmp_path, "--allow-removals")                # emptying the tables on purpose
    assert allowed.returncode == EXIT_OK, allowed.stderr
    assert query(tmp_path / "cchc.duckdb", "select count(*) from documents") == [(0,)]


def test_a_first_run_over_an_empty_folder_refuses(tmp_path):
    (tmp_path / "raw").mkdir()
    with pytest.raises(RunFailed, match="lists no plan file: nothing to ingest"):
        ingest(tmp_path / "raw", tmp_path / "normalized", tmp_path / "cchc.duckdb")
    assert not (tmp_path / "normalized" / "current").exists()


def deny_listing(monkeypatch, folder: Path) -> None:
    """Make os.scandir refuse `folder` as a chmod 000 folder would (root reads everything anyway)."""
    real = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(pipeline.batch.listing.os, "scandir", scandir)


def test_an_unreadable_data_raw_is_the_run_failing(tmp_path, monkeypatch):
    corpus(tmp_path / "raw", 2)
    run(tmp_path)
    before = tables(tmp_path / "cchc.duckdb")
    deny_listing(monkeypatch, tmp_path / "raw")
    with pytest.raises(RunFailed, match=r"raw: permission denied: the batch's user cannot list it"):
        run(tmp_path)
    assert tables(tmp_path / "cchc.duckdb") == before
    assert statuses(tmp_path)[-1] == ("failed", EXIT_RUN_FAILED)


def test_an_unreadable_sub_folder_is_a_failure_not_a_removal(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    put_seed(raw / "office-a", "000")
    put_seed(raw / "office-b", "004")
    put_seed(raw, "001")
    run(tmp_path)
    before = tables(tmp_path / "cchc.duckdb")
    deny_listing(monkeypatch, raw / "office-b")
    report = run(tmp_path)
    assert report.removed == [] and report.record.exit_code == EXIT_SOME_FAILED
    assert [(f.source_file, f.error_type) for f in report.failed_now] == [("office-b/", "PermissionError")]
    assert "office-b: permission denied" in report.failed_now[0].error
    assert tables(tmp_path / "cchc.duckdb")["documents"] == before["documents"]   # its plan is kept
    again = run(tmp_path)                                       # still unreadable: quarantined, not news
    assert again.record.exit_code == EXIT_OK and again.record.wrote_snapshot is False
    monkeypatch.undo()
    healed = run(tmp_path)
    assert healed.failures == [] and healed.removed == [] and healed.record.unchanged == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists a chmod 000 folder anyway; simulated above")
def test_an_unreadable_sub_folder_for_real(tmp_path):
    put_seed(tmp_path / "raw" / "locked", "000")
    put_seed(tmp_path / "raw", "004")
    run(tmp_path)
    (tmp_path / "raw" / "locked").chmod(0)
    try:
        report = run(tmp_path)
    finally:
        (tmp_path / "raw" / "locked").chmod(0o755)
    assert report.removed == [] and [f.source_file for f in report.failed_now] == ["locked/"]


# --- a vanished share of the corpus -------------------------------------------------------------

def test_mass_removal_refuses_unless_allowed(tmp_path, capsys):
    corpus(tmp_path / "raw", 5)
    assert nightly(capsys, tmp_path).returncode == EXIT_OK
    before = tables(tmp_path / "cchc.duckdb")
    for i in range(1, 5):                                       # 4 of 5 plans gone from a mounted folder
        (tmp_path / "raw" / f"plan-{i:03d}.txt").unlink()
    out = nightly(capsys, tmp_path)
    assert out.returncode == EXIT_RUN_FAILED
    message = out.stderr.strip().splitlines()
    assert len(message) == 1 and "4 of the 5 plan files ingested before are gone" in message[0]
    assert "(80%, more than the 20% a run may remove)" in message[0] and "Nothing was changed" in message[0]
    assert tables(tmp_path / "cchc.duckdb") == before
    allowed = nightly(capsys, tmp_path, "--allow-removals")
    assert allowed.returncode == EXIT_OK and allowed.stdout.count("removed  plan-") == 4
    assert query(tmp_path / "cchc.duckdb", "select source_file from documents") == [("plan-000.txt",)]


def test_the_removal_share_is_a_setting(tmp_path, monkeypatch):
    corpus(tmp_path / "raw", 5)
    run(tmp_path)
    for i in (3, 4):
        (tmp_path / "raw" / f"plan-{i:03d}.txt").unlink()      # 40%: over the default 20%
    monkeypatch.setenv("CCHC_MAX_REMOVED_SHARE", "50%")
    assert run(tmp_path).removed == ["plan-003.txt", "plan-004.txt"]
    monkeypatch.setenv("CCHC_MAX_REMOVED_SHARE", "lots")
    with pytest.raises(RunFailed, match="CCHC_MAX_REMOVED_SHARE='lots'"):
        run(tmp_path)


def test_one_plan_removed_is_a_decision_not_a_mount_problem(tmp_path):
    corpus(tmp_path / "raw", 2)
    run(tmp_path)
    (tmp_path / "raw" / "plan-001.txt").unlink()                # 50%, but a single file
    assert run(tmp_path).removed == ["plan-001.txt"]


# --- every run on the record --------------------------------------------------------------------

def test_a_run_writes_its_line_when_it_starts(tmp_path, monkeypatch):
    put_seed(tmp_path / "raw", "000")
    seen = {}
    import pipeline.batch.run as batch_run

    real = batch_run.parse

    def peek(*args, **kwargs):
        seen["log"] = (tmp_path / "normalized" / "runs.jsonl").read_text(encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_run, "parse", peek)
    report = run(tmp_path)
    during = [json.loads(line) for line in seen["log"].splitlines()]
    assert [(r["run_id"], r["status"]) for r in during] == [(report.record.run_id, "running")]
    after = (tmp_path / "normalized" / "runs.jsonl").read_text(encoding="utf-8")
    assert len(after) == len(seen["log"])                        # completed in place: still one line
    assert json.loads(after)["status"] == "ok"


def test_a_killed_run_shows_as_killed_at_the_next_run(tmp_path, capsys):
    corpus(tmp_path / "raw", 3)
    assert nightly(capsys, tmp_path).returncode == EXIT_OK
    corpus(tmp_path / "raw", 12)                                # enough work to be killed in the middle of
    log = tmp_path / "normalized" / "runs.jsonl"
    proc = subprocess.Popen(light_cli("ingest", "--incremental", "--raw", str(tmp_path / "raw"), "--out",
                                      str(tmp_path / "normalized"), "--db", str(tmp_path / "cchc.duckdb")),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while b'"status": "running"' not in log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = nightly(capsys, tmp_path)
    assert after.returncode == EXIT_OK, after.stderr
    assert after.stdout.splitlines()[1].startswith("killed   the run ") and f"pid {proc.pid}" in after.stdout
    runs = query(tmp_path / "cchc.duckdb", "select status, exit_code, pid, ended_at is null, error from runs"
                                           " order by started_at")
    assert [r[:4] for r in runs] == [("ok", 0, runs[0][2], False), ("killed", None, proc.pid, True),
                                     ("ok", 0, runs[2][2], False)]
    assert "ended without finishing" in runs[1][4]
    assert log.read_text(encoding="utf-8").count("\n") == 3      # one line per run, the killed one completed
    assert consistent(tmp_path / "cchc.duckdb")


def test_a_line_cut_short_by_a_crash_does_not_swallow_the_next(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    with open(tmp_path / "normalized" / "runs.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"run_id": "half-writ')
    run(tmp_path)
    assert [s for s, _ in statuses(tmp_path)] == ["ok", "ok"]


# --- the database folder full or read-only: the commit is withdrawn, the message is true -------

DISK_SCRIPT = r"""
set -u
mount -t tmpfs -o size=24m tmpfs "$DB_DIR" || exit 97
ingest() { "$PY" -c "$LIGHT_CLI" ingest --incremental --raw "$RAW" --out "$OUT" --db "$DB_DIR/cchc.duckdb"; }
ingest > "$LOGS/1.out" 2>&1; echo $? > "$LOGS/1.rc"
cp "$SEED4" "$RAW/plan-004.txt"
dd if=/dev/zero of="$DB_DIR/filler" bs=1M 2>/dev/null
ingest > "$LOGS/2.out" 2>&1; echo $? > "$LOGS/2.rc"
rm "$DB_DIR/filler"
mount -o remount,ro "$DB_DIR"
ingest > "$LOGS/3.out" 2>&1; echo $? > "$LOGS/3.rc"
mount -o remount,rw "$DB_DIR"
ingest > "$LOGS/4.out" 2>&1; echo $? > "$LOGS/4.rc"
"$PY" -c "import duckdb; print(duckdb.connect('$DB_DIR/cchc.duckdb', read_only=True).execute('select count(*) from documents').fetchone()[0])" > "$LOGS/4.docs"
umount "$DB_DIR"
"""


@pytest.mark.skipif(not shutil.which("unshare") or os.geteuid() != 0,
                    reason="needs root and unshare(1) for a private tmpfs mount; the failure at the database step"
                           " is simulated in test_nightly.py::test_a_failure_at_any_commit_step_keeps_the_last_state")
def test_a_full_or_read_only_database_folder_changes_nothing(tmp_path):
    from tests.conftest import seed_path

    logs, db_dir = tmp_path / "logs", tmp_path / "db"
    logs.mkdir()
    db_dir.mkdir()
    put_seed(tmp_path / "raw", "000")
    env = {**os.environ, "PY": sys.executable, "RAW": str(tmp_path / "raw"), "OUT": str(tmp_path / "normalized"),
           "DB_DIR": str(db_dir), "LOGS": str(logs), "SEED4": str(seed_path("004")), "LIGHT_CLI": LIGHT_CLI}
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", DISK_SCRIPT], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    if done.returncode == 97 or not (logs / "1.rc").exists():
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()[:200]}")
    rc = {i: int((logs / f"{i}.rc").read_text()) for i in range(1, 5)}
    out = {i: (logs / f"{i}.out").read_text(encoding="utf-8") for i in range(1, 5)}
    assert rc[1] == EXIT_OK, out[1]
    for i, why in ((2, "No space left on device"), (3, "Read-only file system")):
        assert rc[i] == EXIT_RUN_FAILED, out[i]
        errors = [line for line in out[i].splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "previous data kept" in errors[0] and why in errors[0], out[i]
    assert rc[4] == EXIT_OK, out[4]
    assert "new      plan-004.txt: 30 rows" in out[4]              # the file the failed runs did not take in
    assert (logs / "4.docs").read_text().strip() == "2"
    lines = [json.loads(line) for line in (tmp_path / "normalized" / "runs.jsonl").read_text().splitlines()]
    assert [(r["status"], r["exit_code"]) for r in lines] == [("ok", 0), ("failed", 4), ("failed", 4), ("ok", 0)]


# --- kill -9 on the in-process path (fewer files than a worker pool needs) -------------------------

def state(raw: Path, which: str) -> None:
    """State A: four plans. State B: one changed, one removed, one added (every table rewritten)."""
    if raw.exists():
        shutil.rmtree(raw)
    corpus(raw, 4)
    if which == "B":
        changed = raw / "plan-000.txt"
        changed.write_bytes(changed.read_bytes().replace(b"CCHC", "CCHC (sửa)".encode(), 1))
        (raw / "plan-003.txt").unlink()
        put_seed(raw, "002", "added.txt")


def test_kill_9_on_the_in_process_path_leaves_a_complete_state(tmp_path):
    from pipeline.batch.workers import MIN_FILES_FOR_POOL

    assert 4 < MIN_FILES_FOR_POOL                               # parsed in the run's own process
    docs = "select source_file, doc_id, task_count from documents order by 1"
    expected = {}
    for which in "AB":
        state(tmp_path / which / "raw", which)
        ingest(tmp_path / which / "raw", tmp_path / which / "out", tmp_path / which / "ref.duckdb", jobs=1)
        expected[which] = query(tmp_path / which / "ref.duckdb", docs)
    assert expected["A"] != expected["B"]
    work = tmp_path / "work"
    state(work / "raw", "A")
    run(work)
    command = light_cli("ingest", "--incremental", "--raw", str(work / "raw"), "--out", str(work / "normalized"),
                        "--db", str(work / "cchc.duckdb"))
    state(work / "raw", "B")
    clock = time.monotonic()
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120).returncode == EXIT_OK
    duration, committed = time.monotonic() - clock, "B"
    for i in range(3):
        target = "A" if committed == "B" else "B"
        state(work / "raw", target)
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * (0.25 + 0.25 * i))            # early, middle, late
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = query(work / "cchc.duckdb", docs)
        assert now in (expected["A"], expected["B"]) and consistent(work / "cchc.duckdb")
        committed = "A" if now == expected["A"] else "B"
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120).returncode == EXIT_OK
    assert query(work / "cchc.duckdb", docs) == expected[target]
    assert len(list((work / "normalized" / "snapshots").iterdir())) == 1
    assert "running" not in [s for s, _ in statuses(work)]      # every killed run marked as such
