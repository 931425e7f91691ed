"""The PDF parser's small steps on made-up characters: lines, cell text, slots, page stitching."""
from __future__ import annotations

import pytest

from parsers.grid import GridRow
from parsers.pdf.cells import (
    MERGED_ABOVE,
    SPANNED,
    Line,
    chars_to_lines,
    glue_combining,
    join_fragments,
    join_lines,
    row_spans,
    table_slots,
)
from parsers.pdf.content import PageTable
from parsers.pdf.page import turn_upright
from parsers.pdf.stitch import continues, group_rows, is_fragment, stitch_tables

SIZE = 10.0
ADVANCE = 5.0                # every made-up glyph is 5 points wide


def glyphs(text: str, x: float = 0.0, top: float = 0.0, spaces: bool = True) -> list[dict]:
    """Given text, return chars laid out left to right; without `spaces`, a space is only a gap."""
    out = []
    for ch in text:
        if ch != " " or spaces:
            out.append({"text": ch, "x0": x, "x1": x + ADVANCE, "top": top, "bottom": top + SIZE, "size": SIZE})
        x += ADVANCE
    return out


def line(text: str, x0: float = 0.0, trailing_space: bool = False) -> Line:
    first = len(text.split(" ")[0]) * ADVANCE
    return Line(text, x0, x0 + len(text) * ADVANCE, 0.0, SIZE, SIZE, first, trailing_space)


def test_decomposed_vietnamese_comes_out_nfc():
    # pdfminer can give "ạ" as "a" + U+0323, the mark's box a little left of its base.
    chars = glyphs("Hoa") + [{"text": "\u0323", "x0": 9.0, "x1": 12.0, "top": 0.0, "bottom": SIZE, "size": SIZE}]
    chars += glyphs("t", x=15.0)
    text = chars_to_lines(glue_combining(chars))[0].text
    assert text == "Hoạt" and len(text) == 4


def test_spaces_come_from_space_glyphs_or_from_gaps():
    assert chars_to_lines(glyphs("Sở Nội vụ"))[0].text == "Sở Nội vụ"
    assert chars_to_lines(glyphs("Sở Nội vụ", spaces=False))[0].text == "Sở Nội vụ"


def test_lines_come_top_to_bottom():
    chars = glyphs("dòng hai", top=14.0) + glyphs("dòng một", top=0.0)
    assert [ln.text for ln in chars_to_lines(chars)] == ["dòng một", "dòng hai"]


def test_a_letterhead_side_by_side_is_two_lines():
    chars = glyphs("UBND TỈNH") + glyphs("CỘNG HÒA", x=200.0)
    assert [ln.text for ln in chars_to_lines(chars, split_gap=2.5)] == ["UBND TỈNH", "CỘNG HÒA"]
    typed = glyphs("Kế hoạch số:" + " " * 12 + "/KH-UBND")  # typed spaces are glyphs: one line
    assert len(chars_to_lines(typed, split_gap=2.5)) == 1


def test_a_trailing_space_glyph_is_noted():
    assert chars_to_lines(glyphs("số 12- "))[0].trailing_space
    assert not chars_to_lines(glyphs("NĐ-"))[0].trailing_space


@pytest.mark.parametrize("lines, width, expected", [
    # the next word would not fit: a wrap, joined by a space
    ([line("Ban hành kế"), line("hoạch CCHC")], 60, "Ban hành kế hoạch CCHC"),
    # the next word would have fitted: the line ended a paragraph
    ([line("- Sở Nội vụ"), line("- Các phòng")], 200, "- Sở Nội vụ\n- Các phòng"),
    # a word's hyphen at the wrap, no space printed: one token
    ([line("số 63/2010/NĐ-"), line("CP ngày")], 72, "số 63/2010/NĐ-CP ngày"),
    # the same with a space glyph after the hyphen: the text had "12- NQ"
    ([line("số 12-", trailing_space=True), line("NQ/TU")], 32, "số 12- NQ/TU"),
    # a standalone dash keeps its spaces
    ([line("kinh tế -"), line("kỹ thuật")], 48, "kinh tế - kỹ thuật"),
    # an upper-case token wider than the cell is cut where the cell is full
    ([line("KHPBGDP"), line("L của UBND")], 36, "KHPBGDPL của UBND"),
    # a date at the end of a full line is not glued to the next word
    ([line("Tháng"), line("12/2025")], 26, "Tháng 12/2025"),
])
def test_cell_lines_join_in_reading_order(lines, width, expected):
    assert join_lines(lines, 0.0, width) == expected


def test_text_cut_by_a_page_break_joins_like_a_wrap():
    assert join_fragments("Nghị định số 52/2015/NĐ-", "CP ngày") == "Nghị định số 52/2015/NĐ-CP ngày"
    assert join_fragments("thông qua", "kịp thời") == "thông qua kịp thời"
    assert join_fragments("", "kịp thời") == "kịp thời"


