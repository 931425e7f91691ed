"""What a cell says about its column (parsers/cellroles.py), one case per vocabulary entry that matters."""
from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from parsers.cellroles import (
    cell_role,
    column_role,
    header_blocks_role,
    header_blocks_table,
    names_agency,
    names_people,
    names_person,
)

VOCABULARY = tomllib.loads(resources.files("schemas").joinpath("cell_roles.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("head", VOCABULARY["agency"]["heads"] + VOCABULARY["agency"]["named_heads"])
def test_every_agency_head_starts_an_agency(head):
    assert names_agency(f"{head[:1].upper()}{head[1:]} Lâm Đồng")


@pytest.mark.parametrize("head", VOCABULARY["agency"]["named_heads"])
def test_a_named_head_needs_a_name_after_it(head):
    assert not names_agency(f"{head[:1].upper()}{head[1:]} hành, chống và tổ chức")


@pytest.mark.parametrize("lead_in", VOCABULARY["agency"]["lead_ins"])
def test_lead_ins_before_an_agency(lead_in):
    assert names_agency(f"{lead_in.capitalize()} Sở Nội vụ")
    assert not names_agency(f"{lead_in.capitalize()} công tác tuyên truyền")


@pytest.mark.parametrize("text", ["Bảo vệ khoáng sản chưa khai thác", "Công tác tham mưu, triển khai",
                                  "Tái cơ cấu ngành công nghiệp", "các sở, ban, ngành", "Đại hội",
                                  "Ban hành kế hoạch", "Tổ chức thực hiện", "Phòng, chống ma túy", "Bộ máy",
                                  "Trường hợp cần thiết", "Hội trường A", "Lãnh đạo, chỉ đạo"])
def test_not_an_agency(text):
    # accents count: "Bảo" is not "Báo", "Đại" is not "Đài"; a heading starts with a capital
    assert not names_agency(text)


@pytest.mark.parametrize("family", VOCABULARY["person"]["family_names"])
def test_every_family_name_starts_a_person(family):
    name = " ".join(w.capitalize() for w in family.split())
    assert names_person(f"{name} Văn An")


@pytest.mark.parametrize("text, expected", [
    ("Đỗ Mạnh Cường", True), ("Ông Nguyễn Văn An", True), ("Đ/c Trần Thị Bình", True),
    ("Sở Nội vụ", False), ("Rà soát hồ sơ", False), ("NGUYỄN VĂN AN", False), ("Nguyễn", False),
])
def test_person_names(text, expected):
    assert names_person(text) is expected


def test_staff_one_per_line():
    assert names_people("Đỗ Mạnh Cường\nVũ Việt Linh\nNguyễn Thị Loan")
    assert not names_people("Đỗ Mạnh Cường\nSở Nội vụ")


@pytest.mark.parametrize("text, role", [
    ("30/6/2026", "timeline"), ("Quý II/2026", "timeline"), ("Tháng 9", "timeline"), ("Hằng năm", "timeline"),
    ("Thường xuyên", "timeline"), ("2026-2030", "timeline"), ("15.000.000", "budget"), ("50 triệu đồng", "budget"),
    ("Ngân sách tỉnh", "budget"), ("Sở Nội vụ; Sở Tài chính", "lead"), ("Vũ Việt Linh", "lead"),
    ("Hội trường A", None), ("Rà soát, tổng hợp", None), ("", None),
])
def test_cell_role(text, role):
    assert cell_role(text) == role


def test_column_role_needs_most_cells():
    assert column_role(["Sở Nội vụ", "Sở Tư pháp", "Công an tỉnh", "xem ghi chú"]) == "lead"
    assert column_role(["Sở Nội vụ", "xem ghi chú", "Hội trường", "-"]) is None
    assert column_role(["Quý I/2026"]) == "timeline"
    assert column_role(["", None]) is None


@pytest.mark.parametrize("word", VOCABULARY["header"]["not_a_role"])
def test_headers_about_something_else_take_no_role(word):
    assert header_blocks_role(f"Đơn vị {word}")


@pytest.mark.parametrize("word", VOCABULARY["header"]["not_a_task_table"])
def test_comment_tables_are_no_task_tables(word):
    assert header_blocks_table(f"Nội dung {word}")
    assert not header_blocks_table("Nội dung công việc")
