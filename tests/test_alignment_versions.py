"""Versions of one plan (sql/staging/14*, sql/intermediate/27, sql/marts/38_plan_changes, alignment/versions.py): a
draft and its final lined up row to row; only the newest version is compared with its framework."""
from __future__ import annotations

import shutil
from datetime import date

import duckdb
import numpy as np
import pytest

from pipeline.batch.process import process_file
from pipeline.batch.run import ingest
from pipeline.database.alignment.versions import greedy_pairs
from pipeline.fields.sidecar import read_sidecar
from tests.conftest import REAL, ROOT
from tests.test_alignment import document, write_plans

DRAFT = "lamdong-kh-cchc-2026-2030-du-thao.docx"
FINAL = "lamdong-kh-cchc-2026-2030.docx"
# Counted by hand (python-docx, word by word): every edit from the draft to the final is "đảm bảo" → "bảo đảm".
# In the phụ lục the text of rows 8, 9, 10, 18, 26, 28, 33, 34 and 54 changed (e.g. row 18 "Rà soát, đảm bảo cơ
# cấu số lượng lãnh đạo…"), and the sản phẩm of rows 18, 34 and 36 (row 36 "Báo cáo kết quả sử dụng định kỳ;
# đảm bảo 100% văn bản…" is its only change); the body repeats the phụ lục as bullets and changed in rows 67,
# 68, 69, 74, 76, 84, 86, 91, 92, 102 and 107. No row was added or removed (107 rows each); every row keeps its place.
TEXT_CHANGED = {"appendix": [8, 9, 10, 18, 26, 28, 33, 34, 54],
                "body": [67, 68, 69, 74, 76, 84, 86, 91, 92, 102, 107]}
PRODUCT_CHANGED = [18, 34, 36]


@pytest.fixture(scope="module")
def lam_dong(tmp_path_factory):
    if not (REAL / DRAFT).exists():
        pytest.skip(f"real files not found at {REAL}")
    tmp = tmp_path_factory.mktemp("versions")
    (tmp / "raw").mkdir()
    for name in (DRAFT, FINAL):
        shutil.copy(REAL / name, tmp / "raw" / name)
    ingest(tmp / "raw", tmp / "normalized", tmp / "cchc.duckdb")
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    yield con
    con.close()


def test_the_draft_and_the_final_are_two_versions_of_one_plan(lam_dong):
    assert lam_dong.execute("""
        SELECT o.source_file, n.source_file, v.matched_by FROM stg_plan_versions v
        JOIN documents o ON o.doc_id = v.older_doc_id JOIN documents n ON n.doc_id = v.newer_doc_id""").fetchall() \
        == [(DRAFT, FINAL, "title")]
    assert lam_dong.execute("""
        SELECT d.source_file, v.superseded FROM stg_document_versions v JOIN documents d USING (doc_id)
        ORDER BY 1""").fetchall() == [(DRAFT, True), (FINAL, False)]


def test_plan_changes_lists_every_row_whose_text_differs(lam_dong):
    rows = lam_dong.execute("""
        SELECT source_part, older_row_no, newer_row_no, change, what_changed FROM plan_changes
        ORDER BY newer_row_no""").fetchall()
    text = {part: [n for p, o, n, c, w in rows if p == part and "text" in w] for part in TEXT_CHANGED}
    assert text == TEXT_CHANGED
    assert [n for _, _, n, _, w in rows if "product" in w] == PRODUCT_CHANGED
    assert {c for _, _, _, c, _ in rows} == {"changed"}                      # none added, none removed
    assert all(o == n for _, o, n, _, _ in rows)
    assert all(set(w) <= {"text", "product"} for *_, w in rows)              # deadlines and leads unchanged
    assert len(rows) == 21
    changed = lam_dong.execute("""
        SELECT older_content, newer_content FROM plan_changes WHERE newer_row_no = 18""").fetchone()
    assert "đảm bảo cơ cấu" in changed[0] and "bảo đảm cơ cấu" in changed[1]


# ---------------------------------------------------------------- small plans built here


