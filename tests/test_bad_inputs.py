"""Bad input never costs the good files or yesterday's data.

Each case: yesterday's run ingested two plans; tonight the folder also holds the bad file and
one new good plan. The batch must finish, take the new plan in, record the bad file with a
reason naming it, and leave yesterday's two plans exactly as they were (rows, doc_id, ingested_at).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline.batch.manifest
import pipeline.batch.workers
from parsers import registry
from parsers.textutil.legacy import unicode_to_tcvn3, unicode_to_vni
from pipeline.batch import run as batch_run
from tests.conftest import FIXTURES, ROOT, seed_path
from tests.test_nightly import consistent, light_views, put_seed, query, run  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("light_views")

BAD = FIXTURES / "bad"
_spec = importlib.util.spec_from_file_location("bad_fixtures", BAD / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def yesterday(tmp: Path) -> list[tuple]:
    """Ingest two plans (yesterday's run); return their rows as an analyst sees them."""
    put_seed(tmp / "raw", "000")
    put_seed(tmp / "raw", "004")
    assert run(tmp).failures == []
    return seen(tmp)


def seen(tmp: Path) -> list[tuple]:
    return query(tmp / "cchc.duckdb", """select d.source_file, d.doc_id, d.ingested_at::varchar, t.row_no, t.content
                 from documents d join tasks t using (doc_id)
                 where d.source_file in ('plan-000.txt', 'plan-004.txt') order by 1, 4""")


def tonight(tmp: Path, **kw):
    """Add tonight's good plan and run; return the report."""
    put_seed(tmp / "raw", "001", "new plan.txt")
    return run(tmp, **kw)


def check(tmp: Path, before: list[tuple], report, bad: str) -> str:
    """Assert the batch went as it must; return the bad file's recorded reason."""
    assert seen(tmp) == before, "yesterday's data changed"
    documents = [r[0] for r in query(tmp / "cchc.duckdb", "select source_file from documents order by 1")]
    assert documents == ["new plan.txt", "plan-000.txt", "plan-004.txt"]
    failures = dict(query(tmp / "cchc.duckdb", "select source_file, error from failures"))
    assert list(failures) == [bad]
    reason = failures[bad]
    assert "\n" not in reason and Path(bad).name in reason, reason
    assert [f.source_file for f in report.failed_now + report.skipped_now] == [bad]   # not a plan: skipped
    assert consistent(tmp / "cchc.duckdb")
    return reason


FIXTURE_CASES = [
    # fixture, what the reason must say (any of; None: any reason the parser gives)
    ("empty.txt", ["empty file"]),
    ("junk.docx", ["not a DOCX file"]),
    ("junk.pdf", ["not a PDF file"]),
    ("junk.txt", ["binary data"]),
    ("truncated.docx", ["truncated", "damaged", "not supported"]),
    ("bomb.docx", ["zip bomb"]),
    ("encrypted.pdf", None),          # the PDF parser's own words (or "not supported yet" without one)
    ("zero-pages.pdf", None),
    ("no-table.txt", ["not a plan"]),
]


@pytest.mark.parametrize("fixture, says", FIXTURE_CASES, ids=[c[0] for c in FIXTURE_CASES])
def test_bad_fixture(tmp_path, fixture, says):
    before = yesterday(tmp_path)
    shutil.copy(BAD / fixture, tmp_path / "raw" / fixture)
    reason = check(tmp_path, before, tonight(tmp_path), fixture)
    if says:
        assert any(s in reason for s in says), reason


def test_fixtures_are_what_they_claim():
    assert (BAD / "empty.txt").stat().st_size == 0
    assert build.bomb_docx() == (BAD / "bomb.docx").read_bytes()       # the builder makes the committed file
    assert (BAD / "bomb.docx").stat().st_size < 64 * 1024
    import zipfile

    with zipfile.ZipFile(BAD / "bomb.docx") as zf:
        assert zf.getinfo("word/document.xml").file_size > registry.BIG_MEMBER_BYTES
    assert (BAD / "encrypted.pdf").read_bytes() == build.encrypted_pdf()
    if shutil.which("pdftotext"):                                       # a real reader agrees on both PDFs
        locked = subprocess.run(["pdftotext", str(BAD / "encrypted.pdf"), "-"], capture_output=True, text=True)
        assert locked.returncode != 0 and "password" in locked.stderr.lower()
        opened = subprocess.run(["pdftotext", "-upw", "secret", str(BAD / "encrypted.pdf"), "-"],
                                capture_output=True, text=True)
        assert "KE HOACH" in opened.stdout
        empty = subprocess.run(["pdftotext", str(BAD / "zero-pages.pdf"), "-"], capture_output=True, text=True)
        assert "page" in empty.stderr.lower()


def test_zip_guard_on_the_total_size(tmp_path, monkeypatch):
    docx = tmp_path / "big.docx"
    docx.write_bytes(build.small_docx())
    assert registry.sniff(docx) == "docx"
    monkeypatch.setattr(registry, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(registry.Corrupt, match="zip bomb: its parts would inflate to"):
        registry.sniff(docx)


def test_50_mb_text_file(tmp_path):
    before = yesterday(tmp_path)
    build.big_text(tmp_path / "raw" / "dump.txt")
    reason = check(tmp_path, before, tonight(tmp_path), "dump.txt")
    assert "too large" in reason


def test_file_name_with_spaces_and_vietnamese(tmp_path):
    before = yesterday(tmp_path)
    name = "Kế hoạch CCHC năm 2026 (Sở Ngoại vụ) bản cuối.txt"
    put_seed(tmp_path / "raw", "002", name)
    report = tonight(tmp_path)
    assert report.failures == [] and seen(tmp_path) == before
    assert query(tmp_path / "cchc.duckdb", "select task_count from documents where source_file = ?", [name]) == [(42,)]
    assert run(tmp_path).record.unchanged == 4                          # and the manifest finds it again


def test_file_name_that_is_not_utf8(tmp_path):
    before = yesterday(tmp_path)
    raw = os.fsencode(tmp_path / "raw")
    with open(raw + b"/k\xea ho\xb9ch.txt", "wb") as fh:               # a TCVN3 name from an old Windows share
        fh.write(seed_path("002").read_bytes())
    reason = check(tmp_path, before, tonight(tmp_path), "k� ho�ch.txt")
    assert "not valid UTF-8" in reason
    again = run(tmp_path)                                                # quarantined, not failed anew
    assert again.failed_now == [] and again.record.wrote_snapshot is False


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway; see the simulated test below")
def test_unreadable_file(tmp_path):
    before = yesterday(tmp_path)
    locked = put_seed(tmp_path / "raw", "002", "locked.txt")
    locked.chmod(0)
    try:
        reason = check(tmp_path, before, tonight(tmp_path), "locked.txt")
    finally:
        locked.chmod(0o644)
    assert "permission denied" in reason


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    before = yesterday(tmp_path)
    put_seed(tmp_path / "raw", "002", "locked.txt")
    real_open = open

    def deny(path, *args, **kwargs):
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(pipeline.batch.manifest, "open", deny, raising=False)   # where a worker first reads a file
    monkeypatch.setattr(pipeline.batch.workers, "IN_PROCESS", True)            # … so read it in this process
    reason = check(tmp_path, before, tonight(tmp_path), "locked.txt")
    assert "permission denied" in reason


@pytest.mark.parametrize("when", ["after listing", "after planning"])
def test_file_removed_while_the_batch_runs(tmp_path, monkeypatch, when):
    before = yesterday(tmp_path)
    doomed = put_seed(tmp_path / "raw", "002", "doomed.txt")
    if when == "after listing":
        real = batch_run.discover

        def listing_then_delete(raw_dir):
            found = real(raw_dir)
            doomed.unlink()
            return found

        monkeypatch.setattr(batch_run, "discover", listing_then_delete)
    else:
        real = batch_run.make_plan

        def plan_then_delete(*args, **kwargs):
            plan = real(*args, **kwargs)
            doomed.unlink()
            return plan

        monkeypatch.setattr(batch_run, "make_plan", plan_then_delete)
    reason = check(tmp_path, before, tonight(tmp_path), "doomed.txt")
    assert "removed while the batch ran" in reason
    monkeypatch.undo()
    assert run(tmp_path).removed == ["doomed.txt"]                       # next night: simply gone


LEGACY = [("tcvn3", lambda text: unicode_to_tcvn3(text.replace("–", "-")).encode("latin-1")),
          ("vni", lambda text: unicode_to_vni(text).encode("cp1252"))]


@pytest.mark.parametrize("code, encode", LEGACY, ids=[c[0] for c in LEGACY])
def test_legacy_8bit_text_file(tmp_path, code, encode):
    before = yesterday(tmp_path)
    # read in a folder of its own: beside plan-000.txt (the same plan in UTF-8) it is that plan's duplicate
    legacy = tmp_path / "legacy"
    text = seed_path("000").read_text(encoding="utf-8")
    (legacy / "raw").mkdir(parents=True)
    (legacy / "raw" / f"so-ngoai-vu-{code}.txt").write_bytes(encode(text))
    report = tonight(legacy)
    assert report.failures == [] and seen(tmp_path) == before
    got = query(legacy / "cchc.duckdb", f"""select t.content from tasks t join documents d using (doc_id)
                where d.source_file = 'so-ngoai-vu-{code}.txt' order by row_no""")
    want = query(tmp_path / "cchc.duckdb", """select t.content from tasks t join documents d using (doc_id)
                 where d.source_file = 'plan-000.txt' order by row_no""")
    assert len(got) == len(want) == 24
    # TCVN3 (.VnTime) has no toned capitals: compare case-folded
    assert [g[0].lower().replace("–", "-") for g in got] == [w[0].lower().replace("–", "-") for w in want]


def test_every_bad_input_at_once_through_the_cli_in_parallel(tmp_path):
    """All of it in one nightly run with two worker processes, as cron would run it."""
    before = yesterday(tmp_path)
    for fixture, _ in FIXTURE_CASES:
        shutil.copy(BAD / fixture, tmp_path / "raw" / fixture)
    build.big_text(tmp_path / "raw" / "dump.txt")
    put_seed(tmp_path / "raw", "001", "new plan.txt")
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", "--incremental", "--jobs", "2",
                          "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "normalized"),
                          "--db", str(tmp_path / "cchc.duckdb")], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 3, out.stderr
    bad = sorted([f for f, _ in FIXTURE_CASES] + ["dump.txt"])
    assert sorted(line.split()[1] for line in out.stdout.splitlines() if line.startswith(("FAILED", "skipped"))) == \
        sorted(str(tmp_path / "raw" / f) + ":" for f in bad)
    assert [line.split()[1] for line in out.stdout.splitlines() if line.startswith("skipped")] == \
        [str(tmp_path / "raw" / "no-table.txt") + ":"]
    assert seen(tmp_path) == before
    assert [r[0] for r in query(tmp_path / "cchc.duckdb", "select source_file from failures order by 1")] == bad
    assert query(tmp_path / "cchc.duckdb", "select source_file from documents order by 1") == \
        [("new plan.txt",), ("plan-000.txt",), ("plan-004.txt",)]
