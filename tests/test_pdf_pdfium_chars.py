"""The fast reader's small steps on made-up data: glyph boxes as pdfminer's, dropped spaces, ruling lines as pdfplumber's."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.pdf.fonts import font_descents, font_key
from parsers.pdf.pdfium_chars import (
    HYPHEN_MARK,
    MADE_UP,
    Run,
    char_box,
    page_chars,
    restore_spaces,
    run_chars,
)
from parsers.pdf.pdfium_page import page_frame
from parsers.pdf.ruling import classify, curve_edges, line_edge, page_edges, rect_edges
from tests.conftest import FIXTURES

SPACE = 2.5                  # the made-up font's space, in text units at size 10
QUARTER_TURNS = [(1, 0, 0, 1), (0, 1, -1, 0), (0, -1, 1, 0), (-1, 0, 0, -1)]
coordinate = st.floats(-1000, 1000, allow_nan=False)
positive = st.floats(0.1, 50, allow_nan=False)


# --- glyph boxes ----------------------------------------------------------------------------


@given(turn=st.sampled_from(QUARTER_TURNS), scale=positive, x=coordinate, y=coordinate,
       advance=st.floats(0, 30), size=positive, descent=st.floats(-0.5, 0))
def test_a_glyph_box_is_pdfminers(turn, scale, x, y, advance, size, descent):
    from pdfminer.utils import apply_matrix_rect

    matrix = tuple(scale * v for v in turn)
    low = descent * size
    x0, y0, x1, y1 = apply_matrix_rect((*matrix, x, y), (0, low, advance, low + size))
    got = char_box(x, y, matrix, advance, size, descent)
    want = (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))
    assert got == pytest.approx(want, abs=1e-9)


@given(scale=positive, x=coordinate, y=coordinate, advance=st.floats(0, 30), size=positive,
       descent=st.floats(-0.5, 0), height=st.floats(100, 2000))
def test_upright_glyphs_take_the_short_way_to_the_same_box(scale, x, y, advance, size, descent, height):
    run = Run(0, (scale, 0.0, 0.0, scale), x, y, size, descent, SPACE, glyphs=[(0, "a", x, y, advance)])
    char = run_chars(run, height)[0]
    x0, x1, y0, y1 = char_box(x, y, run.matrix, advance, size, descent)
    assert (char["x0"], char["x1"], char["top"], char["bottom"]) == pytest.approx((x0, x1, height - y1, height - y0))
    assert char["size"] == pytest.approx(y1 - y0)


@pytest.mark.parametrize("rotation, box, frame", [
    (0, (0, 0, 842, 595), (842, 595, 0, 0)),
    (90, (0, 0, 595, 842), (842, 595, 0, 0)),
    (0, (10, 20, 610, 820), (600, 800, 10, -20)),
])
def test_the_page_frame_is_pdfplumbers(rotation, box, frame):
    _, width, height, left, top = page_frame(box, rotation)
    assert (width, height, left, top) == frame


# --- spaces PDFium's text page drops ---------------------------------------------------------


def run_of(*glyphs, **kwargs) -> Run:
    """A run at the origin, upright, size 10, whose glyphs are (text, x, advance)."""
    run = Run(0, (1.0, 0.0, 0.0, 1.0), 0.0, 0.0, 10.0, 0.0, SPACE, **kwargs)
    run.glyphs = [(k, text, x, 0.0, adv) for k, (text, x, adv) in enumerate(glyphs)]
    return run


def texts(run: Run) -> str:
    restore_spaces(run)
    return "".join(g[1] for g in run.glyphs)


@pytest.mark.parametrize("glyphs, expected", [
    ([("a", 0, 5), (" ", 5, SPACE), ("b", 7.5, 5)], "a b"),                         # nothing dropped
    ([("a", 0, 5), (" ", 5, SPACE), ("b", 5 + 4 * SPACE, 5)], "a    b"),             # a run of four spaces
    ([("a", 0, 5), (" ", 5, SPACE), ("b", 7.5 + 1.006 * SPACE, 5)], "a b"),          # justified: no whole space
    ([("a", 0, 5), (" ", 5, SPACE), ("b", 7.5 + 5.95 * SPACE, 5)], "a       b"),     # Word's run, each placed
    ([("a", 0, 5), (MADE_UP, 7, 0), ("b", 7, 5)], "ab"),                             # a kerning gap, no space
    ([("a", 0, 5), (MADE_UP, 7, 0), ("b", 7 + SPACE + 1, 5)], "a b"),                # its space was deleted
])
def test_dropped_spaces_come_back_from_the_gaps(glyphs, expected):
    assert texts(run_of(*glyphs)) == expected


def test_an_object_of_nothing_but_spaces_gets_them_back():
    assert texts(run_of(end=2 * SPACE)) == "   "
    assert texts(run_of(end=None)) == ""                   # dropped for another reason: nothing made up


def test_leading_spaces_deleted_after_a_space_come_back():
    assert texts(run_of(("b", 2 * SPACE, 5), after_space=True)) == "  b"
    assert texts(run_of(("b", 2 * SPACE, 5))) == "b"


@pytest.mark.parametrize("end, ink, expected", [
    (7.0, 6.5, "a- "),                 # the box goes on past the hyphen's ink: a space after it
    (6.5, 6.5, "a-"),                  # the box ends with the hyphen's ink: none
    (7.0 + 2 * SPACE, 6.5, "a-   "),
])
def test_spaces_after_a_line_end_hyphen_come_back_from_the_objects_box(end, ink, expected):
    assert texts(run_of(("a", 0, 5), (HYPHEN_MARK, 5, 2), end=end, hyphen_ink=ink)) == expected


def test_trailing_spaces_come_back_from_the_objects_box():
    assert texts(run_of(("a", 0, 5), (" ", 5, SPACE), end=5 + 3 * SPACE)) == "a    "
    assert texts(run_of(("a", 0, 5), (" ", 5, SPACE), end=5.0)) == "a "


def test_chars_come_in_stream_order_with_restored_spaces_in_place():
    second = run_of(("c", 20, 5))
    second.order = 1
    chars = page_chars([second, run_of(("a", 0, 5), (" ", 5, SPACE), ("b", 5 + 2 * SPACE, 5))], 100.0)
    assert "".join(c["text"] for c in chars) == "a  bc"
    assert [c["x0"] for c in chars] == sorted(c["x0"] for c in chars)


# --- ruling lines ----------------------------------------------------------------------------


@pytest.mark.parametrize("steps, kind", [
    ("ml", "line"), ("mlh", "line"), ("mllll", "rect"), ("mlllh", "rect"), ("mllllh", "rect"),
    ("mll", "curve"), ("mc", "curve"),
])
def test_subpaths_are_filed_as_pdfminer_files_them(steps, kind):
    corners = [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 5.0), (0.0, 0.0)]
    subpath = [(op, corners[min(i, 4)]) for i, op in enumerate(steps)]
    if steps == "mllllh":
        subpath[-1] = ("h", corners[0])
    assert classify(subpath)[0] == kind


def test_a_subpath_without_its_move_is_left_out():
    assert classify([("l", (0.0, 0.0)), ("l", (1.0, 1.0))]) is None
    assert page_edges([[("m", (0.0, 0.0))]], 100.0) == []


def _plumber_obj(points, height):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    top, bottom = height - max(ys), height - min(ys)
    return {"x0": min(xs), "x1": max(xs), "y0": min(ys), "y1": max(ys), "top": top, "bottom": bottom,
            "doctop": top, "width": max(xs) - min(xs), "height": max(ys) - min(ys)}


KEYS = ("x0", "x1", "top", "bottom", "width", "height", "orientation", "object_type")
point = st.tuples(coordinate, coordinate)


@given(a=point, b=point)
def test_rect_and_line_edges_are_pdfplumbers(a, b):
    from pdfplumber.utils import line_to_edge, rect_to_edges

    want = [{k: e[k] for k in KEYS} for e in rect_to_edges(dict(_plumber_obj([a, b], 800.0), object_type="rect"))]
    assert [{k: e[k] for k in KEYS} for e in rect_edges([a, b], 800.0)] == want
    line = line_to_edge(dict(_plumber_obj([a, b], 800.0), object_type="line"))
    assert {k: line_edge([a, b], 800.0)[k] for k in KEYS} == {k: line[k] for k in KEYS}


@given(points=st.lists(point, min_size=2, max_size=6))
def test_curve_edges_are_pdfplumbers(points):
    from pdfplumber.utils import curve_to_edges

    curve = dict(_plumber_obj(points, 800.0), object_type="curve", pts=[(x, 800.0 - y) for x, y in points])
    assert [{k: e[k] for k in KEYS} for e in curve_edges(points, 800.0)] == \
        [{k: e[k] for k in KEYS} for e in curve_to_edges(curve)]


# --- fonts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, key", [
    ("BCDEEE+Calibri", "Calibri"), ("TimesNewRomanPSMT", "TimesNewRomanPSMT"), ("Abc+Def", "Abc+Def"),
])
def test_a_subset_tag_is_dropped_as_pdfium_drops_it(name, key):
    assert font_key(name) == key


def test_descents_are_pdfminers_by_font():
    assert font_descents(FIXTURES / "pdf" / "glyphs.pdf") == {"CCHCTestSerif": -0.25}
    assert set(font_descents(FIXTURES / "pdf" / "000.pdf").values()) == {0.0}     # LibreOffice writes 0
    assert font_descents(FIXTURES / "pdf" / "truncated.pdf") in ({}, {"LiberationSerif": 0.0})
