"""The nightly batch: incremental re-runs, idempotence, quarantine, duplicates, parallel order, run log."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import pipeline.batch.process
import pipeline.batch.store
import pipeline.batch.version
import pipeline.database.build
from pipeline.batch import workers
from pipeline.batch.manifest import read_manifest
from pipeline.batch.run import RunFailed, ingest
from pipeline.batch.runlog import Console
from tests.conftest import FIXTURES, ROOT, seed_path

SMALL = ("000", "004", "001")       # three seeds of different layouts, quick to parse


@pytest.fixture
def light_views(monkeypatch):
    """In-process runs build only the 0x views (documents, tasks, failures, runs): the full stack of
    alignment views costs seconds per build, and the CLI tests here build it for real."""
    real = pipeline.database.build.view_sql
    monkeypatch.setattr(pipeline.database.build, "view_sql", lambda normalized, *layers: [
        (name, sql) for name, sql in real(normalized, *layers) if name.startswith("0")])


pytestmark = pytest.mark.usefixtures("light_views")


# --- helpers (also used by the other nightly test modules) ---------------------------------------

def put_seed(raw: Path, key: str, name: str | None = None, extra: str = "") -> Path:
    """Copy a seed plan into raw (as name), with `extra` appended to make its content distinct."""
    raw.mkdir(parents=True, exist_ok=True)
    target = raw / (name or f"plan-{key}.txt")
    target.write_bytes(seed_path(key).read_bytes() + extra.encode("utf-8"))
    return target


def corpus(raw: Path, count: int) -> list[Path]:
    """Write `count` distinct plan files (seed variants whose rows read differently) into raw."""
    return [put_variant(raw, SMALL[i % len(SMALL)], f"plan-{i:03d}.txt", i // len(SMALL)) for i in range(count)]


def put_variant(raw: Path, key: str, name: str, variant: int) -> Path:
    """Copy a seed plan into raw as name; from variant 1 on, its last "CCHC" reads "CCHC (bản N)", so its
    task rows differ from the seed's (a copy whose rows read the same is the same plan: a duplicate)."""
    text = seed_path(key).read_text(encoding="utf-8")
    if variant:
        at = text.rfind("CCHC")
        text = f"{text[:at]}CCHC (bản {variant}){text[at + 4:]}"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / name).write_bytes(text.encode("utf-8"))
    return raw / name


