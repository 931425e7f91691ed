"""`cchc parse` and `cchc ingest` as a user runs them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import ROOT, hear_ctrl_c, seed_path

README_LIKE = """# Walking skeleton: the five seed plans → one Parquet schema → DuckDB

Start here: every other issue builds on this path. Analysts need one command that turns plan files
into tables they can query.

## Build
1. **Project**: `pyproject.toml` (Python ≥ 3.11; python-docx, pdfplumber, pandas), console script `cchc`.
2. **Sample data**: the five seed texts under `data/raw/`.
- Headers recognised by synonyms, accent- and case-insensitive: STT/TT, nội dung, chủ trì, phối hợp.
"""


def cchc(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_parse_prints_json_lines(tmp_path):
    out = cchc("parse", str(seed_path("000")))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 24 and rows[0]["content"] == "Ban hành Kế hoạch CCHC năm 2026"


def test_parse_of_a_readme_is_a_one_line_error(tmp_path):
    readme = tmp_path / "README-like.txt"
    readme.write_text(README_LIKE, encoding="utf-8")
    out = cchc("parse", str(readme))
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "README-like.txt" in lines[0] and "not a plan" in lines[0]
    assert out.stdout == ""


def test_parse_missing_file(tmp_path):
    out = cchc("parse", str(tmp_path / "nope.txt"))
    assert out.returncode != 0 and "nope.txt" in out.stderr


def test_ingest_records_bad_files_and_keeps_going(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "so ngoại vụ 2026.txt").write_bytes(seed_path("000").read_bytes())
    (raw / "notes.txt").write_text(README_LIKE, encoding="utf-8")
    (raw / "junk.docx").write_bytes(b"\x00\x01garbage")
    out_dir, db = tmp_path / "normalized", tmp_path / "cchc.duckdb"
    out = cchc("ingest", "--raw", str(raw), "--out", str(out_dir), "--db", str(db))
    assert out.returncode == 3, out.stderr
    assert "FAILED" in out.stdout and "notes.txt" in out.stdout and "junk.docx" in out.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from tasks").fetchone()[0] == 24
    assert con.execute("select source_file from documents").fetchall() == [("so ngoại vụ 2026.txt",)]
    failed = dict(con.execute("select source_file, error from failures").fetchall())
    assert set(failed) == {"notes.txt", "junk.docx"}
    assert "not a plan" in failed["notes.txt"] and "not a DOCX file" in failed["junk.docx"]


def test_ingest_without_raw_folder(tmp_path):
    out = cchc("ingest", "--raw", str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
               "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 4 and "missing" in out.stderr


def test_a_file_that_is_not_a_plan_is_skipped_and_the_run_is_ok(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "plan.txt").write_bytes(seed_path("000").read_bytes())
    (raw / "notes.txt").write_text(README_LIKE, encoding="utf-8")
    db = tmp_path / "cchc.duckdb"
    out = cchc("ingest", "--raw", str(raw), "--out", str(tmp_path / "normalized"), "--db", str(db))
    assert out.returncode == 0, out.stdout + out.stderr
    skipped = [line for line in out.stdout.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "notes.txt" in skipped[0] and "not a plan" in skipped[0]
    assert "FAILED" not in out.stdout and "1 not a plan (skipped)" in out.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select source_file, error_type from failures").fetchall() == [("notes.txt", "NotAPlan")]
    assert con.execute("select status, exit_code, failed from runs").fetchall() == [("ok", 0, 0)]


def test_help_names_every_default_and_the_exit_codes():
    out = cchc("ingest", "--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    for default in ("(default: data/raw)", "(default: data/normalized)", "(default: data/cchc.duckdb)",
                    "default: the cores available", "default CCHC_DB_WAIT or 60"):
        assert default in text, default
    for code in ("0 the run went through", "3 some files could not be read", "4 the run itself failed",
                 "5 another run holds the lock", "130 interrupted (Ctrl-C), 143 stopped by SIGTERM"):
        assert code in text, code
    for command in ("parse", "export", "report"):
        helped = " ".join(cchc(command, "--help").stdout.split())
        assert "exit codes" in helped and "0 " in helped, command
    assert "(default: data/exports)" in " ".join(cchc("export", "--help").stdout.split())


def test_a_run_stopped_by_ctrl_c_or_sigterm_says_one_line_and_is_logged(tmp_path):
    import signal
    import time

    from tests.test_nightly import corpus

    raw = tmp_path / "raw"
    corpus(raw, 150)                                       # enough distinct plans to be caught mid-run
    out_dir = tmp_path / "normalized"
    for lines, (sig, code, said) in enumerate(((signal.SIGINT, 130, "interrupted (Ctrl-C)"),
                                               (signal.SIGTERM, 143, "stopped by SIGTERM")), start=1):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", "--jobs", "1", "--raw", str(raw),
                                 "--out", str(out_dir), "--db", str(tmp_path / "cchc.duckdb")], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=hear_ctrl_c)
        log = out_dir / "runs.jsonl"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (log.exists() and log.read_text().count("\n") >= lines):
            time.sleep(0.05)                               # the run has started: its "running" line is there
        time.sleep(0.3)
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == code, stdout + stderr
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
        assert "nothing changed" in stderr
        last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
        assert (last["status"], last["exit_code"], last["error"]) == ("interrupted", code, said)
    assert not (tmp_path / "cchc.duckdb").exists()         # nothing was committed by either run


def test_the_runs_table_is_brought_up_to_date_by_a_run_that_rebuilds_nothing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "plan.txt").write_bytes(seed_path("000").read_bytes())
    args = ("ingest", "--incremental", "--raw", str(raw), "--out", str(tmp_path / "normalized"),
            "--db", str(tmp_path / "cchc.duckdb"))
    assert cchc(*args).returncode == 0
    con = duckdb.connect(str(tmp_path / "cchc.duckdb"), read_only=True)
    built = con.execute("select built_at from cchc_meta.build").fetchall()
    con.close()
    again = cchc(*args)
    assert again.returncode == 0 and "nothing rewritten" in again.stdout
    con = duckdb.connect(str(tmp_path / "cchc.duckdb"), read_only=True)
    assert con.execute("select built_at from cchc_meta.build").fetchall() == built      # not rebuilt
    assert con.execute("select status, new, unchanged from runs order by started_at").fetchall() == \
        [("ok", 1, 0), ("ok", 0, 1)]


def test_cchc_parse_never_loads_the_database_or_parquet_libraries():
    code = ("import sys, contextlib, io\nfrom pipeline.cli.main import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['parse', {str(seed_path('000'))!r}])\n"
            "print(sorted(m for m in ('duckdb', 'pyarrow', 'pandas', 'scipy', 'cv2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
