"""Tasks assigned in prose (pipeline/rows/prose.py) and how they join the area bullets (document.py)."""
from __future__ import annotations

import pytest

from parsers.grid import BodyLine, ParsedFile
from pipeline.rows.document import file_tasks
from pipeline.rows.prose import label_depth, prose_tasks, section_kind


def lines(*texts: str) -> list[BodyLine]:
    return [BodyLine(t, i + 1) for i, t in enumerate(texts)]


def rows(tasks):
    return [(t.stt, t.fields["lead"], t.fields.get("partners") or None, t.fields["content"]) for t in tasks]


def test_an_assignment_line_gives_its_items_their_lead_and_partners():
    tasks = prose_tasks(lines(
        "II. NHIỆM VỤ, GIẢI PHÁP", "1. Về cải cách thể chế",
        "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị liên quan:",
        "a) Rà soát văn bản quy phạm pháp luật.", "b) Kịp thời tham mưu sửa đổi văn bản.",
        "2. Về cải cách tổ chức bộ máy", "Giao Sở Nội vụ:", "a) Đề xuất cải cách bộ máy.",
        "đ) Tập huấn nghiệp vụ."))
    assert rows(tasks) == [
        ("a)", "Sở Tư pháp", "các cơ quan, đơn vị liên quan", "Rà soát văn bản quy phạm pháp luật."),
        ("b)", "Sở Tư pháp", "các cơ quan, đơn vị liên quan", "Kịp thời tham mưu sửa đổi văn bản."),
        ("a)", "Sở Nội vụ", None, "Đề xuất cải cách bộ máy."), ("đ)", "Sở Nội vụ", None, "Tập huấn nghiệp vụ.")]
    assert all(t.area_code is None and t.source_part == "body" for t in tasks)


def test_agency_headings_open_groups_of_bullets_and_paragraphs():
    tasks = prose_tasks(lines(
        "III. GIẢI PHÁP THỰC HIỆN VÀ PHÂN CÔNG NHIỆM VỤ", "1. Công tác tham mưu", "1.1. Các sở, ban, ngành",
        "- Tham mưu Tỉnh ủy chỉ đạo.", "- Đề xuất bảo đảm kinh phí.", "1.2. Công an tỉnh",
        "Kiểm tra, đôn đốc các địa phương.", "1.3. Sở Tài chính chủ trì, phối hợp các sở, ban, ngành",
        "- Ưu tiên nguồn lực.", "1.4. Đề nghị Viện Kiểm sát nhân dân tỉnh", "Phối hợp chặt chẽ với Công an tỉnh.",
        "1.5. Bộ Chỉ huy quân sự tỉnh chỉ đạo lực lượng Bộ đội Biên phòng: Phối hợp tuyên truyền ở biên giới.",
        "IV. KINH PHÍ THỰC HIỆN", "- Kinh phí từ ngân sách."))
    assert rows(tasks) == [
        ("-", "Các sở, ban, ngành", None, "Tham mưu Tỉnh ủy chỉ đạo."),
        ("-", "Các sở, ban, ngành", None, "Đề xuất bảo đảm kinh phí."),
        ("", "Công an tỉnh", None, "Kiểm tra, đôn đốc các địa phương."),
        ("-", "Sở Tài chính", "các sở, ban, ngành", "Ưu tiên nguồn lực."),
        ("", "Viện Kiểm sát nhân dân tỉnh", None, "Phối hợp chặt chẽ với Công an tỉnh."),
        ("1.5.", "Bộ Chỉ huy quân sự tỉnh", None, "Phối hợp tuyên truyền ở biên giới.")]


