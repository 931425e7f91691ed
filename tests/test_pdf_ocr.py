"""A scanned page read by OCR (Tesseract with Vietnamese): skipped when Tesseract is not installed.

The fixture `000-scanned.pdf` is page 1 of `000.pdf` rasterized at 200 dpi: the expected rows
are the rows of that page read from the text layer of `000.pdf`.
"""
from __future__ import annotations

import difflib
from functools import cache

import pytest

from parsers.pdf.ocr import cell_boxes, ocr_available, ruling_lines
from tests.conftest import FIXTURES

PDF = FIXTURES / "pdf"
needs_ocr = pytest.mark.skipif(not ocr_available(),
                               reason="Tesseract with Vietnamese data is not installed (make setup-ocr)")


@cache
def scanned():
    from parsers.pdf import parse_pdf

    return parse_pdf(PDF / "000-scanned.pdf", ocr=True)


def page_one_rows() -> list[list[str | None]]:
    import pdfplumber

    from parsers.pdf.page import read_page

    with pdfplumber.open(PDF / "000.pdf") as pdf:
        return read_page(pdf.pages[0], 1).tables[0].rows


def similarity(a: str | None, b: str | None) -> float:
    return difflib.SequenceMatcher(None, " ".join((a or "").split()), " ".join((b or "").split())).ratio()


def test_ruling_lines_and_merged_cells_from_an_image():
    import numpy as np

    ink = np.zeros((120, 200), dtype=bool)
    for y in (10, 50, 110):
        ink[y, 10:190] = True
    for x in (10, 100, 190):
        ink[10:111, x] = True
    ink[50, 100:190] = False           # the right column's two rows are one cell
    rows, cols = ruling_lines(ink)
    assert rows == [(10, 10), (50, 50), (110, 110)] and cols == [(10, 10), (100, 100), (190, 190)]
    boxes = sorted(cell_boxes(ink, [10, 50, 110], [10, 100, 190]))
    assert boxes == [(10, 10, 100, 50), (10, 50, 100, 110), (100, 10, 190, 110)]


@needs_ocr
def test_scanned_page_gives_the_rows_of_the_page():
    got = [r.cells for g in scanned().grids for r in g.rows]
    want = page_one_rows()
    assert len(got) == len(want)
    stt_right = sum((g[0] or "") == (w[0] or "") for g, w in zip(got, want, strict=True))
    text = [similarity(a, b) for g, w in zip(got, want, strict=True) for a, b in zip(g[1:], w[1:], strict=True)
            if b]
    assert stt_right >= len(want) - 1, "a lone numeral may be misread once"
    assert sum(text) / len(text) >= 0.9 and min(text) >= 0.6
    assert any("read by OCR" in w for w in scanned().warnings)


@needs_ocr
def test_scanned_page_goes_through_the_pipeline():
    from parsers.headers import header_map
    from pipeline.rows.document import file_tasks

    grid = scanned().grids[0]
    assert header_map(grid.rows[0].cells)
    tasks = file_tasks(scanned())
    assert len(tasks) == 7 and {t.area_code for t in tasks} == {1, 2}