def test_slots_mark_merges_down_and_spans_across():
    # 3 columns, 3 rows: a cell spanning row 1 and 2 in column 0; a cell spanning columns 1-2 in row 2.
    cells = [(0, 0, 10, 10), (10, 0, 20, 10), (20, 0, 30, 10),
             (0, 10, 10, 30), (10, 10, 20, 20), (20, 10, 30, 20),
             (10, 20, 30, 30)]
    slots = table_slots(cells)
    assert slots.owner == [[0, 1, 2], [3, 4, 5], [MERGED_ABOVE, 6, SPANNED]]
    assert slots.cell_at(5, 25) == 3 and slots.cell_at(25, 25) == 6
    assert row_spans(slots.owner[2]) == {1: 2} and row_spans(slots.owner[0]) == {}


COLUMNS = {0: "stt", 1: "content", 2: "lead", 3: "timeline"}


def table(page: int, rows, cut=None, tall=False, xs=(0, 10, 50, 70, 90), top=True, bottom=True) -> PageTable:
    return PageTable(page, (0, 0, 90, 100), list(xs), [list(r) for r in rows], cut=cut, tall_cut=tall,
                     at_top=top, at_bottom=bottom)


@pytest.mark.parametrize("cells, above, expected", [
    # text only in cells the break cut, the row above taller than a line: a fragment
    (["", "và điều kiện thực tiễn", "", ""], table(1, [], cut={1}, tall=True), True),
    (["", "Nghị quyết 66", "", ""], table(1, [], cut={1}, tall=True), True),
    # text in a cell that ended above the break: a new row (its STT merged above)
    (["", "2.2. Ban hành", "Sở Nội vụ", ""], table(1, [], cut={1}, tall=True), False),
    # an STT: a new row, unless the STT cell itself was cut ("Hoạt động" | "1")
    (["3", "Rà soát", "", ""], table(1, [], cut={1}, tall=True), False),
    (["1", "thủ tục hành chính", "", ""], table(1, [], cut={0, 1}, tall=True), True),
    # a one-line row at the foot of the page: most cells must start in lower case
    (["", "quy trình đánh giá", "UBND tỉnh", "xuyên"], table(1, [], cut={1, 2, 3}), True),
    (["", "Tổ chức hội nghị", "Sở Nội vụ", "Quý I"], table(1, [], cut={1, 2, 3}), False),
    # no geometry (borderless): the text rule alone
    (["", "bảo đảm phù hợp", "", ""], table(1, []), True),
    (["", "Kế hoạch mới", "Sở Tư pháp", "Năm 2026"], table(1, []), False),
])
def test_fragment_or_new_row_at_a_page_top(cells, above, expected):
    assert is_fragment(cells, COLUMNS, above) is expected


def test_a_table_continues_on_the_next_page_only_with_the_same_columns():
    first = table(1, [["STT", "Nội dung", "Chủ trì", "Thời gian"]])
    assert continues(first, table(2, [["4", "x", "y", "z"]]))
    assert not continues(first, table(3, [["4", "x", "y", "z"]]))                     # a page between
    assert not continues(first, table(2, [["4", "x", "y", "z"]], xs=(0, 30, 50, 70, 90)))
    assert not continues(first, table(2, [["4", "x", "y", "z"]], top=False))          # text above it
    other = table(2, [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]])
    assert not continues(first, other)                                                # another header


def test_stitching_drops_the_repeated_header_and_joins_the_fragment():
    header = ["STT", "Nội dung", "Chủ trì", "Thời gian"]
    page1 = table(1, [header, ["1", "Rà soát văn bản quy phạm pháp luật theo", "Sở Tư pháp", "Quý I"]],
                  cut={1}, tall=True)
    page2 = table(2, [header, ["", "chuyên đề", "", ""], ["2", "Tổ chức kiểm tra", "Sở Nội vụ", "Quý II"]])
    groups = stitch_tables([page1, page2])
    assert len(groups) == 1
    rows = group_rows(groups[0])
    assert [r.cells for r in rows] == [header, ["1", "Rà soát văn bản quy phạm pháp luật theo chuyên đề",
                                                "Sở Tư pháp", "Quý I"],
                                       ["2", "Tổ chức kiểm tra", "Sở Nội vụ", "Quý II"]]
    assert [r.page for r in rows] == [1, 1, 2] and [r.after_page_break for r in rows] == [False, False, True]
    assert rows[1].warnings == ["row continued across a page break"]
    assert all(isinstance(r, GridRow) for r in rows)


@pytest.mark.parametrize("clockwise, expected", [
    (True, {"x0": 100, "x1": 106, "top": 575, "bottom": 585}),     # reads top to bottom
    (False, {"x0": 736, "x1": 742, "top": 10, "bottom": 20}),      # reads bottom to top
])
def test_a_sideways_page_turns_a_quarter(clockwise, expected):
    char = {"text": "a", "x0": 10, "x1": 20, "top": 100, "bottom": 106, "size": 6, "upright": False}
    edge = {"x0": 10, "x1": 10, "top": 0, "bottom": 300, "orientation": "v"}
    chars, edges = turn_upright([char], [edge], 595, 842, clockwise)
    assert {k: chars[0][k] for k in expected} == expected and chars[0]["upright"]
    assert edges[0]["orientation"] == "h"
