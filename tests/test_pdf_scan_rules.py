"""Ruling lines and cells found in a page image: broken, faint and skewed rules, merged cells, not text."""
from __future__ import annotations

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from parsers.pdf.scan.rules import cell_boxes, find_tables, ruling_lines  # noqa: E402

DPI = 300
XS = [100, 400, 900, 1300]
YS = [100, 300, 500, 700]


def grid(thickness: int = 3, xs=XS, ys=YS, size=(900, 1500)) -> np.ndarray:
    ink = np.zeros(size, np.uint8)
    for x in xs:
        cv2.line(ink, (x, ys[0]), (x, ys[-1]), 1, thickness)
    for y in ys:
        cv2.line(ink, (xs[0], y), (xs[-1], y), 1, thickness)
    return ink.astype(bool)


def positions(bands):
    return [(a + b) // 2 for a, b in bands]


def test_a_clean_grid_gives_its_rules_and_cells():
    tables, rules = find_tables(grid(), DPI)
    assert len(tables) == 1
    assert tables[0].ys == pytest.approx(YS, abs=2) and tables[0].xs == pytest.approx(XS, abs=2)
    assert len(tables[0].cells) == 9 and rules.any()


def test_a_broken_rule_is_still_a_rule():
    ink = grid()
    rng = np.random.default_rng(1)
    for x in rng.integers(110, 1290, 40):              # toner drop-outs: 40 breaks of 2 px in every rule
        ink[:, x : x + 2] &= ~np.isin(np.arange(ink.shape[0]), YS)[:, None].repeat(2, axis=1)
    rows, cols = ruling_lines(ink, DPI)
    assert positions(rows) == pytest.approx(YS, abs=2) and positions(cols) == pytest.approx(XS, abs=2)


def test_a_slightly_skewed_rule_is_one_band():
    ink = np.zeros((900, 1500), np.uint8)
    for y in YS:
        cv2.line(ink, (XS[0], y), (XS[-1], y + 4), 1, 2)   # 0.2° left over after deskew
    for x in XS:
        cv2.line(ink, (x, YS[0]), (x, YS[-1] + 4), 1, 2)
    rows, cols = ruling_lines(ink.astype(bool), DPI)
    assert len(rows) == len(YS) and len(cols) == len(XS)


def test_merged_cells_are_one_cell():
    ink = grid()
    ink[302 - 4 : 302 + 4, 402:898] = False               # no rule between the middle column's first two rows
    tables, _ = find_tables(ink, DPI)
    boxes = sorted(tables[0].cells)
    assert len(boxes) == 8
    assert any(b[1] == pytest.approx(100, abs=2) and b[3] == pytest.approx(500, abs=2) for b in boxes)


@pytest.mark.parametrize("baseline", [450, 490])
def test_text_is_not_taken_for_rules(baseline):
    """A cell's underline and a line of blurred letters touching along their baseline are no rules.

    At 490 the letters' feet run 8 px above the row's rule: they touch the table, and the
    rule keeps its place.
    """
    ink = grid().astype(np.uint8)
    cv2.line(ink, (440, 250), (700, 250), 1, 3)              # an underline inside a cell
    for left, right in zip(XS, XS[1:], strict=False):       # a row of cells whose letters' feet run together
        for x in range(left + 25, right - 25, 24):
            ink[baseline - 30 : baseline + 2, x : x + 14] = 1
        ink[baseline - 1 : baseline + 2, left + 25 : right - 25] = 1   # …along one baseline over most of the table
    tables, _ = find_tables(ink.astype(bool), DPI)
    assert tables[0].ys == pytest.approx(YS, abs=2) and len(tables[0].cells) == 9


def test_two_tables_on_a_page_are_two_tables():
    ink = grid(ys=[100, 200, 300]) | grid(ys=[500, 600, 700, 800])
    tables, _ = find_tables(ink, DPI)
    assert [len(t.ys) for t in tables] == [3, 4]


def test_no_table_without_rules():
    ink = np.zeros((900, 1500), bool)
    ink[100:130, 100:1400:20] = True                          # text-like marks only
    assert find_tables(ink, DPI)[0] == []


def test_cell_boxes_join_slots_where_no_rule_is_drawn():
    ink = grid()
    ink[YS[0] + 5 : YS[1] - 5, XS[1] - 3 : XS[1] + 4] = False  # the first row's first two slots are one cell
    boxes = sorted(cell_boxes(ink, YS, XS))
    assert (XS[0], YS[0], XS[2], YS[1]) in boxes and len(boxes) == 8
