"""Who does a task when one cell says two roles, a role in brackets, staff names or a cited document
(pipeline/fields/agencies/roles.py), and the columns it fills on the row (normalize.py)."""
from __future__ import annotations

import pytest

from pipeline.fields.agencies.roles import cited_assignment, read_who, split_labelled
from pipeline.fields.normalize import task_row
from pipeline.rows.raw import RawTask

KHCN = "Sở Khoa học và Công nghệ"


@pytest.mark.parametrize("lead, partners, leads, taking_part, warning", [
    ("Chủ trì: Sở Nội vụ. Phối hợp: Sở Tài chính, Sở Tư pháp", None, ["Sở Nội vụ"], ["Sở Tài chính", "Sở Tư pháp"],
     "lead: chủ trì and phối hợp read from one cell"),
    ("- Cơ quan chủ trì: Văn phòng UBND tỉnh\n- Cơ quan phối hợp: Sở Nội vụ", None, ["Văn phòng UBND tỉnh"],
     ["Sở Nội vụ"], "lead: chủ trì and phối hợp read from one cell"),
    ("Sở Nội vụ chủ trì; Sở Tài chính phối hợp", None, ["Sở Nội vụ"], ["Sở Tài chính"],
     "lead: roles read from the cell: phối hợp Sở Tài chính"),
    ("Sở Nội vụ (chủ trì), Sở Tài chính", "Sở Tư pháp", ["Sở Nội vụ"], ["Sở Tài chính", "Sở Tư pháp"],
     "lead: roles read from the cell: phối hợp Sở Tài chính"),
    ("Sở Nội vụ; Sở Tài chính", "Sở Tư pháp", ["Sở Nội vụ", "Sở Tài chính"], ["Sở Tư pháp"], None),
])
def test_one_cell_two_roles(lead, partners, leads, taking_part, warning):
    who = read_who(lead, partners)
    assert (who.leads, who.partners) == (leads, taking_part)
    assert (warning in who.warnings) if warning else who.warnings == []


def test_a_merged_cell_over_both_columns_that_names_both_roles():
    cell = "Chủ trì: Sở Nội vụ; Phối hợp: Sở Tài chính"
    who = read_who(cell, cell)
    assert (who.leads, who.partners) == (["Sở Nội vụ"], ["Sở Tài chính"])


def test_the_role_in_brackets_is_kept_by_the_agency():
    who = read_who(f"{KHCN} (chủ trì, phối hợp kiểm tra)", "Sở Tài chính (về kinh phí)")
    assert who.lead_roles == {KHCN: "chủ trì, phối hợp kiểm tra"}
    assert who.partner_roles == {"Sở Tài chính": "về kinh phí"}


def test_staff_one_per_line_are_people_not_unknown_agencies():
    who = read_who("Đỗ Mạnh Cường\nVũ Việt Linh\nNguyễn Thị Loan", None)
    assert who.leads == ["Đỗ Mạnh Cường", "Vũ Việt Linh", "Nguyễn Thị Loan"] and who.warnings == []


@pytest.mark.parametrize("cell, cited", [
    ("Theo phân công tại Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh",
     "Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh"),
    ("Theo sự phân công của Phương án số 7178/PA-UBND", "Phương án số 7178/PA-UBND"),
    ("Theo Quyết định số 58/QĐ-UBND ngày 08/01/2026", "Quyết định số 58/QĐ-UBND ngày 08/01/2026"),
    ("Sở Nội vụ", None), ("Theo dõi: Sở Nội vụ", None),
])
def test_a_cited_assignment_is_a_reference(cell, cited):
    assert cited_assignment(cell) == cited


def test_a_reference_fills_assigned_by_not_leads():
    cell = "Theo phân công tại Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh"
    row = task_row(RawTask("appendix", {"content": "Cắt giảm TTHC", "lead": cell, "partners": cell}), "d", 1, 2026)
    assert (row.leads, row.partners, row.lead_raw) == ([], [], cell)
    assert row.assigned_by == "Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh"
    assert any("a cited document assigns it" in w for w in row.warnings)


@pytest.mark.parametrize("text, expected", [
    ("Chủ trì: Sở Nội vụ", ("Sở Nội vụ", None)), ("Đơn vị chủ trì: Sở A; Đơn vị phối hợp: Sở B", ("Sở A", "Sở B")),
    ("Sở Nội vụ chủ trì", None), ("Sở Nội vụ", None),
])
def test_split_labelled(text, expected):
    assert split_labelled(text) == expected


def test_the_row_keeps_roles_and_extra_columns():
    raw = RawTask("appendix", {"content": "Rà soát", "lead": "Sở Nội vụ (chủ trì), Sở Tài chính"},
                  extra={"Địa điểm": " Hội trường\nA "})
    row = task_row(raw, "d", 1, 2026)
    assert (row.leads, row.partners, row.lead_roles) == (["Sở Nội vụ"], ["Sở Tài chính"], {"Sở Nội vụ": "chủ trì"})
    assert row.extra == {"Địa điểm": "Hội trường\nA"}
