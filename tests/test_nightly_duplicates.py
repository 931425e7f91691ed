"""One plan, one document: copies found by their bytes or by their task rows, decided the same way every
night (the file already ingested keeps its place), and a copy with a sidecar of its own is a document."""
from __future__ import annotations

import shutil

import pytest

from parsers.textutil.legacy import unicode_to_tcvn3
from pipeline.batch.duplicates import is_copy, keep_order
from pipeline.batch.manifest import Entry
from tests.conftest import REAL, seed_path
from tests.test_nightly import consistent, light_views, put_seed, query, run  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("light_views")

PAIR = ("lamdong-kh-cchc-2026-2030.docx", "lamdong-kh-cchc-2026-2030.rendered.pdf")
DRAFT = "lamdong-kh-cchc-2026-2030-du-thao.docx"


def docs(tmp) -> list[tuple]:
    return query(tmp / "cchc.duckdb", "SELECT source_file, doc_id, task_count, province FROM documents ORDER BY 1")


def dups(report) -> dict[str, str]:
    return {f.source_file: f.error for f in report.failures if f.error_type == "Duplicate"}


def test_three_copies_the_one_ingested_keeps_its_place_and_a_sidecar_makes_a_document(tmp_path):
    raw = tmp_path / "raw"
    put_seed(raw, "000", "ke-hoach.txt")
    run(tmp_path)
    yesterday = docs(tmp_path)
    put_seed(raw, "000", "KE-HOACH.txt")                  # a new upper-case copy: sorts first by bytes
    put_seed(raw, "000", "ban-sao-ha-tinh.txt")           # a copy with its own sidecar that says more
    (raw / "ban-sao-ha-tinh.txt.meta.toml").write_text('province = "Hà Tĩnh"\n', encoding="utf-8")
    report = run(tmp_path)
    assert dups(report) == {"KE-HOACH.txt": "KE-HOACH.txt: same content as ke-hoach.txt (kept once, under"
                                            " ke-hoach.txt)"}
    now = docs(tmp_path)
    assert yesterday[0] in now                             # yesterday's document: same doc_id, same place
    copy = next(d for d in now if d[0] == "ban-sao-ha-tinh.txt")
    assert copy[1] != yesterday[0][1] and copy[2:] == (24, "Hà Tĩnh")    # a document of its own, own doc_id
    assert len(now) == 2 and consistent(tmp_path / "cchc.duckdb")
    assert query(tmp_path / "cchc.duckdb", "SELECT count(*) FROM tasks") == [(48,)]
    again = run(tmp_path)                                  # stable: decided the same way the next night
    assert again.record.wrote_snapshot is False and docs(tmp_path) == now and again.failed_now == []


def test_a_copy_whose_sidecar_says_the_same_is_a_duplicate(tmp_path):
    raw = tmp_path / "raw"
    for name in ("a.txt", "b.txt"):
        put_seed(raw, "000", name)
        (raw / f"{name}.meta.toml").write_text('province = "Hà Tĩnh"  # ' + name + "\n", encoding="utf-8")
    report = run(tmp_path)
    assert list(dups(report)) == ["b.txt"] and [d[0] for d in docs(tmp_path)] == ["a.txt"]


def test_the_same_plan_re_encoded_is_a_duplicate(tmp_path):
    put_seed(tmp_path / "raw", "000", "a-unicode.txt")
    text = seed_path("000").read_text(encoding="utf-8").replace("–", "-")
    (tmp_path / "raw" / "b-tcvn3.txt").write_bytes(unicode_to_tcvn3(text).encode("latin-1"))
    report = run(tmp_path)
    assert dups(report) == {"b-tcvn3.txt": "b-tcvn3.txt: the same plan as a-unicode.txt (its 24 task rows read the"
                                           " same: kept once, under a-unicode.txt)"}


def real_files(tmp_path, *names):
    for name in names:
        if not (REAL / name).exists():
            pytest.skip(f"shared real files not found at {REAL}")
        (tmp_path / "raw").mkdir(exist_ok=True)
        shutil.copy(REAL / name, tmp_path / "raw" / name)  # read in place elsewhere; a tmp copy for the batch


