"""The five seed plans through the text parser: row counts per area and fields read by eye."""
from __future__ import annotations

from collections import Counter

import pytest


def appendix(result):
    return [t for t in result.tasks if t.source_part == "appendix"]


def body(result):
    return [t for t in result.tasks if t.source_part == "body"]


def per_area(rows):
    return dict(sorted(Counter(t.area_code for t in rows).items()))


# Expected counts, each read off the document by hand.
@pytest.mark.parametrize("key, part, expected", [
    # 000: STT 1–5 under I, 1–6 under II and III, 1 under IV, 1–2 under V, VI, VII.
    ("000", appendix, {1: 5, 2: 6, 3: 6, 4: 1, 5: 2, 6: 2, 7: 2}),
    # 001 phụ lục: II.6 has two hoạt động rows (the second has merged TT/mục tiêu/nhiệm vụ);
    # III.1 and III.3 continue across a page break in a row with an empty TT: not counted.
    ("001", appendix, {1: 4, 2: 8, 3: 7, 4: 3, 5: 3, 6: 2, 7: 3}),
    # 001 body: "- " bullets under "II. NHIỆM VỤ TRỌNG TÂM" areas 1–7.
    ("001", body, {1: 7, 2: 4, 3: 8, 4: 4, 5: 6, 6: 5, 7: 3}),
    # 002: bullets under "III. NHIỆM VỤ VÀ GIẢI PHÁP"; area 1 prints one bullet twice (kept once);
    # area 7 has 7 bullets under 7.1 and 5 under 7.2.
    ("002", body, {1: 5, 2: 5, 3: 6, 4: 5, 5: 6, 6: 3, 7: 12}),
    # 004: "Hoạt động 1…n" under each "Lĩnh vực".
    ("004", appendix, {1: 3, 2: 6, 3: 6, 4: 4, 5: 5, 6: 1, 7: 5}),
])
def test_rows_per_area(seed_results, key, part, expected):
    rows = part(seed_results[key])
    assert per_area(rows) == expected
    assert len(rows) == sum(expected.values())


def test_narrative_only_plans_have_no_appendix(seed_results):
    assert appendix(seed_results["002"]) == []
    assert body(seed_results["000"]) == [] and body(seed_results["004"]) == []


@pytest.mark.parametrize("key", ["000", "001", "003", "004"])
def test_every_appendix_row_has_area_and_content(seed_results, key):
    for row in appendix(seed_results[key]):
        assert row.area_code in range(1, 8), row
        assert row.content.strip(), row


def test_row_numbers_follow_document_order(seed_results):
    for result in seed_results.values():
        assert [t.row_no for t in result.tasks] == list(range(1, len(result.tasks) + 1))


# --- 000: one cell per line --------------------------------------------------------------

def test_000_fields(seed_results):
    rows = appendix(seed_results["000"])
    first = rows[0]
    assert (first.stt, first.content, first.product) == ("1", "Ban hành Kế hoạch CCHC năm 2026", "Kế hoạch")
    assert first.lead_raw == "Phòng HTQT-VP"
    assert first.partners_raw == "Phòng LSQLBG, Trung tâm TT&DVĐN"
    assert first.timeline_raw == "Sau 10 ngày sau khi UBND tỉnh ban hành KH"
    # II.2: the phối hợp cell is empty (a lone tab), not the end of the row.
    ii2 = [r for r in rows if r.area_code == 2][1]
    assert ii2.lead_raw == "Phòng HTQT-VP, LSQLBG" and ii2.partners_raw is None
    assert ii2.timeline_raw == "Thường xuyên"
    vii2 = rows[-1]
    assert vii2.area_title == "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"
    assert vii2.lead_raw == "Các phòng trực thuộc Sở"
    assert vii2.content.startswith("Duy trì, phát triển các ứng dụng")
    iii5 = [r for r in rows if r.area_code == 3][4]
    assert iii5.product.startswith("Hồ sơ TTHC được tiếp nhận") and iii5.partners_raw == "Phòng LSQLBG, Trung tâm"


# --- 001: tab rows, repeated headers, page-break continuations, merged cells, HTML -----------

def test_001_merged_activity_row_inherits(seed_results):
    ii = [r for r in appendix(seed_results["001"]) if r.area_code == 2]
    first, second = ii[5], ii[6]
    assert first.stt == second.stt == "6"
    assert first.objective == second.objective == "Kiểm tra, điều tra, khảo sát đánh giá tình hình thi hành pháp luật"
    assert first.task == second.task == "Đánh giá tình hình thi hành pháp luật"
    assert first.activity == "Kiểm tra tình hình thi hành pháp luật"
    assert second.activity == "Thực hiện hoạt động điều tra, khảo sát tình hình thi hành pháp luật"
    assert second.product == "Phương án điều tra, khảo sát"


def test_001_page_break_continuations_are_joined(seed_results):
    iii = [r for r in appendix(seed_results["001"]) if r.area_code == 3]
    assert iii[0].task.endswith("tại 03 cấp chính quyền (tỉnh, huyện, xã) theo quy định của pháp luật.")
    assert "xây dựng tờ trình, dự thảo Quyết định công bố danh mục TTHC trình UBND tỉnh" in iii[0].activity
    assert iii[2].product.endswith("theo phạm vi, chức năng quản lý của bộ, cơ quan ngang bộ")
    assert iii[2].timeline_raw == "Trước ngày 31/8/2025"
    assert any("continued at row" in w for w in iii[0].warnings)


