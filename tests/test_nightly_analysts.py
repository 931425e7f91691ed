"""Analysts' connections are safe: a rebuild keeps what they added, a read-write session makes the run wait
or fail naming it (never lose its writes), one --db is built by one run at a time, and the lock holds even
when its file is deleted."""
from __future__ import annotations

import signal
import subprocess
import sys

import duckdb
import pytest

from pipeline.batch.exit_codes import EXIT_LOCKED, EXIT_RUN_FAILED
from pipeline.batch.lock import LockBusy, database_lock, lock_path, run_lock
from pipeline.database.build import build_database, database_stamp
from tests.conftest import ROOT
from tests.test_nightly import consistent, light_views, put_seed, query, run  # noqa: F401 - a fixture
from tests.test_nightly_lock import hold_lock
from tests.test_nightly_truth import light_cli

pytestmark = pytest.mark.usefixtures("light_views")

ANALYST = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])                      # read-write, as an analyst's DBeaver or notebook would
con.execute("CREATE SCHEMA IF NOT EXISTS phan_tich")
con.execute("CREATE TABLE IF NOT EXISTS phan_tich.ghi_chu (doc_id VARCHAR, note VARCHAR)")
con.execute("INSERT INTO phan_tich.ghi_chu SELECT doc_id, 'xem lại' FROM documents")
con.execute("CHECKPOINT")
print("holding", flush=True)
sys.stdin.readline()                                   # hold until the test says go
con.execute("INSERT INTO phan_tich.ghi_chu VALUES ('late', 'written after the run tried')")
con.close()
print("closed", flush=True)
"""


def analyst(db) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", ANALYST, str(db)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def release(proc: subprocess.Popen) -> None:
    proc.stdin.write("go\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "closed"
    proc.wait(timeout=30)


def test_a_rebuild_keeps_what_analysts_added(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    db = tmp_path / "cchc.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA phan_tich")
    con.execute("CREATE TABLE phan_tich.ghi_chu AS SELECT doc_id, 'ok' AS note FROM documents")
    con.execute("CREATE VIEW phan_tich.so_dong AS SELECT count(*) AS n FROM tasks")
    con.execute("CREATE TABLE main.coverage_t AS SELECT 1 AS x")            # one in main too
    con.execute("CREATE MACRO phan_tich.gap_doi(x) AS x * 2")
    con.close()
    (tmp_path / "my-own.duckdb").write_bytes(b"")                            # an analyst's own file beside it
    put_seed(tmp_path / "raw", "004")
    report = run(tmp_path)                                                   # a new snapshot: the database rebuilt
    assert report.record.db_rebuilt and report.record.wrote_snapshot
    assert query(db, "SELECT count(*) FROM phan_tich.ghi_chu") == [(1,)]
    assert query(db, "SELECT n FROM phan_tich.so_dong") == [(54,)]           # reads the new tables
    assert query(db, "SELECT x FROM coverage_t") == [(1,)]
    assert query(db, "SELECT phan_tich.gap_doi(21)") == [(42,)]
    assert (tmp_path / "my-own.duckdb").exists()
    ours = query(db, "SELECT kind, schema_name, name FROM cchc_meta.objects ORDER BY ALL")
    assert ("table", "main", "tasks") in ours and ("table", "main", "agencies") in ours
    assert not any(schema == "phan_tich" or name == "coverage_t" for _, schema, name in ours)


def test_a_view_the_build_no_longer_makes_is_dropped(tmp_path, monkeypatch):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    db = tmp_path / "cchc.duckdb"
    import pipeline.database.build as build

    real = build.view_sql
    monkeypatch.setattr(build, "view_sql", lambda n: real(n) + [("99_old.sql", "CREATE VIEW old_view AS SELECT 1")])
    build_database(db, tmp_path / "normalized", stamp="with-old")
    assert query(db, "SELECT * FROM old_view") == [(1,)]
    monkeypatch.setattr(build, "view_sql", real)
    build_database(db, tmp_path / "normalized", stamp="without")
    assert query(db, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'old_view'") == [(0,)]


def test_a_held_read_write_session_fails_the_run_naming_it_and_keeps_its_writes(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    db = tmp_path / "cchc.duckdb"
    holder = analyst(db)
    try:
        put_seed(tmp_path / "raw", "004")
        out = subprocess.run(light_cli("ingest", "--incremental", "--db-wait", "1", "--raw", str(tmp_path / "raw"),
                                       "--out", str(tmp_path / "normalized"), "--db", str(db)),
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == EXIT_RUN_FAILED
        lines = out.stderr.strip().splitlines()
        assert lines[0].startswith("waiting up to 1 s: ") and f"PID {holder.pid}" in lines[0]
        assert len(lines) == 2 and f"open read-write by PID {holder.pid}" in lines[1]
        assert "nothing was changed" in lines[1]
    finally:
        release(holder)
    assert query(db, "SELECT note FROM phan_tich.ghi_chu ORDER BY note") == \
        [("written after the run tried",), ("xem lại",)]
    assert query(db, "SELECT count(*) FROM documents") == [(1,)]            # nothing changed indeed
    report = run(tmp_path)                                                   # the session is closed: the run goes on
    assert report.new == ["plan-004.txt"]
    assert query(db, "SELECT count(*) FROM phan_tich.ghi_chu") == [(2,)]    # and its writes came through
    assert query(db, "SELECT status, exit_code FROM runs ORDER BY started_at")[-2:] == [("failed", 4), ("ok", 0)]


def test_a_run_waits_for_a_session_that_closes(tmp_path, capsys):
    import threading

    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    holder = analyst(tmp_path / "cchc.duckdb")
    timer = threading.Timer(1.5, release, args=(holder,))
    timer.start()
    try:
        from pipeline.batch.runlog import Console

        put_seed(tmp_path / "raw", "004")
        report = run(tmp_path, db_wait_s=60, console=Console(stream=sys.stderr, enabled=False))
    finally:
        timer.join()
    assert report.new == ["plan-004.txt"]
    assert "waiting up to 60 s" in capsys.readouterr().err
    assert query(tmp_path / "cchc.duckdb", "SELECT count(*) FROM phan_tich.ghi_chu") == [(2,)]


def test_database_stamp_names_a_read_write_holder(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    holder = analyst(tmp_path / "cchc.duckdb")
    try:
        from pipeline.database.build import DatabaseBusy

        with pytest.raises(DatabaseBusy, match=f"PID {holder.pid}"):
            database_stamp(tmp_path / "cchc.duckdb")
    finally:
        release(holder)


# --- one --db per --out, a lock that survives its file -------------------------------------------

def test_two_outputs_never_build_one_database_at_once(tmp_path):
    put_seed(tmp_path / "raw", "000")
    db = tmp_path / "cchc.duckdb"
    with database_lock(db):                        # another run, with another --out, is building this --db
        with pytest.raises(LockBusy, match=r"\.cchc\.duckdb\.lock: another cchc ingest run \(maybe with another"
                                           r" --out\) is building"):
            run(tmp_path)
    assert not db.exists() and not (tmp_path / "normalized" / "current").exists()
    run(tmp_path)                                  # released: this one goes on
    assert query(db, "SELECT count(*) FROM documents") == [(1,)]


def test_the_lock_survives_its_file_being_deleted(tmp_path):
    with run_lock(tmp_path):
        lock_path(tmp_path).unlink()               # someone tidies up the folder mid-run
        with pytest.raises(LockBusy):
            with run_lock(tmp_path):               # a second run makes a new file: the folder is still locked
                pass
    with run_lock(tmp_path):
        pass


def test_a_deleted_lock_file_lets_no_second_run_in(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    holder = hold_lock(tmp_path / "normalized")
    try:
        lock_path(tmp_path / "normalized").unlink()
        second = subprocess.run(light_cli("ingest", "--incremental", "--raw", str(tmp_path / "raw"), "--out",
                                          str(tmp_path / "normalized"), "--db", str(tmp_path / "cchc.duckdb")),
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == EXIT_LOCKED, second.stderr
        assert f"pid {holder.pid}" in second.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert consistent(tmp_path / "cchc.duckdb")