def test_a_docx_and_its_pdf_rendition_are_one_plan(tmp_path):
    real_files(tmp_path, *PAIR)
    report = run(tmp_path)
    assert [d[0] for d in docs(tmp_path)] == [PAIR[0]]     # the DOCX, the source, kept
    assert dups(report) == {PAIR[1]: f"{PAIR[1]}: the same plan as {PAIR[0]} (its 107 task rows read the same:"
                                     f" kept once, under {PAIR[0]})"}
    assert query(tmp_path / "cchc.duckdb", "SELECT count(*) FROM tasks") == [(107,)]   # no count doubles


def test_the_pdf_ingested_first_keeps_its_place(tmp_path):
    real_files(tmp_path, PAIR[1])
    run(tmp_path)
    real_files(tmp_path, PAIR[0])
    report = run(tmp_path)
    assert [d[0] for d in docs(tmp_path)] == [PAIR[1]] and list(dups(report)) == [PAIR[0]]


def test_a_draft_and_its_final_are_two_documents(tmp_path):
    real_files(tmp_path, PAIR[0], DRAFT)
    report = run(tmp_path)
    assert dups(report) == {} and [d[0] for d in docs(tmp_path)] == [DRAFT, PAIR[0]]


def entry(sha="s1", rows="r1", sidecar=None, **meta) -> Entry:
    fields = {"issuer": "Sở Nội vụ", "province": None, "plan_year": 2026, "plan_period": "2026", "plan_number": None}
    return Entry(1, 1, sha, "ok", sidecar=sidecar, doc_id=sha, rows=3, rows_key=rows, meta={**fields, **meta})


SIDE = {"size": 1, "mtime_ns": 1, "sha256": "x"}
COPIES = [
    # later, kept, is it a copy?
    (entry(), entry(), True),                                         # same bytes
    (entry(sha="s2"), entry(), True),                                 # same rows, another file
    (entry(sha="s2", rows="r2"), entry(), False),                     # other rows: a version, not a copy
    (entry(sha="s2", issuer="Sở Tư pháp"), entry(), False),          # same rows, another issuer
    (entry(sha="s2", province="Hà Tĩnh"), entry(), True),            # says more, contradicts nothing
    (entry(sidecar=SIDE, province="Hà Tĩnh"), entry(), False),       # its own sidecar says something else
    (entry(sidecar=SIDE), entry(sidecar=SIDE), True),                # its sidecar says the same
    (entry(issuer="Sở Tư pháp"), entry(), True),                     # same bytes, no sidecar: the same file
]


@pytest.mark.parametrize("later, kept, copy", COPIES, ids=[str(i) for i in range(len(COPIES))])
def test_is_copy(later, kept, copy):
    assert is_copy(later, kept) is copy


def test_keep_order_prefers_the_ingested_then_the_first_seen_then_docx():
    new, old = entry(), entry()
    new.first_seen_at, old.first_seen_at = "2026-02-01", "2026-01-01"
    ranked = sorted([("b.pdf", new, None), ("a.pdf", old, None), ("c.docx", new, None), ("z.txt", new, entry())],
                    key=lambda t: keep_order(*t))
    assert [r[0] for r in ranked] == ["z.txt", "a.pdf", "c.docx", "b.pdf"]


def test_the_worker_fingerprints_the_rows_as_the_parent_would(tmp_path):
    # the rows' fingerprint is taken where the file is read (on every core); a copy is found by it all the same
    from datetime import UTC, datetime

    from pipeline.batch import workers
    from pipeline.batch.assemble import entry_from
    from pipeline.batch.duplicates import rows_key

    plan = put_seed(tmp_path / "raw", "000")
    item = workers.WorkItem(str(plan), str(tmp_path / "raw"), plan.name, None, None, True, datetime.now(UTC))
    result = workers.work(item)
    assert result.outcome == "ok" and result.tasks.num_rows > 0
    assert result.rows_key == rows_key(result.tasks)
    assert entry_from(result, None, "2026-12-03T00:00:00+00:00", "v").rows_key == result.rows_key