def test_a_closing_line_gives_the_items_above_it_their_lead():
    tasks = prose_tasks(lines(
        "III. NHIỆM VỤ TRỌNG TÂM", "1. Tái cơ cấu ngành công nghiệp", "- Tham mưu chính sách thu hút.",
        "- Phối hợp rà soát danh mục.", "Lãnh đạo phụ trách: Phó giám đốc Hoàng Văn Thuân.",
        "Đơn vị chủ trì: Phòng Quản lý Công nghiệp; Đơn vị phối hợp: Phòng Quản lý Năng lượng, Văn phòng Sở.",
        "2. Phát triển các khu công nghiệp", "- Rà soát quy hoạch.", "IV. CÁC GIẢI PHÁP THỰC HIỆN",
        "1. Giải pháp về cơ chế", "- Đẩy mạnh cải cách thủ tục hành chính."))
    assert rows(tasks) == [
        ("-", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Năng lượng, Văn phòng Sở", "Tham mưu chính sách thu hút."),
        ("-", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Năng lượng, Văn phòng Sở", "Phối hợp rà soát danh mục.")]
    assert tasks[0].fields["note"] == "Lãnh đạo phụ trách: Phó giám đốc Hoàng Văn Thuân."


DUTIES = ("V. TỔ CHỨC THỰC HIỆN", "1. Sở Nội vụ", "a) Chỉ đạo tổ chức kiểm tra.", "b) Ban hành thông báo kết luận.",
          "2. Các cơ quan, đơn vị được kiểm tra", "a) Rà soát các nội dung theo Kế hoạch.")


def test_duties_count_only_beside_other_tasks():
    assert prose_tasks(lines("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", *DUTIES)) == []
    tasks = prose_tasks(lines("I. MỤC ĐÍCH, YÊU CẦU", *DUTIES), has_other_tasks=True)
    assert [(t.stt, t.fields["lead"]) for t in tasks] == [
        ("a)", "Sở Nội vụ"), ("b)", "Sở Nội vụ"), ("a)", "Các cơ quan, đơn vị được kiểm tra")]


def test_responsibility_headings_and_a_lead_named_in_the_item():
    tasks = prose_tasks(lines(
        "II. NHIỆM VỤ", "7. Trách nhiệm của các sở, ban, ngành, UBND các xã, phường",
        "a) Khi có kết quả, giao Sở Nội vụ chủ trì cùng các đơn vị phân tích.", "b) Chủ động xây dựng kế hoạch."))
    assert [t.fields["lead"] for t in tasks] == ["Sở Nội vụ", "các sở, ban, ngành, UBND các xã, phường"]
    assert "lead named in the item: Sở Nội vụ" in tasks[0].warnings[0]


@pytest.mark.parametrize("body", [
    # a numbered paragraph that wraps onto the next line is no heading (a PDF dump)
    ("V. TỔ CHỨC THỰC HIỆN", "1. Trưởng các phòng chuyên môn, đơn vị thuộc Sở căn cứ vào",
     "này và đặc điểm tình hình xây dựng kế hoạch;", "2. Văn phòng Sở có trách nhiệm theo dõi việc triển khai."),
    # sibling items after a numbered assignment line are not its children
    ("III. TỔ CHỨC THỰC HIỆN", "1. Giao phòng Quản lý Công nghiệp triển khai các công việc liên quan:",
     "2. Tổ chức kiểm tra kỹ thuật an toàn.", "3. Chuẩn bị các điều kiện cần thiết khác."),
    # topics without an assignment: no lead, no row
    ("II. NHIỆM VỤ", "1. Công tác tuyên truyền", "- Tuyên truyền pháp luật.", "2. Phòng, chống tham nhũng",
     "- Kiểm tra, giám sát."),
])
def test_no_assigned_tasks(body):
    assert prose_tasks(lines(*body), has_other_tasks=True) == []


def test_a_closing_remark_and_the_signature_block_are_no_tasks():
    tasks = prose_tasks(lines(
        "III. TỔ CHỨC THỰC HIỆN", "Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan:",
        "1. Theo dõi, đôn đốc thực hiện Thông báo.", "Trân trọng thông báo ý kiến kết luận.", "Nơi nhận:",
        "- Sở Nội vụ;"), has_other_tasks=True)
    assert rows(tasks) == [("1.", "Sở Nội vụ", "các cơ quan liên quan", "Theo dõi, đôn đốc thực hiện Thông báo.")]


@pytest.mark.parametrize("item, timeline", [
    ("c) Xây dựng dữ liệu dùng chung; hoàn thành trong tháng 02/2026.", "hoàn thành trong tháng 02/2026"),
    ("b) Xử lý phản ánh; định kỳ hằng tuần báo cáo kết quả.", "định kỳ hằng tuần"),
    ("c) Công khai kết quả chậm nhất vào ngày 05 hằng tháng.", "chậm nhất vào ngày 05 hằng tháng"),
    ("a) Triển khai theo Nghị định số 181/2024/NĐ-CP ngày 31/12/2024.", None),
])
def test_the_deadline_an_item_states_is_its_timeline(item, timeline):
    (task,) = prose_tasks(lines("II. NHIỆM VỤ", "Giao Sở Nội vụ:", item))
    assert task.fields.get("timeline") == timeline
    assert any("timeline read from the item's text" in w for w in task.warnings) is (timeline is not None)


def test_area_bullets_take_the_lead_of_the_group_they_sit_in():
    body = lines("KẾ HOẠCH", "II. NHIỆM VỤ, GIẢI PHÁP", "1. Về cải cách thể chế",
                 "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan liên quan:", "a) Rà soát toàn bộ hệ thống văn bản quy phạm pháp luật của tỉnh.",
                 "2. Về cải cách thủ tục hành chính", "- Công bố thủ tục hành chính.",
                 "3. Về cải cách tài chính công", "Giao Sở Tài chính:", "a) Tham mưu UBND tỉnh điều phối ngân sách nhà nước hợp lý, hiệu quả.",
                 "4. Trách nhiệm của các sở, ban, ngành", "a) Chủ động xây dựng kế hoạch khắc phục tồn tại, hạn chế của đơn vị.")
    tasks = file_tasks(ParsedFile("txt", [], body))
    assert [(t.area_code, t.stt, t.fields.get("lead")) for t in tasks] == [
        (2, "a)", "Sở Tư pháp"), (3, "-", None), (6, "a)", "Sở Tài chính"), (None, "a)", "các sở, ban, ngành")]


def test_a_report_gives_no_body_tasks():
    body = lines("BÁO CÁO", "II. NHIỆM VỤ, GIẢI PHÁP", "Giao Sở Nội vụ:", "a) Tổng hợp báo cáo.")
    assert file_tasks(ParsedFile("txt", [], body)) == []


@pytest.mark.parametrize("label, depth", [("II.", 0), ("1.", 1), ("1.2.", 2), ("2.1", 2), ("3)", 4), ("a)", 5),
                                          ("-", 6), ("+", 7)])
def test_label_depth(label, depth):
    assert label_depth(label) == depth


@pytest.mark.parametrize("title, kind", [("NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM", "tasks"), ("TỔ CHỨC THỰC HIỆN", "duties"),
                                         ("GIẢI PHÁP THỰC HIỆN VÀ PHÂN CÔNG NHIỆM VỤ", "tasks"),
                                         ("MỤC TIÊU, NHIỆM VỤ", "other"), ("KINH PHÍ", "other")])
def test_section_kind(title, kind):
    assert section_kind(title) == kind