def cchc(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def nightly(tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run `cchc ingest --incremental` over tmp/raw → tmp/normalized, tmp/cchc.duckdb."""
    return cchc("ingest", "--incremental", "--raw", str(tmp / "raw"), "--out", str(tmp / "normalized"),
                "--db", str(tmp / "cchc.duckdb"), *extra)


def run(tmp: Path, **kw):
    """Run the incremental batch in this process (serial unless jobs is given)."""
    kw.setdefault("jobs", 1)
    return ingest(tmp / "raw", tmp / "normalized", tmp / "cchc.duckdb", incremental=True, **kw)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def tables(db: Path) -> dict:
    """Return what an analyst sees: documents, task rows and failures, as sorted lists of tuples."""
    return {
        "documents": query(db, "select source_file, doc_id, task_count, framework_doc_id, ingested_at::varchar"
                               " from documents order by source_file"),
        "tasks": query(db, "select doc_id, row_no, content, area_code from tasks order by doc_id, row_no"),
        "failures": query(db, "select source_file, error from failures order by source_file"),
    }


def consistent(db: Path) -> bool:
    """Return True when the tables agree with each other: every row's document is there, counts add up."""
    orphans = query(db, "select count(*) from tasks where doc_id not in (select doc_id from documents)")[0][0]
    counts = query(db, "select (select coalesce(sum(task_count), 0) from documents), (select count(*) from tasks)")
    return orphans == 0 and counts[0][0] == counts[0][1]


def fingerprint(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Given a folder, return every entry's (kind, sha256 or link target, mtime_ns, inode) by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel in skip:
            continue
        st = path.lstat()
        if path.is_symlink():
            found[rel] = ("link", os.readlink(path), st.st_mtime_ns, st.st_ino)
        elif path.is_file():
            found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_ino)
        else:
            found[rel] = ("dir", None, st.st_mtime_ns, st.st_ino)
    return found


# --- idempotence ---------------------------------------------------------------------------------

def database_content(db: Path) -> tuple:
    """The build's stamp and time, and every table but the run log, as rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [name for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main'"
                                                   " and table_name <> 'runs' order by 1").fetchall()]
        return (con.execute("select * from cchc_meta.build").fetchall(),
                {name: sorted(map(str, con.execute(f'select * from "{name}"').fetchall())) for name in tables})
    finally:
        con.close()


def test_no_change_rerun_rewrites_nothing(tmp_path):
    corpus(tmp_path / "raw", 4)
    (tmp_path / "raw" / "notes.txt").write_bytes((FIXTURES / "bad" / "no-table.txt").read_bytes())
    first = nightly(tmp_path)
    assert first.returncode == 0, first.stderr          # a file that is not a plan is skipped, not failed
    assert "skipped  " in first.stdout and "notes.txt" in first.stdout
    out = tmp_path / "normalized"
    log_before = (out / "runs.jsonl").read_bytes()
    before, db_before = fingerprint(out, skip=("runs.jsonl",)), database_content(tmp_path / "cchc.duckdb")
    time.sleep(0.05)                                   # a rewrite would show in mtime_ns

    again = nightly(tmp_path)

    assert again.returncode == 0, again.stderr          # the bad file is quarantined, not failed anew
    assert fingerprint(out, skip=("runs.jsonl",)) == before
    assert database_content(tmp_path / "cchc.duckdb") == db_before        # not rebuilt: only its run log grew
    assert query(tmp_path / "cchc.duckdb", "select count(*) from runs") == [(2,)]
    log_after = (out / "runs.jsonl").read_bytes()
    assert log_after.startswith(log_before) and log_after[len(log_before):].count(b"\n") == 1
    record = json.loads(log_after[len(log_before):])
    assert (record["unchanged"], record["new"], record["changed"], record["wrote_snapshot"]) == (5, 0, 0, False)
    assert "nothing rewritten" in again.stdout and "1 still quarantined" in again.stdout


def test_relative_paths_as_make_nightly_gives_them(tmp_path):
    corpus(tmp_path / "data" / "raw", 3)
    args = ["-m", "pipeline.cli", "ingest", "--incremental", "--raw", "data/raw", "--out", "data/normalized",
            "--db", "data/cchc.duckdb"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, *args], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert query(tmp_path / "data" / "cchc.duckdb", "select count(*) from documents") == [(3,)]
    assert len(list((tmp_path / "data" / "normalized" / "snapshots").iterdir())) == 1


def test_new_changed_removed_and_unchanged(tmp_path):
    raw = tmp_path / "raw"
    for key in SMALL:
        put_seed(raw, key)
    run(tmp_path)
    before = {r[0]: r for r in tables(tmp_path / "cchc.duckdb")["documents"]}
    kept_rows = query(tmp_path / "cchc.duckdb", f"select * from tasks where doc_id = '{before['plan-000.txt'][1]}'")

    changed = raw / "plan-001.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Sở Công Thương", "Sở Công thương Quảng Trị", 1),
                       encoding="utf-8")
    (raw / "plan-004.txt").unlink()
    put_seed(raw, "002")
    report = run(tmp_path)

    rec = report.record
    assert (rec.new, rec.changed, rec.unchanged, rec.removed, rec.failed) == (1, 1, 1, 1, 0)
    assert report.parsed == ["plan-001.txt", "plan-002.txt"]
    after = {r[0]: r for r in tables(tmp_path / "cchc.duckdb")["documents"]}
    assert set(after) == {"plan-000.txt", "plan-001.txt", "plan-002.txt"}
    assert after["plan-000.txt"] == before["plan-000.txt"]          # same doc_id, rows and ingested_at
    assert after["plan-001.txt"][1] != before["plan-001.txt"][1]    # new content, new doc_id
    assert query(tmp_path / "cchc.duckdb", f"select * from tasks where doc_id = '{before['plan-000.txt'][1]}'") \
        == kept_rows
    assert consistent(tmp_path / "cchc.duckdb")
    manifest = read_manifest(tmp_path / "normalized" / "manifest.json")
    assert sorted(manifest.files) == ["plan-000.txt", "plan-001.txt", "plan-002.txt"]


def test_touched_file_is_hashed_not_parsed_and_tables_are_linked(tmp_path):
    raw = tmp_path / "raw"
    files = [put_seed(raw, key) for key in SMALL]
    run(tmp_path)
    old_snapshot = pipeline.batch.store.current_snapshot(tmp_path / "normalized")
    inode = (old_snapshot / "tasks.parquet").stat().st_ino
    os.utime(files[0], ns=(files[0].stat().st_atime_ns, files[0].stat().st_mtime_ns + 10**9))

    report = run(tmp_path)

    assert (report.record.unchanged, report.record.changed, report.record.rows_parsed) == (3, 0, 0)
    snapshot = pipeline.batch.store.current_snapshot(tmp_path / "normalized")
    assert snapshot != old_snapshot and not old_snapshot.exists()      # the manifest was restamped …
    assert (snapshot / "tasks.parquet").stat().st_ino == inode          # … the Parquet only linked
    entry = read_manifest(snapshot / "manifest.json").files["plan-000.txt"]
    assert entry.mtime_ns == files[0].stat().st_mtime_ns
    assert run(tmp_path).record.wrote_snapshot is False                 # and then nothing at all


def test_sidecar_change_reparses_its_file(tmp_path):
    raw = tmp_path / "raw"
    plan = put_seed(raw, "000")
    run(tmp_path)
    assert query(tmp_path / "cchc.duckdb", "select province from documents") == [(None,)]
    plan.with_name(plan.name + ".meta.toml").write_text('province = "Hà Tĩnh"\n', encoding="utf-8")
    report = run(tmp_path)
    assert report.changed == ["plan-000.txt"]
    assert query(tmp_path / "cchc.duckdb", "select province from documents") == [("Hà Tĩnh",)]


def test_version_change_reprocesses_everything(tmp_path, monkeypatch):
    for key in SMALL:
        put_seed(tmp_path / "raw", key)
    run(tmp_path)
    monkeypatch.setattr(pipeline.batch.version, "PARSER_VERSION", "99.0.0")
    report = run(tmp_path)
    assert report.record.reparsed == 3 and report.record.unchanged == 0
    assert "parser 0" in report.reprocess_reason and "99.0.0" in report.reprocess_reason
    assert read_manifest(tmp_path / "normalized" / "manifest.json").version["parser"] == "99.0.0"
    assert run(tmp_path).record.wrote_snapshot is False


def test_failed_file_is_quarantined_and_retried_when_it_changes(tmp_path):
    raw = tmp_path / "raw"
    put_seed(raw, "000")
    notes = raw / "notes.txt"
    notes.write_bytes((FIXTURES / "bad" / "no-table.txt").read_bytes())
    first = run(tmp_path)
    assert [f.source_file for f in first.skipped_now] == ["notes.txt"] and first.failed_now == []

    second = run(tmp_path)
    assert second.skipped_now == [] and [f.source_file for f in second.failures] == ["notes.txt"]
    assert second.parsed == []
    assert query(tmp_path / "cchc.duckdb", "select source_file, error_type from failures") == [("notes.txt", "NotAPlan")]

    notes.write_bytes(seed_path("004").read_bytes())
    third = run(tmp_path)
    assert third.changed == ["notes.txt"] and third.failures == []
    assert query(tmp_path / "cchc.duckdb", "select count(*) from failures") == [(0,)]
    assert query(tmp_path / "cchc.duckdb", "select source_file from documents order by 1") == \
        [("notes.txt",), ("plan-000.txt",)]


def test_same_content_twice_is_kept_once_and_taken_over_when_the_first_goes(tmp_path):
    raw = tmp_path / "raw"
    put_seed(raw, "000", "a.txt")
    put_seed(raw, "000", "b.txt")
    first = run(tmp_path)
    assert [d.source_file for d in first.documents] == ["a.txt"]
    assert [(f.source_file, f.error_type) for f in first.failures] == [("b.txt", "Duplicate")]
    assert "same content as a.txt" in first.failures[0].error

    (raw / "a.txt").unlink()
    second = run(tmp_path)
    assert [d.source_file for d in second.documents] == ["b.txt"] and second.failures == []
    assert consistent(tmp_path / "cchc.duckdb")
    assert query(tmp_path / "cchc.duckdb", "select count(*) from tasks") == [(24,)]


def test_framework_link_follows_a_changed_framework(tmp_path):
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    run(tmp_path)
    framework = tmp_path / "raw" / "ha-tinh-ubnd-tinh-2026-qd-3369.txt"
    framework.write_bytes(framework.read_bytes() + b"\n")
    report = run(tmp_path)
    assert report.changed == ["ha-tinh-ubnd-tinh-2026-qd-3369.txt"] and report.record.unchanged == 4
    linked = query(tmp_path / "cchc.duckdb", """select d.source_file from documents d join documents f
                   on f.doc_id = d.framework_doc_id where f.source_file = 'ha-tinh-ubnd-tinh-2026-qd-3369.txt'""")
    assert sorted(linked) == [("so-ngoai-vu-2026-phu-luc.txt",), ("van-phong-ubnd-tinh-2026-phu-luc.txt",)]
    framework.unlink()
    report = run(tmp_path)
    warned = query(tmp_path / "cchc.duckdb", "select framework_doc_id, warnings from documents"
                                             " where source_file = 'so-ngoai-vu-2026-phu-luc.txt'")
    assert warned[0][0] is None and any("not among the ingested files" in w for w in warned[0][1])


# --- parallel ------------------------------------------------------------------------------------

def test_a_night_with_nothing_to_read_never_loads_a_parser_or_pandas(tmp_path):
    # a no-change night is most nights: its cost is what the command imports (issue 15: ≤ 1 s)
    corpus(tmp_path / "raw", 2)
    code = ("import sys; from pipeline.cli.main import main; code = main(sys.argv[1:]);"
            " print([m for m in ('parsers.docx', 'parsers.pdf', 'pipeline.batch.process', 'pandas')"
            " if m in sys.modules]); sys.exit(code)")
    args = ["ingest", "--incremental", "--jobs", "1", "--raw", str(tmp_path / "raw"),
            "--out", str(tmp_path / "normalized"), "--db", str(tmp_path / "cchc.duckdb")]
    for _night in ("first", "no change"):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    assert "0 new, 0 changed, 2 unchanged" in done.stdout and "nothing rewritten" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_jobs_caps_the_database_builds_threads_too(tmp_path, monkeypatch):
    import pipeline.batch.run

    corpus(tmp_path / "raw", 2)
    asked, real = [], pipeline.batch.run.build_database
    monkeypatch.setattr(pipeline.batch.run, "build_database",
                        lambda *a, **kw: asked.append(kw.get("threads")) or real(*a, **kw))
    ingest(tmp_path / "raw", tmp_path / "s", tmp_path / "s.duckdb", jobs=1)
    assert asked == [1]


def test_parallel_run_gives_the_serial_tables(tmp_path):
    corpus(tmp_path / "raw", 10)
    ingest(tmp_path / "raw", tmp_path / "s", tmp_path / "s.duckdb", jobs=1)
    parallel = ingest(tmp_path / "raw", tmp_path / "p", tmp_path / "p.duckdb", jobs=2)
    assert parallel.record.jobs == 2 and len(parallel.documents) == 10
    strip = "select * exclude (ingested_at) from documents order by source_file"
    assert query(tmp_path / "s.duckdb", strip) == query(tmp_path / "p.duckdb", strip)
    assert query(tmp_path / "s.duckdb", "select * from tasks") == query(tmp_path / "p.duckdb", "select * from tasks")
    order = [r[0] for r in query(tmp_path / "p.duckdb", "select source_file from documents")]
    assert order == sorted(order)


def test_a_stuck_file_is_given_up(tmp_path, monkeypatch):
    plan = put_seed(tmp_path / "raw", "000")

    def stuck(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(workers, "process_file", stuck)
    item = workers.WorkItem(str(plan), str(tmp_path / "raw"), plan.name, None, None, True,
                          datetime.now(UTC), time_limit=0.2)
    started = time.monotonic()
    result = workers.work(item)
    assert time.monotonic() - started < 2
    assert result.outcome == "failed" and result.error_type == "Timeout" and "plan-000.txt" in result.error


# --- operations: exit codes, run log, cron output, progress --------------------------------------

def test_exit_codes_and_the_runs_view(tmp_path):
    raw = tmp_path / "raw"
    put_seed(raw, "000")
    assert run(tmp_path).record.exit_code == 0
    (raw / "junk.pdf").write_bytes((FIXTURES / "bad" / "junk.pdf").read_bytes())
    failed = nightly(tmp_path)
    assert failed.returncode == 3
    assert nightly(tmp_path).returncode == 0                     # quarantined: no new failure, no new mail
    for path in raw.iterdir():
        path.unlink()
    with pytest.raises(RunFailed, match="mounted"):      # the CLI turns this into exit 4
        run(tmp_path)
    assert query(tmp_path / "cchc.duckdb", "select count(*) from documents") == [(1,)]
    runs = query(tmp_path / "cchc.duckdb", "select status, exit_code, files, new, failed, quarantined, documents,"
                                           " task_rows, total_s >= 0 from runs order by started_at")
    assert runs == [("ok", 0, 1, 1, 0, 0, 1, 24, True), ("some_failed", 3, 2, 1, 1, 1, 1, 24, True),
                    ("ok", 0, 2, 0, 0, 1, 1, 24, True), ("failed", 4, 0, 0, 0, 0, 0, 0, True)]
    error = query(tmp_path / "cchc.duckdb", "select error from runs where status = 'failed'")[0][0]
    assert "is the shared folder mounted" in error


def test_cron_output_reads_well(tmp_path):
    raw = tmp_path / "raw"
    put_seed(raw, "000", "Kế hoạch CCHC 2026.txt")
    (raw / "junk.docx").write_bytes((FIXTURES / "bad" / "junk.docx").read_bytes())
    out = nightly(tmp_path)
    lines = out.stdout.splitlines()
    assert "\r" not in out.stdout + out.stderr and "\x1b" not in out.stdout + out.stderr   # no bar without a TTY
    assert lines[0].startswith("cchc ingest --incremental: ") and "UTC" in lines[0]
    assert lines[1] == "new      Kế hoạch CCHC 2026.txt: 24 rows (Sở Ngoại vụ, 2026)"
    assert lines[2].startswith("FAILED   ") and "junk.docx" in lines[2] and "not a DOCX file" in lines[2]
    assert lines[3] == "2 files: 2 new, 0 changed, 0 unchanged, 0 removed; 1 failed in this run"
    assert lines[4].startswith("1 documents, 24 task rows → ") and len(lines) == 5


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal():
    for stream, drawn in ((io.StringIO(), False), (FakeTTY(), True)):
        console = Console(stream=stream)
        console.start("parsing", 3)
        for done in (1, 2, 3):
            console.advance(done)
        console.finish()
        assert ("[" + "#" * 30 + "] 3/3" in stream.getvalue()) is drawn
        assert (stream.getvalue() == "") is not drawn


def test_runs_view_reads_while_a_line_is_half_written(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    with open(tmp_path / "normalized" / "runs.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"run_id": "half-writ')
    assert query(tmp_path / "cchc.duckdb", "select count(*) from runs") == [(1,)]


# --- storage -------------------------------------------------------------------------------------

def test_a_reader_open_across_a_commit_keeps_one_whole_state_and_the_next_sees_the_new(tmp_path):
    # The data live inside the database file (it travels), so a session open across a commit reads
    # the state it opened, whole; the next connection reads the new one.
    raw = tmp_path / "raw"
    put_seed(raw, "000")
    run(tmp_path)
    con = duckdb.connect(str(tmp_path / "cchc.duckdb"), read_only=True)
    assert con.execute("select count(*) from tasks").fetchone() == (24,)
    put_seed(raw, "004")
    run(tmp_path)
    assert con.execute("select count(*), count(distinct doc_id) from tasks").fetchone() == (24, 1)
    assert con.execute("select count(*) from documents").fetchone() == (1,)
    con.close()
    assert query(tmp_path / "cchc.duckdb", "select count(*) from tasks") == [(54,)]


def test_the_old_single_file_layout_is_taken_over(tmp_path):
    put_seed(tmp_path / "raw", "000")
    ingest(tmp_path / "raw", tmp_path / "normalized", tmp_path / "cchc.duckdb")   # then: plain files
    out = tmp_path / "normalized"
    for name in ("documents.parquet", "tasks.parquet", "failures.parquet"):
        target = (out / name).resolve()
        (out / name).unlink()
        shutil.copy(target, out / name)                  # as the walking skeleton left them
    shutil.rmtree(out / "snapshots")
    (out / "current").unlink()
    (out / "manifest.json").unlink()
    report = run(tmp_path)
    assert report.new == ["plan-000.txt"]
    assert all((out / name).is_symlink() for name in ("documents.parquet", "tasks.parquet", "failures.parquet"))
    assert query(tmp_path / "cchc.duckdb", "select count(*) from tasks") == [(24,)]


def test_manifest_records_what_the_issue_asks(tmp_path):
    plan = put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    manifest = read_manifest(tmp_path / "normalized" / "manifest.json")
    entry = manifest.files["plan-000.txt"]
    assert entry.sha256 == hashlib.sha256(plan.read_bytes()).hexdigest()
    assert (entry.size, entry.mtime_ns) == (plan.stat().st_size, plan.stat().st_mtime_ns)
    assert entry.status == "ok" and entry.rows == 24 and entry.doc_id == entry.sha256[:16]
    assert entry.parser_version == pipeline.batch.version.PARSER_VERSION and entry.processed_at and entry.first_seen_at
    assert set(manifest.version) == {"parser", "schema", "vocabulary"}


COMMIT_STEPS = [
    ("pipeline.batch.store.write_parquet", "a Parquet file of the new snapshot"),
    ("pipeline.batch.store.write_text", "the new manifest"),
    ("pipeline.batch.store.fsync_dir", "the snapshot folder's flush"),
    ("pipeline.batch.store.point_current", "the swap of `current`"),
    ("pipeline.batch.run.build_database", "the database rebuild"),
]


@pytest.mark.parametrize("target, step", COMMIT_STEPS, ids=[s[0].rsplit(".", 1)[1] for s in COMMIT_STEPS])
def test_a_failure_at_any_commit_step_keeps_the_last_state(tmp_path, monkeypatch, target, step):
    raw = tmp_path / "raw"
    put_seed(raw, "000")
    run(tmp_path)
    before = tables(tmp_path / "cchc.duckdb")
    put_seed(raw, "004")
    module, name = target.rsplit(".", 1)

    def broken(*args, **kwargs):
        raise OSError(28, f"No space left on device ({step})")

    monkeypatch.setattr(sys.modules[module], name, broken)
    with pytest.raises(OSError):
        run(tmp_path)
    assert tables(tmp_path / "cchc.duckdb") == before   # the database is part of the commit: withdrawn too
    assert consistent(tmp_path / "cchc.duckdb")
    monkeypatch.undo()
    assert run(tmp_path).new == ["plan-004.txt"]
    assert query(tmp_path / "cchc.duckdb", "select count(*) from documents") == [(2,)]
    assert len(list((tmp_path / "normalized" / "snapshots").iterdir())) == 1
    assert query(tmp_path / "cchc.duckdb", "select status from runs order by started_at") == \
        [("ok",), ("failed",), ("ok",)]


def test_fixed_names_and_database_come_back_after_make_clean(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    out = tmp_path / "normalized"
    snapshot = pipeline.batch.store.current_snapshot(out)
    for name in ("documents.parquet", "tasks.parquet", "failures.parquet"):       # what `make clean` removes
        (out / name).unlink()
    (tmp_path / "cchc.duckdb").unlink()
    report = run(tmp_path)
    assert report.record.wrote_snapshot is False and pipeline.batch.store.current_snapshot(out) == snapshot
    assert query(tmp_path / "cchc.duckdb", "select count(*) from tasks") == [(24,)]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_nightly_and_the_deploy_files_run_the_incremental_ingest():
    dry = subprocess.run(["make", "-n", "nightly"], cwd=ROOT, capture_output=True, text=True)
    assert dry.returncode == 0 and "cchc ingest --incremental" in dry.stdout
    for unit in ("crontab", "cchc-nightly.service"):
        assert "cchc ingest --incremental" in (ROOT / "deploy" / unit).read_text(encoding="utf-8")
    timer = (ROOT / "deploy" / "cchc-nightly.timer").read_text(encoding="utf-8")
    assert "OnCalendar=" in timer and "Persistent=true" in timer
