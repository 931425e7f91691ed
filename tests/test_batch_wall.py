"""The wall around every file: memory, CPU and wall-clock caps per file, a dead worker's file, no worker left behind."""
from __future__ import annotations

import functools
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.batch import pool, workers
from pipeline.batch import run as batch_run
from pipeline.batch.manifest import read_manifest
from pipeline.batch.runlog import Console
from pipeline.batch.wall import (
    RESERVE_MB,
    WORKER_BASE_MB,
    Limits,
    cgroup_memory_limit,
    memory_refusal,
    size_words,
)
from tests import hostile_work
from tests.test_nightly import corpus, light_views, put_seed, run  # noqa: F401 - a fixture
from tests.test_nightly_kill import start, tagged_processes

pytestmark = pytest.mark.usefixtures("light_views")


def items(raw: Path, names: list[str], **kw) -> list[workers.WorkItem]:
    return [workers.WorkItem(str(raw / n), str(raw), n, None, None, True, datetime.now(UTC), **kw) for n in names]


def plans(raw: Path, *names: str) -> list[str]:
    for i, name in enumerate(names):
        put_seed(raw, ("000", "004", "001")[i % 3], name)
    return list(names)


# --- settings ------------------------------------------------------------------------------------

def test_limits_come_from_the_environment_and_bad_ones_are_named():
    assert Limits.from_env({}) == Limits(1024, 300, 600)
    assert Limits.from_env({"CCHC_FILE_MEMORY_MB": "512", "CCHC_FILE_CPU_S": "60", "CCHC_FILE_TIME_S": " 90 "}) == \
        Limits(512, 60, 90)
    for var, value in (("CCHC_FILE_MEMORY_MB", "lots"), ("CCHC_FILE_CPU_S", "0"), ("CCHC_FILE_TIME_S", "-5")):
        with pytest.raises(ValueError, match=var):
            Limits.from_env({var: value})
    assert memory_refusal(Limits()) == "needs more than 1 GiB to read: refused"
    assert [size_words(m) for m in (1024, 1536, 768, 2048)] == ["1 GiB", "1.5 GiB", "768 MiB", "2 GiB"]


def test_a_bad_setting_stops_the_run_before_any_file_is_read(tmp_path, monkeypatch):
    plans(tmp_path / "raw", "a.txt")
    monkeypatch.setenv("CCHC_FILE_MEMORY_MB", "plenty")
    with pytest.raises(ValueError, match="CCHC_FILE_MEMORY_MB='plenty'"):
        run(tmp_path)
    assert not (tmp_path / "normalized" / "current").exists()


def test_a_bad_database_memory_setting_stops_the_run_before_any_file_is_read(tmp_path, monkeypatch):
    from pipeline.batch.run import RunFailed

    plans(tmp_path / "raw", "a.txt")
    monkeypatch.setenv("CCHC_DB_MEMORY_MB", "lots")
    with pytest.raises(RunFailed, match="CCHC_DB_MEMORY_MB='lots'"):
        run(tmp_path)
    assert not (tmp_path / "normalized" / "current").exists()


def test_a_database_build_past_its_memory_says_which_setting_to_raise(tmp_path, monkeypatch):
    plans(tmp_path / "raw", "a.txt", "b.txt")
    monkeypatch.setenv("CCHC_DB_MEMORY_MB", "16")
    with pytest.raises(Exception, match=r"Out of Memory.*raise CCHC_DB_MEMORY_MB") as failed:
        run(tmp_path)
    assert "\n" not in str(failed.value)                  # one line for the cron mail, not DuckDB's advice
    assert not (tmp_path / "normalized" / "current").exists()     # the snapshot is withdrawn with the database


def test_a_database_build_short_of_memory_is_tried_once_more_with_twice_as_much(tmp_path, monkeypatch):
    from pipeline.database import build

    plans(tmp_path / "raw", "a.txt")
    monkeypatch.setenv("CCHC_DB_MEMORY_MB", "300")
    given, real = [], build._build

    def short_at_first(*args, memory_mb, **kwargs):
        given.append(memory_mb)
        if len(given) == 1:
            raise build.DatabaseOutOfMemory("sql: 30_alignment.sql: Out of Memory Error")
        return real(*args, memory_mb=memory_mb, **kwargs)

    monkeypatch.setattr(build, "_build", short_at_first)
    run(tmp_path)
    assert given == [300, 600]
    assert (tmp_path / "normalized" / "current").exists() and (tmp_path / "cchc.duckdb").exists()