def test_001_html_removed_and_area_in_one_cell(seed_results):
    rows = appendix(seed_results["001"])
    ii1 = [r for r in rows if r.area_code == 2][0]
    assert "(khuyến công, quản lý chợ, năng lượng...)" in ii1.task and "<i>" not in ii1.task
    vii1 = [r for r in rows if r.area_code == 7][0]
    assert "<ul" not in vii1.product and vii1.product.startswith("- Xử lý VB")
    vi = [r for r in rows if r.area_code == 6]
    assert vi[0].area_title == "CẢI CÁCH TÀI CHÍNH CÔNG"
    assert rows[0].timeline_raw == "trước ngày 31/7/2025" and rows[0].budget_raw == "Thường xuyên"


def test_001_body_bullets(seed_results):
    rows = body(seed_results["001"])
    assert rows[0].content == ("Ban hành kế hoạch CCHC 06 tháng cuối năm 2025 của Sở làm căn cứ tổ chức "
                               "thực hiện các nhiệm vụ cải cách hành chính 6 tháng cuối năm 2025.")
    # a bullet broken by a page break ("khả" / "thi, minh bạch") is one row
    ii = [r for r in rows if r.area_code == 2]
    assert "tính đồng bộ, cụ thể, khả thi, minh bạch" in ii[0].content


# --- 002: narrative bullets, wrapped lines, stray links --------------------------------------

def test_002_bullets(seed_results):
    rows = body(seed_results["002"])
    assert rows[0].content.startswith("Tập trung chỉ đạo các đơn vị trực thuộc thực hiện có hiệu quả, chất lượng")
    assert all("http" not in r.content for r in rows)
    v = [r for r in rows if r.area_code == 5]
    assert "Chỉ thị số 26/CT-TTg ngày 05/9/2016" in v[1].content
    digital = [r for r in rows if r.area_code == 7]
    assert "Quyết định số 28/2018/QĐ-TTg ngày 12/7/2018" in digital[2].content
    assert {r.subarea[:3] for r in digital} == {"7.1", "7.2"}
    assert any("repeated bullet" in w for r in rows for w in r.warnings)


# --- 003: the framework, a flattened web table --------------------------------------------

AREA_OF_TASK = {1: range(1, 16), 2: range(16, 26), 3: range(26, 35), 4: range(35, 37),
                5: range(37, 40), 6: range(40, 50), 7: range(50, 63)}


def test_003_every_task_code_with_its_area(seed_results):
    rows = appendix(seed_results["003"])
    area_of = {code: r.area_code for r in rows for code in r.task_codes}
    assert set(area_of) == {f"2.{i}" for i in range(1, 63)}
    for area, numbers in AREA_OF_TASK.items():
        for n in numbers:
            assert area_of[f"2.{n}"] == area, f"2.{n}"


def test_003_every_activity_code(seed_results):
    rows = appendix(seed_results["003"])
    codes = [c for r in rows for c in r.activity_codes]
    assert set(codes) == {f"3.{i}" for i in range(1, 94)}
    # 3.81 is printed twice in the source (once in VI, once in VII)
    assert {r.area_code for r in rows if "3.81" in r.activity_codes} == {6, 7}


def test_003_subareas_and_no_page_noise(seed_results):
    rows = appendix(seed_results["003"])
    for r in rows:
        assert r.task_codes or r.activity_codes, r
        assert "Đăng xuất" not in r.content and "Việc làm" not in (r.budget_raw or "")
        if r.area_code == 7:
            code = int(r.task_code.split(".")[1])
            assert r.subarea.startswith("7.1" if code <= 57 else "7.2")


def test_003_fields(seed_results):
    rows = appendix(seed_results["003"])
    first = rows[0]
    assert first.objective_code == "1.1" and first.task_code == "2.1"
    assert first.activity_codes == ["3.1", "3.2", "3.3"]
    assert (first.lead_raw, first.timeline_raw, first.budget_raw) == (
        "Sở Nội vụ", "Tháng 12/2025", "Theo dự toán được cấp")
    # 2.2 sits in a row whose TT and mục tiêu are merged with the row above
    second = rows[1]
    assert second.task_code == "2.2" and second.objective_code == "1.1" and second.stt == "1"
    # 2.36 has an empty hoạt động cell: its product stays in the product column
    r236 = next(r for r in rows if r.task_code == "2.36")
    assert r236.activity is None and r236.product.startswith("Văn bản tham mưu cấp có thẩm quyền")
    assert r236.lead_raw == "Sở Nội vụ"
    r250 = next(r for r in rows if r.task_code == "2.50")
    assert (r250.timeline_raw, r250.budget_raw) == ("2026", "Theo Kế hoạch ngân sách của tỉnh")
    r228 = next(r for r in rows if r.task_code == "2.28")
    assert r228.budget_raw == "100 triệu" and r228.budget_vnd == 100_000_000


def test_003_header_block_printed_twice_gives_no_rows(seed_results):
    contents = [r.content for r in seed_results["003"].tasks]
    assert not any(c.startswith(("Căn cứ", "Số hiệu", "QUYẾT ĐỊNH")) for c in contents)
