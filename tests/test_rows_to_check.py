"""Never silent: every fallback is a document warning, and the view `rows_to_check` lists what to check.

A small plan (built here, tab-separated) whose task table has columns no synonym names, whose
issuer nothing names, and whose rows lack a lead, an area or a deadline, is ingested with the
real conclusion notice of Lâm Đồng (../shared/real, read in place).
"""
from __future__ import annotations

import shutil

import duckdb
import pytest

from pipeline.batch.process import process_file
from pipeline.batch.run import ingest
from tests.conftest import REAL

# No letterhead, no "của …": the issuer is unknown. Columns: "Cán bộ được giao" (staff names → chủ trì),
# "Hạn chót" (dates → thời gian), "Địa điểm" (nothing to read → kept as extra). Row 3 has no one, row 2
# no date; none is under a CCHC area.
PLAN = "\n".join([
    "KẾ HOẠCH", "Tổ chức hội nghị tập huấn năm 2026", "",
    "STT\tNội dung công việc\tCán bộ được giao\tHạn chót\tĐịa điểm",
    "1\tChuẩn bị tài liệu hội nghị\tĐỗ Mạnh Cường\t15/3/2026\tPhòng họp 2",
    "2\tGửi giấy mời các đơn vị\tVũ Việt Linh\t\tVăn phòng",
    "3\tTổng hợp ý kiến sau hội nghị\t\tQuý II/2026\tHội trường A", ""])


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    raw = tmp_path_factory.mktemp("check") / "raw"
    raw.mkdir()
    (raw / "hoi-nghi.txt").write_text(PLAN, encoding="utf-8")
    return raw / "hoi-nghi.txt"


def test_every_fallback_is_a_document_or_row_warning(plan_file):
    result = process_file(plan_file, plan_file.parent)
    assert result.document.warnings == [
        "table 0: column 'Cán bộ được giao' read as lead from its cells (header not recognised)",
        "table 0: column 'Hạn chót' read as timeline from its cells (header not recognised)",
        "table 0: column 'Địa điểm' kept in extra (header not recognised)",
        "issuer unknown: no letterhead, 'của …' line or sidecar names it"]
    rows = result.tasks
    assert [r.leads for r in rows] == [["Đỗ Mạnh Cường"], ["Vũ Việt Linh"], []]
    assert [r.extra for r in rows] == [{"Địa điểm": "Phòng họp 2"}, {"Địa điểm": "Văn phòng"},
                                      {"Địa điểm": "Hội trường A"}]


@pytest.fixture(scope="module")
def checked_db(plan_file):
    notice = REAL / "lamdong-tb-ketluan-hoinghi-cchc-2026.docx"
    if not notice.exists():
        pytest.skip(f"real file {notice.name} not found in {REAL}")
    raw = plan_file.parent
    shutil.copy(notice, raw / notice.name)
    out = raw.parent
    report = ingest(raw, out / "normalized", out / "cchc.duckdb")
    assert report.failures == []
    con = duckdb.connect(str(out / "cchc.duckdb"), read_only=True)
    yield con
    con.close()


def test_rows_to_check_counts_each_gap_per_document(checked_db):
    got = checked_db.execute("select source_file, reason, rows, document_rows, first_row_nos, document_warnings"
                             " from rows_to_check order by all").fetchall()
    assert got == [
        ("hoi-nghi.txt", "no area", 3, 3, [1, 2, 3], 4),
        ("hoi-nghi.txt", "no deadline", 1, 3, [2], 4),
        ("hoi-nghi.txt", "no lead", 1, 3, [3], 4),
        # the notice: items of "7. Trách nhiệm của …" and "III. TỔ CHỨC THỰC HIỆN" have no area; 18 of its
        # 23 items state no deadline of their own (five do: hằng tuần ×2, tháng 02/2026, hằng tháng ×2)
        ("lamdong-tb-ketluan-hoinghi-cchc-2026.docx", "no area", 6, 23, [18, 19, 20, 21, 22, 23], 0),
        ("lamdong-tb-ketluan-hoinghi-cchc-2026.docx", "no deadline", 18, 23,
         [1, 2, 3, 6, 7, 8, 9, 10, 11, 12], 0),
    ]


def test_the_extra_column_reaches_the_database(checked_db):
    got = checked_db.execute("select extra['Địa điểm'] from tasks t join documents d using (doc_id)"
                             " where d.source_file = 'hoi-nghi.txt' order by row_no").fetchall()
    assert got == [("Phòng họp 2",), ("Văn phòng",), ("Hội trường A",)]
