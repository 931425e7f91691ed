"""One unit per code (sql/staging/13b_macros.sql, 17–19b, sql/intermediate/20–21): a framework cell holding several
nhiệm vụ or hoạt động codes becomes one unit per code with its own text; uncoded frameworks show printed keys."""
from __future__ import annotations

import functools

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.database.build import SQL_DIR
from tests.test_alignment import document, write_plans

FRAMEWORK_FILE = "ha-tinh-ubnd-tinh-2026-qd-3369.txt"


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    con.execute((SQL_DIR / "staging" / "13b_macros.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


def pieces(con, text, codes) -> list[tuple]:
    return [(p["code"], p["text"]) for p in con.execute("SELECT code_pieces(?, ?::VARCHAR[])", [text, codes]).fetchone()[0]]


@pytest.mark.parametrize("text, codes, expected", [
    # the parser cut the first code off the cell: as many pieces as codes
    ("Đảm bảo về thẩm quyền 2.18. Tiếp tục đổi mới", ["2.17", "2.18"],
     [("2.17", "Đảm bảo về thẩm quyền"), ("2.18", "Tiếp tục đổi mới")]),
    # a lead-in before the first printed code is kept with each piece
    ("Tổ chức hội nghị: 3.5. sơ kết 3.6. tổng kết", ["3.5", "3.6"],
     [("3.5", "Tổ chức hội nghị: sơ kết"), ("3.6", "Tổ chức hội nghị: tổng kết")]),
    # "3.1" never cuts "3.10"
    ("Rà soát 3.10. Báo cáo", ["3.1", "3.10"], [("3.1", "Rà soát"), ("3.10", "Báo cáo")]),
    # pieces that do not line up with the codes: each code keeps the whole cell, no guess
    ("Rà soát và báo cáo", ["3.1", "3.2"], [("3.1", "Rà soát và báo cáo"), ("3.2", "Rà soát và báo cáo")]),
    ("Không có mã", [], [(None, "Không có mã")]),
])
def test_code_pieces(macros, text, codes, expected):
    assert pieces(macros, text, codes) == expected


WORDS = st.lists(st.sampled_from(["rà", "soát", "kế", "hoạch", "văn", "bản", "tổ", "chức", "2026", "năm"]),
                 min_size=1, max_size=6).map(" ".join)


@functools.cache
def macro_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((SQL_DIR / "staging" / "13b_macros.sql").read_text(encoding="utf-8"))
    return con


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(WORDS, min_size=1, max_size=5), first=st.integers(1, 60))
def test_code_pieces_give_back_every_piece(texts, first):
    con = macro_connection()
    codes = [f"3.{first + i}" for i in range(len(texts))]
    cell = " ".join([texts[0]] + [f"{code}. {text}" for code, text in zip(codes[1:], texts[1:], strict=True)])
    assert pieces(con, cell, codes) == list(zip(codes, texts, strict=True))


@pytest.mark.parametrize("area, subarea, stt, row_no, expected", [
    (6, None, "10", 57, "VI.10"),
    (1, None, "09", 55, "I.9"),
    (7, "7.2 Áp dụng ISO 9001:2015", "1", 74, "7.2.1"),
    (None, None, "a)", 3, "a)"),
    (None, None, None, 57, "#57"),
])
def test_printed_key(macros, area, subarea, stt, row_no, expected):
    assert macros.execute("SELECT printed_key(?, ?, ?, ?)", [area, subarea, stt, row_no]).fetchone()[0] == expected


# ---------------------------------------------------------------- the Hà Tĩnh framework (seed 003)


@pytest.fixture(scope="module")
def sample(sample_ingest):
    """The sample data's database (tests/conftest.py), read-only."""
    tmp, _ = sample_ingest
    with duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def framework(sample) -> str:
    return sample.execute("SELECT doc_id FROM documents WHERE source_file = ?", [FRAMEWORK_FILE]).fetchone()[0]


def test_every_nhiem_vu_of_the_ha_tinh_framework_is_a_unit_with_its_own_text(sample, framework):
    rows = dict(sample.execute("""
        SELECT t.task_code, u.task FROM stg_framework_tasks t
        JOIN int_units u ON u.scope_id = t.framework_doc_id AND u.kind = 'nhiem_vu' AND u.task_code = t.task_code
        WHERE t.framework_doc_id = ?""", [framework]).fetchall())
    assert sorted(rows, key=lambda c: int(c.split(".")[1])) == [f"2.{n}" for n in range(1, 63)]
    assert all(text and text.strip() for text in rows.values())
    assert len(set(rows.values())) == 62                       # no two nhiệm vụ share one text
    assert not [c for c, text in rows.items() if any(f"{o}. " in text for o in rows if o != c)]
    # the two cells that hold two nhiệm vụ each, counted by hand in the seed
    assert rows["2.17"].startswith("Đảm bảo về thẩm quyền") and rows["2.18"].startswith("Tiếp tục đổi mới")
    assert rows["2.30"].startswith("Đẩy mạnh cung cấp DVC") and rows["2.31"] == "Nâng cao tỷ lệ hồ sơ trực tuyến toàn trình"


def test_every_hoat_dong_of_the_ha_tinh_framework_is_a_unit_with_its_own_text(sample, framework):
    items = sample.execute("""
        SELECT i.activity_code, i.activity FROM int_framework_items i
        WHERE i.framework_doc_id = ? AND i.activity_code IS NOT NULL""", [framework]).fetchall()
    codes = [code for code, _ in items]
    assert sorted(set(codes), key=lambda c: int(c.split(".")[1])) == [f"3.{n}" for n in range(1, 94)]
    assert len(codes) == 94 and codes.count("3.81") == 2        # 3.81 is printed twice (VI and VII)
    assert all(text and text.strip() for _, text in items)
    assert not [c for c, text in items if any(f" {o}. " in f" {text} " for o in set(codes))]
    units = sample.execute("""
        SELECT count(*) FROM int_units WHERE scope_id = ? AND kind = 'hoat_dong'""", [framework]).fetchone()[0]
    assert units == 95                                          # 94 coded items and the 2.36 row without any


def test_a_row_of_two_nhiem_vu_belongs_to_both_and_task_codes_stay_as_printed(sample, framework):
    row = sample.execute("""
        SELECT task_codes, task_keys, task_code FROM stg_framework_rows
        WHERE framework_doc_id = ? AND activity_codes = ['3.31']""", [framework]).fetchone()
    assert row == (["2.17", "2.18"], ["2.17", "2.18"], "2.17")
    printed = sample.execute("SELECT task_codes FROM tasks WHERE doc_id = ? AND activity_codes = ['3.31']",
                             [framework]).fetchone()[0]
    assert printed == ["2.17", "2.18"]


def test_budgets_add_up_when_a_row_serves_two_nhiem_vu(sample, framework):
    rows, tasks = sample.execute("""
        SELECT (SELECT sum(budget_vnd) FROM stg_framework_rows WHERE framework_doc_id = $f),
               (SELECT sum(budget_vnd) FROM stg_framework_tasks WHERE framework_doc_id = $f)""",
                                 {"f": framework}).fetchone()
    assert rows == tasks


# ---------------------------------------------------------------- a framework without codes


def test_an_uncoded_framework_shows_the_printed_key(tmp_path):
    framework = [{"doc_id": "fw", "row_no": i, "source_part": "appendix", "area_code": 6, "stt": stt,
                  "task": task, "content": task, "leads": ["Sở Tài chính"]}
                 for i, (stt, task) in enumerate([("9", "Hướng dẫn quản lý tài sản công"),
                                                  ("10", "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp")], 56)]
    department = [{"doc_id": "d", "row_no": 1, "source_part": "appendix", "area_code": 6, "stt": "1",
                   "content": "Thực hiện quyền tự chủ tài chính của đơn vị sự nghiệp"}]
    con = write_plans(tmp_path, [document("fw", "UBND tỉnh Lâm Đồng", "province", plan_number="/KH-UBND"),
                                 document("d", "Sở Tài chính", "department", framework_doc_id="fw")],
                      framework + department)
    assert con.execute("SELECT task_code FROM stg_framework_tasks ORDER BY task_code").fetchall() == \
        [("VI.10",), ("VI.9",)]
    assert con.execute("""
        SELECT task_code FROM alignment WHERE level = 'nhiem_vu' AND rank = 1""").fetchone()[0] == "VI.10"