def test_a_one_shot_run_stops_the_fork_server_before_the_database_step_and_the_next_run_starts_it(tmp_path,
                                                                                                 monkeypatch):
    from multiprocessing import forkserver

    from pipeline.database import build

    plans(tmp_path / "raw", "a.txt", "b.txt")
    seen, real = [], build.build_database

    def building(*args, **kwargs):                       # what runs beside the database step
        seen.append(forkserver._forkserver._forkserver_pid)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_run, "build_database", building)
    run(tmp_path, one_shot=True)
    assert seen == [None]
    put_seed(tmp_path / "raw", "001", "c.txt")           # a plan of its own (a.txt and b.txt are 000 and 004)
    run(tmp_path, one_shot=False)                        # a later run in the same process reads its files
    assert seen[1] is not None
    con = duckdb.connect(str(tmp_path / "cchc.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)
    con.close()


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_cgroup_limit_is_found_up_the_tree(tmp_path, version):
    proc = tmp_path / "cgroup"
    if version == "v1":
        proc.write_text("5:cpu:/x\n4:memory:/system.slice/cchc.service\n")
        base, name, unlimited = tmp_path / "memory", "memory.limit_in_bytes", "9223372036854771712"
    else:
        proc.write_text("0::/system.slice/cchc.service\n")
        base, name, unlimited = tmp_path, "memory.max", "max"
    unit = base / "system.slice" / "cchc.service"
    unit.mkdir(parents=True)
    (unit / name).write_text(unlimited + "\n")
    assert cgroup_memory_limit(str(proc), str(tmp_path)) is None
    (unit.parent / name).write_text(str(2 * 2**30))              # MemoryMax on the slice above
    assert cgroup_memory_limit(str(proc), str(tmp_path)) == 2 * 2**30
    (unit / name).write_text(str(2**30))
    assert cgroup_memory_limit(str(proc), str(tmp_path)) == 2**30


def test_the_memory_cap_is_fitted_under_a_cgroup_limit():
    two_gb, run_holds = 2 * 2**30, 200 * 2**20
    assert Limits().fitted(1, 0) == Limits()                      # no limit: as set
    fitted = Limits().fitted(2, two_gb, run_holds)
    assert fitted.memory_mb == 576                               # (2048 - 200 - 256) / 2 - 160, by 64
    assert 2 * (fitted.memory_mb + WORKER_BASE_MB) + 200 + RESERVE_MB <= 2048   # both workers at their cap fit
    assert Limits(memory_mb=512).fitted(2, two_gb, run_holds).memory_mb == 512   # a lower setting stands
    assert Limits().fitted(1, 16 * 2**30, run_holds).memory_mb == 1024


# --- one file's wall ------------------------------------------------------------------------------

def test_a_memory_hog_is_refused_and_the_others_are_read(tmp_path):
    raw = tmp_path / "raw"
    names = plans(raw, "a.txt", "hog.txt", "b.txt")
    results = workers.parse_all(items(raw, names), 2, Console(enabled=False), fn=hostile_work.misbehave,
                                limits=Limits(memory_mb=256))
    hog = results["hog.txt"]
    assert (hog.outcome, hog.error_type) == ("failed", "TooBig")
    assert hog.error == f"{raw / 'hog.txt'}: needs more than 256 MiB to read: refused"
    assert (hog.size, hog.mtime_ns) == (os.stat(raw / "hog.txt").st_size, os.stat(raw / "hog.txt").st_mtime_ns)
    assert [results[n].outcome for n in ("a.txt", "b.txt")] == ["ok", "ok"]
    assert all(r.peak_mb and r.peak_mb > 10 and r.cpu_s is not None for r in results.values())


def test_a_file_that_burns_cpu_is_given_up(tmp_path):
    raw = tmp_path / "raw"
    names = plans(raw, "burn.txt", "a.txt")
    results = workers.parse_all(items(raw, names), 1, Console(enabled=False), fn=hostile_work.misbehave,
                                limits=Limits(cpu_s=1))
    burn = results["burn.txt"]
    assert burn.error_type == "Timeout" and "given up after 1 s of CPU" in burn.error and "burn.txt" in burn.error
    assert results["a.txt"].outcome == "ok"


def test_a_worker_deaf_to_its_alarm_is_killed_by_the_parent(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "GRACE_S", 0.5)
    raw = tmp_path / "raw"
    names = plans(raw, "hang.txt", "a.txt")
    start = time.monotonic()
    work = items(raw, names[:1], time_limit=1.0) + items(raw, names[1:], time_limit=60.0)   # a.txt: room for load
    results = workers.parse_all(work, 2, Console(enabled=False), fn=hostile_work.misbehave)
    assert time.monotonic() - start < 20
    assert results["hang.txt"].error_type == "Timeout" and "given up after 1 s" in results["hang.txt"].error
    assert results["a.txt"].outcome == "ok"


def test_the_time_setting_caps_every_file(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "GRACE_S", 0.5)
    raw = tmp_path / "raw"
    names = plans(raw, "hang.txt")
    results = workers.parse_all(items(raw, names), 1, Console(enabled=False), fn=hostile_work.misbehave,
                                limits=Limits(time_s=1))
    assert "given up after 1 s" in results["hang.txt"].error


def test_a_file_its_worker_dies_on_twice_is_quarantined_with_its_fingerprint(tmp_path):
    raw = tmp_path / "raw"
    names = plans(raw, "a.txt", "die.txt", "b.txt", "c.txt")
    results = workers.parse_all(items(raw, names), 2, Console(enabled=False), fn=hostile_work.misbehave)
    died = results["die.txt"]
    assert died.error_type == "WorkerDied" and "killed by SIGKILL" in died.error and "die.txt" in died.error
    assert (died.size, died.mtime_ns) == (os.stat(raw / "die.txt").st_size, os.stat(raw / "die.txt").st_mtime_ns)
    assert sorted(n for n, r in results.items() if r.outcome == "ok") == ["a.txt", "b.txt", "c.txt"]


def test_a_dead_workers_file_is_not_read_again_until_it_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(batch_run, "parse", functools.partial(workers.parse_all, fn=hostile_work.misbehave))
    raw = tmp_path / "raw"
    plans(raw, "a.txt", "die.txt")
    first = run(tmp_path)
    assert [(f.source_file, f.error_type) for f in first.failed_now] == [("die.txt", "WorkerDied")]
    entry = read_manifest(tmp_path / "normalized" / "manifest.json").files["die.txt"]
    assert (entry.size, entry.mtime_ns) == (os.stat(raw / "die.txt").st_size, os.stat(raw / "die.txt").st_mtime_ns)

    second = run(tmp_path)                               # the next night: quarantined, not tried
    assert second.failed_now == [] and second.parsed == [] and second.record.wrote_snapshot is False
    assert [f.source_file for f in second.failures] == ["die.txt"]

    (raw / "die.txt").write_bytes((raw / "die.txt").read_bytes() + b"\n")
    third = run(tmp_path)                                # changed: tried again
    assert third.parsed == ["die.txt"] and [f.source_file for f in third.failed_now] == ["die.txt"]


def test_costliest_files_go_first_and_the_order_of_results_is_the_paths(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, size in (("a.txt", 10), ("b.pdf", 10), ("c.txt", 300), ("d.docx", 10)):
        (raw / name).write_bytes(b"x" * size)
    order = [i.rel for i in pool.costliest_first(items(raw, ["a.txt", "b.pdf", "c.txt", "d.docx"]))]
    assert order == ["b.pdf", "c.txt", "d.docx", "a.txt"]


# --- no worker left behind ------------------------------------------------------------------------

def settle(deadline: float = 5) -> list[int]:
    end = time.monotonic() + deadline
    while tagged_processes() and time.monotonic() < end:
        time.sleep(0.1)
    return tagged_processes()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, None], ids=["SIGTERM", "SIGINT", "exit"])
def test_no_worker_outlives_its_run(tmp_path, how):
    corpus(tmp_path / "raw", 40 if how is None else 120)  # a signal must find the run mid-parse, even on a fast machine
    proc = start(tmp_path)
    end = time.monotonic() + 60
    while len(tagged_processes()) < 3 and proc.poll() is None and time.monotonic() < end:   # the run, its server, a worker
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before its workers could be seen"
    if how is not None:
        proc.send_signal(how)
    code = proc.wait(timeout=120)
    assert settle() == [], f"processes of the run left behind after {how or 'its end'}"
    if how is signal.SIGTERM:
        assert code == 128 + signal.SIGTERM
    elif how is None:
        assert code == 0
    if how is not None:                                  # stopped mid-parse: nothing committed, nothing half-written
        assert not (tmp_path / "normalized" / "current").exists()
