"""Two runs never interleave: the second exits at once with its own code; a killed run leaves no lock."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pipeline.batch.exit_codes import EXIT_LOCKED, EXIT_OK
from pipeline.batch.lock import LockBusy, holder_pid, lock_path, run_lock
from tests.conftest import ROOT
from tests.test_nightly import consistent, corpus, nightly, put_seed, query

HOLD = """
import sys, time
from pathlib import Path
from pipeline.batch.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def hold_lock(out_dir) -> subprocess.Popen:
    """Start a process that takes the output folder's lock and keeps it; return once it holds it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_run_exits_at_once_and_a_killed_holder_leaves_no_lock(tmp_path):
    put_seed(tmp_path / "raw", "000")
    assert nightly(tmp_path).returncode == EXIT_OK
    holder = hold_lock(tmp_path / "normalized")
    try:
        started = time.monotonic()
        second = nightly(tmp_path)
        assert second.returncode == EXIT_LOCKED
        assert time.monotonic() - started < 30              # at once: no waiting for the lock
        message = second.stderr.strip().splitlines()
        assert len(message) == 1 and "another cchc ingest run holds the lock" in message[0]
        assert f"pid {holder.pid}" in message[0] and ".ingest.lock" in message[0]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    third = nightly(tmp_path)                               # the kernel dropped the dead holder's lock
    assert third.returncode == EXIT_OK, third.stderr
    statuses = query(tmp_path / "cchc.duckdb", "select status, exit_code from runs order by started_at")
    assert statuses == [("ok", 0), ("locked", EXIT_LOCKED), ("ok", 0)]


def test_two_runs_started_together(tmp_path):
    corpus(tmp_path / "raw", 12)
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", "--incremental", "--jobs", "2",
                              "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "normalized"),
                              "--db", str(tmp_path / "cchc.duckdb")], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in runs]
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([EXIT_OK, EXIT_OK], [EXIT_OK, EXIT_LOCKED]), outcomes
    for code, err in outcomes:
        if code == EXIT_LOCKED:
            assert "holds the lock" in err
    assert query(tmp_path / "cchc.duckdb", "select count(*) from documents") == [(12,)]
    assert consistent(tmp_path / "cchc.duckdb")


def test_the_lock_in_process(tmp_path):
    with run_lock(tmp_path):
        with pytest.raises(LockBusy) as busy:
            with run_lock(tmp_path):
                pass
        assert busy.value.holder == os.getpid()
    with run_lock(tmp_path):                                # released on exit
        pass
    assert lock_path(tmp_path).read_bytes() == b""         # never written: a re-run changes nothing


def test_holder_pid_reads_proc_locks(tmp_path):
    lock = tmp_path / ".ingest.lock"
    lock.write_bytes(b"")
    st = lock.stat()
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    fake = tmp_path / "locks"
    fake.write_text(f"1: POSIX  ADVISORY  WRITE 111 {device} 0 EOF\n"
                    f"2: FLOCK  ADVISORY  WRITE 4178 {device} 0 EOF\n"
                    f"2: -> FLOCK  ADVISORY  WRITE 999 {device} 0 EOF\n")
    assert holder_pid(lock, fake) == 4178
    fake.write_text("1: FLOCK  ADVISORY  WRITE 4178 00:00:1 0 EOF\n")
    assert holder_pid(lock, fake) is None
