"""Task-table headers (parsers/headers.py): synonyms, column roles read from cells, extra columns."""
from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.headers import _key, find_columns, header_field, header_map, synonyms, table_columns


def printed_synonyms() -> list[tuple[str, str]]:
    """Return (synonym as printed in the CSV, field), every row of schemas/header_synonyms.csv."""
    with (resources.files("schemas") / "header_synonyms.csv").open(encoding="utf-8") as fh:
        return [(row["synonym"], row["field"]) for row in csv.DictReader(fh)]


SYNONYMS = printed_synonyms()
BY_FIELD: dict[str, list[str]] = {}
for _text, _name in SYNONYMS:
    BY_FIELD.setdefault(_name, []).append(_text)


@pytest.mark.parametrize("text, name", SYNONYMS, ids=[f"{n}:{t}" for t, n in SYNONYMS])
def test_every_synonym_names_its_own_field(text, name):
    assert header_field(text) == name
    assert header_field(text.upper()) == name


@pytest.mark.parametrize("text, name", [
    ("Người thực hiện", "lead"), ("Trách nhiệm thực hiện", "lead"), ("Cơ quan/Đơn vị phụ trách", "lead"),
    ("Đơn vị/cá nhân phụ trách", "lead"), ("Cơ quan thực hiện", "lead"), ("Đơn vị thực hiện", "lead"),
    ("Tiến độ", "timeline"), ("Thời hạn", "timeline"), ("Kết quả dự kiến", "product"),
    ("NHIỆM VỤ THỰC HIỆN", "task"), ("Nhiệm vụ, giải pháp", "task"), ("Cơ quan, đơn vị phối hợp", "partners"),
])
def test_what_offices_write(text, name):
    assert header_field(text) == name


# --- property: a header built from the synonym list, in any order, gives the same roles ------------

WHAT, WHO_WHEN = ("task", "content", "activity", "objective"), ("lead", "partners", "timeline")
OTHERS = ("stt", "product", "budget", "note", "monitor")


@st.composite
def header_rows(draw):
    """A header row: one synonym for each of a set of distinct fields (a what and a who/when among
    them), printed in some case, with spaces or a line break, some with "1-" / "(2)" numbering."""
    fields = [draw(st.sampled_from(WHAT)), draw(st.sampled_from(WHO_WHEN))]
    fields += draw(st.lists(st.sampled_from(WHAT + WHO_WHEN + OTHERS), max_size=5, unique=True))
    fields = list(dict.fromkeys(fields))
    cells = []
    for name in fields:
        text = draw(st.sampled_from(BY_FIELD[name]))
        text = draw(st.sampled_from([text, text.upper(), text.capitalize(), text.replace(" ", "\n", 1)]))
        prefix = draw(st.sampled_from(["", "1- ", "(2) "]))
        cells.append(prefix + text)
    order = draw(st.permutations(range(len(cells))))
    return [cells[i] for i in order], [fields[i] for i in order]


@settings(max_examples=300, deadline=None)
@given(header_rows())
def test_any_header_from_the_synonyms_in_any_order_gives_the_same_roles(row):
    cells, fields = row
    expected = dict(enumerate(fields))
    columns = table_columns(cells, [])
    assert columns is not None and columns.fields == expected and columns.inferred == {}
    reversed_columns = table_columns(cells[::-1], [])
    assert reversed_columns.fields == {len(cells) - 1 - i: name for i, name in expected.items()}
    if len(cells) >= 3:
        assert header_map(cells) == expected


# --- roles read from the cells, extra columns ------------------------------------------------------

def test_unknown_columns_take_the_role_their_cells_show_or_stay_extra():
    header = ["TT", "Công việc", "Cán bộ được giao", "Hạn chót", "Dự toán (đồng)", "Địa điểm"]
    rows = [["1", "Rà soát hồ sơ", "Đỗ Mạnh Cường\nVũ Việt Linh", "30/6/2026", "15.000.000", "Hội trường A"],
            ["2", "Tổ chức kiểm tra", "Nguyễn Thị Loan", "Quý III/2026", "20 triệu đồng", "Phòng họp 2"],
            ["3", "In chứng chỉ", "Sở Nội vụ", "Tháng 9/2026", "", "Trụ sở"]]
    columns = table_columns(header, rows)
    assert columns.fields == {0: "stt", 1: "content", 2: "lead", 3: "timeline", 4: "budget"}
    assert columns.inferred == {2: "lead", 3: "timeline"}
    assert columns.extra == {5: "Địa điểm"}
    assert columns.warnings(4) == [
        "table 4: column 'Cán bộ được giao' read as lead from its cells (header not recognised)",
        "table 4: column 'Hạn chót' read as timeline from its cells (header not recognised)",
        "table 4: column 'Địa điểm' kept in extra (header not recognised)"]


def test_a_second_who_column_read_from_cells_takes_part():
    columns = table_columns(["STT", "Nội dung", "Chủ trì", "Đơn vị cùng làm"],
                            [["1", "Rà soát", "Sở Nội vụ", "Sở Tài chính"], ["2", "Báo cáo", "Sở Tư pháp", "Công an tỉnh"]])
    assert columns.fields[3] == "partners" and columns.inferred == {3: "partners"}


@pytest.mark.parametrize("header, rows", [
    # what to do is never guessed: an inspection schedule names no task column
    (["STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"], [["1", "Sở Nội vụ", "Quý II/2026"]]),
    # comments on a draft: "góp ý" makes it no task table, though its columns look like one
    (["STT", "Nội dung góp ý", "Đơn vị góp ý", "Ý kiến tiếp thu"], [["1", "Sửa mục II", "Sở Tư pháp", "Tiếp thu"]]),
    # a task row of a table continued without its header is no header
    (["1", "Rà soát chức năng, nhiệm vụ, thẩm định", "Sở Nội vụ", "Quý III, IV/2025"],
     [["2", "Ban hành quyết định", "Sở Tư pháp", "Quý IV/2025"]]),
    # a what column alone, and a column whose cells say nothing
    (["STT", "Nội dung", "Ghi chú"], [["1", "Rà soát", "xem phụ lục"]]),
])
def test_no_task_table(header, rows):
    assert table_columns(header, rows) is None


def test_a_what_and_a_who_column_are_a_task_table():
    columns = table_columns(["Nhiệm vụ", "Người thực hiện"], [["Rà soát", "Vũ Việt Linh"]])
    assert columns.fields == {0: "task", 1: "lead"}


def test_find_columns_looks_below_a_title_row():
    rows = [["PHÂN CÔNG NHIỆM VỤ", "", ""], ["TT", "Nhiệm vụ thực hiện", "Người thực hiện"], ["1.", "Rà soát", "Vũ Việt Linh"]]
    at, columns = find_columns(rows)
    assert at == 1 and columns.fields == {0: "stt", 1: "task", 2: "lead"}


def test_synonyms_are_folded_once():
    keys = [s for s, _ in synonyms()]
    assert all(k == _key(k) for k in keys) and len(keys) == len(set(zip(keys, [f for _, f in synonyms()], strict=True)))