def rows(doc_id: str, specs) -> list[dict]:
    return [{"doc_id": doc_id, "row_no": i, "source_part": "appendix", "area_code": 1, "stt": str(i),
             "content": text, "due_end": due, "leads": leads}
            for i, (text, due, leads) in enumerate(specs, 1)]


FRAMEWORK = [{"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 1, "task": "Ban hành kế hoạch "
              "kiểm tra công tác cải cách hành chính", "task_code": "2.1", "task_codes": ["2.1"],
              "content": "Ban hành kế hoạch kiểm tra", "leads": ["Sở Nội vụ"]}]
OLD = [("Ban hành kế hoạch kiểm tra công tác cải cách hành chính năm 2026", date(2026, 3, 31), ["Sở Nội vụ"]),
       ("Tổ chức tập huấn nghiệp vụ cho công chức làm công tác văn thư", date(2026, 6, 30), ["Sở Nội vụ"]),
       ("Rà soát thủ tục hành chính nội bộ của Sở", date(2026, 9, 30), ["Sở Nội vụ"])]
NEW = [("Tổ chức tập huấn nghiệp vụ cho công chức làm công tác văn thư", date(2026, 9, 30), ["Sở Nội vụ"]),
       ("Ban hành kế hoạch kiểm tra công tác cải cách hành chính năm 2026", date(2026, 3, 31), ["Văn phòng Sở"]),
       ("Số hóa hồ sơ lưu trữ của cơ quan", date(2026, 12, 31), ["Sở Nội vụ"])]


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sidecar_versions")
    docs = [document("fw", "UBND tỉnh Hà Tĩnh", "province"),
            document("old", "Sở Nội vụ", "department", title="Kế hoạch CCHC năm 2026"),
            document("new", "Sở Nội vụ", "department", title="Kế hoạch CCHC năm 2026 (sửa đổi)",
                     supersedes="old.txt")]
    con = write_plans(folder, docs, FRAMEWORK + rows("old", OLD) + rows("new", NEW))
    yield con
    con.close()


def test_a_sidecar_names_the_version_it_replaces(versions):
    assert versions.execute("SELECT older_doc_id, newer_doc_id, matched_by FROM stg_plan_versions").fetchall() == \
        [("old", "new", "sidecar")]


def test_only_the_newest_version_is_compared_with_its_framework(versions):
    assert versions.execute("SELECT department_doc_id FROM stg_plan_frameworks").fetchall() == [("new",)]
    assert {r[0] for r in versions.execute("SELECT department_doc_id FROM alignment").fetchall()} == {"new"}
    assert {r[0] for r in versions.execute("SELECT department_doc_id FROM coverage").fetchall()} == {"new"}


def test_rows_are_lined_up_wherever_they_moved(versions):
    changes = versions.execute("""
        SELECT change, older_row_no, newer_row_no, what_changed FROM plan_changes
        ORDER BY coalesce(newer_row_no, 99), older_row_no""").fetchall()
    assert changes == [
        ("changed", 2, 1, ["deadline"]),      # moved up, due later
        ("changed", 1, 2, ["lead"]),          # chủ trì now the Sở's office
        ("added", None, 3, []),
        ("removed", 3, None, []),
    ]


def test_pairs_are_one_to_one_most_similar_first():
    score = np.array([[0.9, 0.8], [0.85, 0.1]])
    allowed = score >= 0.5
    assert greedy_pairs(score, allowed, np.array([1, 2]), np.array([1, 2])) == [(0, 0)]
    assert greedy_pairs(score, np.ones((2, 2), bool), np.array([1, 2]), np.array([1, 2])) == [(0, 0), (1, 1)]


def test_the_supersedes_key_of_a_sidecar_reaches_the_document(tmp_path):
    plan = tmp_path / "ke-hoach.txt"
    shutil.copy(ROOT / "data" / "raw" / "so-ngoai-vu-2026-phu-luc.txt", plan)
    (tmp_path / "ke-hoach.txt.meta.toml").write_text('supersedes = "ke-hoach-du-thao.doc"\n', encoding="utf-8")
    assert read_sidecar(plan) == {"supersedes": "ke-hoach-du-thao.doc"}
    assert process_file(plan, tmp_path).document.supersedes == "ke-hoach-du-thao.doc"
