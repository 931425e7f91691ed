"""The real office files of issue 11 (../shared/real, read in place): what each must give, read off the document.

Counts are read off the documents by hand (see the comments), never computed. The .doc file
needs LibreOffice and is skipped without it. `test_every_real_file_has_a_line_in_the_table`
runs the table of tests/real_table.py over the whole folder.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import groupby

import pytest

from parsers import doc as doc_parser
from parsers.docx import parse_docx
from parsers.errors import NotAPlan
from pipeline.batch.process import process_file
from tests.conftest import REAL
from tests.real_table import real_table, render, warning_kind
from tests.test_docx_real import real

KETLUAN = "lamdong-tb-ketluan-hoinghi-cchc-2026.docx"
INSPECTION = "laocai-sct-kh2242-kiemtra-gcn-2026.docx"
DEAN08 = "laocai-sct-kh-dean08-2026-2030.docx"
REPORT_Q1 = "lamdong-bc-cchc-quy1-2026.docx"
KMT = "lamdong-kh-kmt-2026.doc"
KHOANG_SAN = "laocai-kh-khoang-san-ct11-2026.docx"
needs_soffice = pytest.mark.skipif(doc_parser.find_soffice() is None,
                                   reason="LibreOffice (soffice) not installed: make setup-full")
ALL_DEPTS, COMMUNES, RELATED = "Các sở, ban, ngành cấp tỉnh", "UBND cấp xã", "Các cơ quan, đơn vị liên quan"


@pytest.fixture(scope="module")
def results():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = process_file(real(name), REAL)
        return cache[name]
    return get


def runs(tasks, key):
    """Given rows, return (key, count) for each run of rows sharing the key, in order."""
    return [(k, len(list(g))) for k, g in groupby(tasks, key=key)]


# --- thông báo kết luận: tasks assigned in prose, typed items a), b) ------------------------------
# II: 1. thể chế "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị liên quan:" a)-c);
# 2. TTHC "Giao Văn phòng UBND tỉnh chủ trì, phối hợp với các cơ quan, đơn vị, địa phương:" a)-đ);
# 3. bộ máy "Giao Sở Nội vụ:" a)-c); 4. tài chính công "Giao Sở Tài chính:" a)-c); 5. chính quyền
# số "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp các cơ quan, đơn vị liên quan:" a)-c);
# 7. "Trách nhiệm của các sở, ban, ngành, UBND các xã, phường, đặc khu" a)-c) (a) itself gives the
# task to Sở Nội vụ); III. TỔ CHỨC THỰC HIỆN "Giao Sở Nội vụ chủ trì, phối hợp với …:" 1.-3.

def test_conclusion_tasks_with_their_lead_partners_and_labels(results):
    tasks = results(KETLUAN).tasks
    assert len(tasks) == 23 and {t.source_part for t in tasks} == {"body"}
    assert runs(tasks, lambda t: (tuple(t.leads), tuple(t.partners), t.area_code)) == [
        ((("Sở Tư pháp",), (RELATED,), 2), 3), ((("Văn phòng UBND tỉnh",), ("Các cơ quan, đơn vị, địa phương",), 3), 5),
        ((("Sở Nội vụ",), (), 4), 3), ((("Sở Tài chính",), (), 6), 3), ((("Sở Khoa học và Công nghệ",), (RELATED,), 7), 3),
        ((("Sở Nội vụ",), (), None), 1), (((ALL_DEPTS, COMMUNES), (), None), 2), ((("Sở Nội vụ",), (RELATED,), None), 3)]
    assert [t.stt for t in tasks[3:8]] == ["a)", "b)", "c)", "d)", "đ)"]
    assert [t.stt for t in tasks[-3:]] == ["1.", "2.", "3."]
    assert tasks[0].content.startswith("Tổ chức rà soát toàn bộ hệ thống văn bản quy phạm pháp luật")


def test_conclusion_deadlines_from_the_items_text(results):
    tasks = results(KETLUAN).tasks
    assert [(t.recurrence, t.due_end) for t in tasks[3:5]] == [("weekly", date(2026, 12, 31))] * 2   # "Hằng tuần"
    assert (tasks[16].timeline_raw, tasks[16].due_end) == ("hoàn thành trong tháng 02/2026", date(2026, 2, 28))
    assert tasks[-1].recurrence == "monthly"                      # "chậm nhất vào ngày 05 hằng tháng"


def test_conclusion_metadata_from_the_letterhead(results):
    d = results(KETLUAN).document
    assert (d.issuer, d.issuer_level, d.province, d.plan_number, d.plan_year) == (
        "UBND tỉnh Lâm Đồng", "province", "Lâm Đồng", "/TB-UBND", 2026)
    assert d.title.startswith("Thông báo Kết luận của đồng chí Nguyễn Ngọc Phúc") and d.warnings == []


# --- inspection plan: TT | Nhiệm vụ thực hiện | Người thực hiện | Ghi chú, staff names ---------------
# 9 tasks, TT 1.-9. by Word numbering; who: staff, one per paragraph (3, 2, 3, 1, 1, 1, 1, 3, 1 names)

def test_inspection_plan_staff_as_leads(results):
    tasks = results(INSPECTION).tasks
    assert [t.stt for t in tasks] == [f"{i}." for i in range(1, 10)]
    assert {t.source_part for t in tasks} == {"appendix"} and {t.area_code for t in tasks} == {None}
    assert [len(t.leads) for t in tasks] == [3, 2, 3, 1, 1, 1, 1, 3, 1]
    assert tasks[0].leads == ["Đỗ Mạnh Cường", "Vũ Việt Linh", "Nguyễn Thị Loan"] and tasks[0].partners == []
    assert (tasks[0].task, tasks[8].task) == ("Rà soát việc đáp ứng các điều kiện của học viên", "Trình ký chứng chỉ")
    assert all(t.due_end is None and t.warnings == [] for t in tasks)


def test_inspection_plan_metadata(results):
    d = results(INSPECTION).document
    assert (d.issuer, d.issuer_level, d.province, d.plan_number, d.plan_year) == (
        "Sở Công Thương", "department", "Lào Cai", "/KH-SCT", 2026)


# --- Đề án 08: "- " bullets in groups closed by "Đơn vị chủ trì: …; Đơn vị phối hợp: …" -------------
# III. NHIỆM VỤ TRỌNG TÂM 1.-5.: 6, 8, 5, 5 and 3 bullets; the two reporting templates give no rows

def test_dean08_groups_closed_by_their_lead_line(results):
    tasks = results(DEAN08).tasks
    assert {t.source_part for t in tasks} == {"body"} and {t.stt for t in tasks} == {"-"}
    industry, energy = "Phòng Quản lý Công nghiệp", "Phòng Quản lý Năng lượng"
    assert runs(tasks, lambda t: (tuple(t.leads), tuple(t.partners))) == [
        (((industry,), (energy, "Phòng Quản lý Thương mại")), 6), (((industry,), (energy, "Văn phòng Sở")), 8),
        (((energy,), (industry,)), 5), (((industry,), (energy, "Văn phòng Sở")), 5),
        ((("Văn phòng Sở",), (industry, energy)), 3)]
    assert tasks[0].note == "Lãnh đạo phụ trách: Phó giám đốc Hoàng Văn Thuân, Phó giám đốc Nguyễn Đình Chiến."
    assert {t.area_code for t in tasks} == {None}


def test_dean08_template_columns_are_named_not_dropped(results):
    d = results(DEAN08).document
    assert (d.issuer, d.issuer_level, d.province, d.plan_period) == ("Sở Công Thương", "department", "Lào Cai",
                                                                     "2026-2030")
    assert [warning_kind(w) for w in d.warnings] == ["extra column"] * 3
    assert "column 'Tồn tại, Khó khăn, vướng mắc' kept in extra" in d.warnings[1]


# --- the quarterly report: statistics forms, no rows -----------------------------------------------

def test_quarterly_report_gives_no_rows():
    parsed = parse_docx(real(REPORT_Q1))
    assert parsed.grids == [] and len([w for w in parsed.warnings if "no task header" in w]) == 9
    with pytest.raises(NotAPlan, match="no task table"):
        process_file(real(REPORT_Q1), REAL)


# --- drug-prevention plan (.doc): prose under agency sub-headings, no CCHC areas --------------------
# III. 1.1 Các sở, ban, ngành (4 "- "), 1.2 Ủy ban nhân dân cấp xã (4), 2.1 Các sở, ban, ngành, địa
# phương (8), 2.2 Công an tỉnh (one paragraph) … 8.1 "Sở Tài chính chủ trì, phối hợp các sở, ban,
# ngành" (3), 8.2 (4): 77 items counted by hand.

@needs_soffice
def test_drug_prevention_plan_prose_under_agency_headings(results):
    result = results(KMT)
    tasks = result.tasks
    assert len(tasks) == 77 and {t.area_code for t in tasks} == {None} and all(t.leads for t in tasks)
    assert runs(tasks[:17], lambda t: (t.lead_raw, tuple(t.leads))) == [
        (("Các sở, ban, ngành", (ALL_DEPTS,)), 4), (("Ủy ban nhân dân cấp xã", (COMMUNES,)), 4),
        (("Các sở, ban, ngành, địa phương", (ALL_DEPTS, COMMUNES)), 8), (("Công an tỉnh", ("Công an tỉnh",)), 1)]
    police = tasks[16]
    assert police.stt is None and police.content.startswith("Kiểm tra, đôn đốc các sở, ban, ngành, địa phương")
    finance = [t for t in tasks if t.lead_raw == "Sở Tài chính" and t.partners_raw]
    assert len(finance) == 3 and finance[0].partners == [ALL_DEPTS] and finance[0].stt == "-"
    d = result.document
    assert (d.issuer, d.province, d.plan_number, d.plan_year) == ("UBND tỉnh Lâm Đồng", "Lâm Đồng", "/KH-UBND", 2026)
    assert d.warnings == ["converted from .doc with LibreOffice"]


# --- the Lào Cai mineral plan: its "IV. TỔ CHỨC THỰC HIỆN" duties beside its phụ lục ----------------
# 1. Giám đốc các Sở … (2 "- "), 2. Sở Nông nghiệp và Môi trường (11),
# 3. Sở Công Thương (5), 4. Sở Xây dựng (6), 5. Sở Tài chính (3), 6. Sở Nội vụ (2), 7. Sở KH&CN (2),
# 8. Thanh tra tỉnh (3), 9. Thuế tỉnh (4), 10. Công an tỉnh (3), 11. Bộ Chỉ huy Quân sự tỉnh (1 paragraph),
# 12. UBND các xã, phường (5): 47.

def test_mineral_plan_duties_beside_its_appendix(results):
    tasks = results(KHOANG_SAN).tasks
    body = [t for t in tasks if t.source_part == "body"]
    assert len([t for t in tasks if t.source_part == "appendix"]) == 14 and len(body) == 47
    assert [n for _, n in runs(body, lambda t: t.lead_raw)] == [2, 11, 5, 6, 3, 2, 2, 3, 4, 3, 1, 5]
    assert body[2].leads == ["Sở Nông nghiệp và Môi trường"] and {t.area_code for t in body} == {None}


# --- every file of the folder, in one table ---------------------------------------------------------

def test_every_real_file_has_a_line_in_the_table():
    files = sorted(p.name for p in REAL.iterdir() if p.is_file() and p.name != "README.md") if REAL.exists() else []
    if not files:
        pytest.skip(f"real files not found in {REAL}")
    if doc_parser.find_soffice() is None:
        pytest.skip("the .doc files need LibreOffice")
    lines = {ln["file"]: ln for ln in real_table(REAL)}
    assert sorted(lines) == files
    assert Counter(ln["rows"] > 0 for ln in lines.values()) == Counter({True: 8, False: 8})
    assert (lines[INSPECTION]["rows"], lines[INSPECTION]["with_lead"]) == (9, 9)
    assert lines["lamdong-kh-kiem-tra-cchc-2026.docx"]["outcome"].startswith("NotAPlan")
    assert render(list(lines.values())).count("\n") == len(files) + 1
