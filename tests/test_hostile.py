"""Hostile files under a real 2 GB memory limit, as the nightly unit runs (MemoryMax=2G): one bomb costs its file.

The files come from tests/fixtures/hostile/build.py, written into a temporary folder. Each run is
`cchc ingest --incremental --jobs 2` in a memory cgroup of 2 GB (RLIMIT_AS where no cgroup can be
made), with good plans beside the bombs: exit 3, the good plans in, every bomb quarantined with
its reason; the next night exit 0 without opening one of them.
"""
from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, seed_path
from tests.memory_limit import NO_CGROUP, cgroup_available, run_limited
from tests.test_nightly import query

LIMIT = 2 * 1024 ** 3
needs_cgroup = pytest.mark.skipif(not cgroup_available(), reason=NO_CGROUP)
_spec = importlib.util.spec_from_file_location("hostile_fixtures", FIXTURES / "hostile" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

REASONS = {                                        # what the quarantine says of each, by design (not the wall)
    "gridspan.docx": "a row 30,000,000 columns wide",
    "gridbefore.docx": "a row 30,000,000 columns wide",
    "wide-table.docx": "columns wide (Word allows 63): refused",
    "lying-zip.docx": "word/document.xml does not inflate to what its zip header declares (2,048 bytes)",
    "lying-styles.docx": "word/styles.xml does not inflate to what its zip header declares",
    "huge-xml.docx": "word/document.xml inflates past 32 MB of XML",
    "deep-xml.docx": "XML nested more than 256 levels deep",
    "nested-tables.docx": "XML nested more than 256 levels deep",
    "stream-bomb.pdf": "page 1: too big to read: its content inflates past 16 MB",
    "form-bomb.pdf": "page 1: too big to read: its content inflates past 16 MB",
    "operator-bomb.pdf": "page 1: too big to read: draws more than 200,000 operators on one page",
    "deep-forms.pdf": "forms drawn inside forms more than 16 deep",
}
GOOD = {"good.txt": 24, "good.docx": 3, "good.pdf": 30}


def inflated_size(data: bytes, wbits: int, stop: int) -> int:
    """Return how many bytes raw or zlib data inflates to, counting in chunks and stopping past `stop`."""
    inflater, total = zlib.decompressobj(wbits), 0
    while data and total <= stop:
        total += len(inflater.decompress(data, 1 << 24))
        data = inflater.unconsumed_tail
    return total


def test_the_bombs_are_what_they_claim(tmp_path):
    assert set(build.ALL) == set(REASONS)
    assert len(build.gridspan_docx()) < 4096
    lying = build.lying_part_docx()
    with zipfile.ZipFile(io.BytesIO(lying)) as zf:
        info = zf.getinfo("word/document.xml")
        assert info.file_size == 2048
        raw = lying[info.header_offset + 30 + len(info.filename): info.header_offset + 30 + len(info.filename)
                    + info.compress_size]
    assert len(lying) < 4 * 2**20 and inflated_size(raw, -15, 1800 * 2**20) > 1800 * 2**20
    stream = build.stream_bomb_pdf()
    body = stream[stream.index(b"stream\n") + 7: stream.rindex(b"\nendstream")]
    assert len(stream) < 3 * 2**20 and inflated_size(body, 15, 2**30) >= 2**30
    ops = build.operator_bomb_pdf()
    content = zlib.decompress(ops[ops.index(b"stream\n") + 7: ops.rindex(b"\nendstream")])
    from parsers.pdf.limits import OPERATOR

    assert len(ops) < 128 * 1024 and sum(1 for _ in OPERATOR.finditer(content)) >= 3_000_000
    huge = build.huge_xml_docx(tmp_path / "huge.docx")
    with zipfile.ZipFile(huge) as zf:
        assert zf.getinfo("word/document.xml").file_size >= 190 * 2**20 and zf.testzip() is None


def corpus(raw: Path) -> None:
    """The bombs, and a good plan of each kind beside them."""
    build.write_all(raw)
    shutil.copy(seed_path("000"), raw / "good.txt")
    (raw / "good.docx").write_bytes(build.good_docx())
    shutil.copy(FIXTURES / "pdf" / "001.pdf", raw / "good.pdf")     # not 000: the same rows would be kept once


def nightly(tmp: Path):
    return run_limited([sys.executable, "-m", "pipeline.cli", "ingest", "--incremental", "--jobs", "2",
                        "--raw", str(tmp / "raw"), "--out", str(tmp / "normalized"), "--db", str(tmp / "cchc.duckdb")],
                       LIMIT, timeout=600, cwd=ROOT)


def last_run(tmp: Path) -> dict:
    return json.loads((tmp / "normalized" / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])


@needs_cgroup
def test_every_bomb_beside_good_files_under_a_2_gb_limit(tmp_path):
    corpus(tmp_path / "raw")
    first = nightly(tmp_path)
    assert first.returncode == 3, first.stderr[-3000:]
    print(f"first run under 2 GB ({first.how}): {first.seconds:.1f} s, peak {first.peak_mb} MB,"
          f" OOM kills {first.oom_kills}")
    assert not first.oom_kills, "the kernel had to kill something: a cap is missing"
    failed = [line.split()[1].rstrip(":,") for line in first.stdout.splitlines() if line.startswith("FAILED")]
    assert sorted(Path(f).name for f in failed) == sorted(REASONS)
    db = tmp_path / "cchc.duckdb"
    assert dict(query(db, "select source_file, task_count from documents")) == GOOD
    reasons = dict(query(db, "select source_file, error from failures"))
    for name, says in REASONS.items():
        assert says in reasons[name] and name in reasons[name] and "\n" not in reasons[name], reasons[name]

    again = nightly(tmp_path)                       # the next night: nothing new, the bombs left alone
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    record = last_run(tmp_path)
    assert (record["new"], record["changed"], record["failed"], record["reparsed"]) == (0, 0, 0, 0)
    assert record["unchanged"] == len(REASONS) + len(GOOD) and record["wrote_snapshot"] is False
    assert record["quarantined"] == len(REASONS)


HOGS = """
import sys
from datetime import UTC, datetime
from pipeline.batch import workers
from pipeline.batch.runlog import Console
from tests import hostile_work
raw = sys.argv[1]
names = sys.argv[2:]
items = [workers.WorkItem(f"{raw}/{n}", raw, n, None, None, True, datetime.now(UTC)) for n in names]
for rel, r in sorted(workers.parse_all(items, 2, Console(enabled=False), fn=hostile_work.misbehave).items()):
    print(rel, r.outcome, r.error_type, r.error, sep="\\t")
"""


@needs_cgroup
def test_two_memory_hogs_at_once_under_a_2_gb_limit_cost_only_their_files(tmp_path):
    """The wall alone (no cap by design sees it coming): each hog wants 4 GiB; the cap, fitted so that both
    workers at their cap and the run stay under the limit, refuses it before the kernel has to kill anything."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("hog-1.txt", "hog-2.txt", "a.txt", "b.txt"):
        shutil.copy(seed_path("000"), raw / name)
    out = run_limited([sys.executable, "-c", HOGS, str(raw), "hog-1.txt", "hog-2.txt", "a.txt", "b.txt"], LIMIT,
                      timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in out.stdout.splitlines()}
    assert rows["a.txt"][0] == rows["b.txt"][0] == "ok"
    for hog in ("hog-1.txt", "hog-2.txt"):
        assert rows[hog][:2] == ["failed", "TooBig"] and re.search(r"needs more than \d+ MiB to read: refused$",
                                                                   rows[hog][2]), rows[hog]
    print(f"two hogs under 2 GB ({out.how}): {out.seconds:.1f} s, peak {out.peak_mb} MB, OOM kills {out.oom_kills};"
          f" {rows['hog-1.txt'][2].rsplit(': ', 2)[1]}")
    assert out.oom_kills == 0 and out.peak_mb < LIMIT / 2**20


if __name__ == "__main__":
    pytest.main([__file__, "-s"])
