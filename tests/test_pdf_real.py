"""Real PDFs from ../shared/real, read in place: the Lâm Đồng 2026–2030 plan and two PDFs that are not plans."""
from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from parsers.errors import NotAPlan
from parsers.pdf import parse_pdf
from pipeline.batch.process import process_file
from tests.conftest import REAL
from tests.test_pdf import FIELDS, squeeze

PLAN_PDF = REAL / "lamdong-kh-cchc-2026-2030.rendered.pdf"
PLAN_DOCX = REAL / "lamdong-kh-cchc-2026-2030.docx"
# Rows of the phụ lục per area (area_code 1–7), counted in the document.
AREA_ROWS = {1: 16, 2: 4, 3: 12, 4: 5, 5: 4, 6: 6, 7: 12}


def real(path):
    if not path.exists():
        pytest.skip(f"shared real files not found at {REAL}")
    return path


@cache
def plan_pdf():
    return parse_pdf(real(PLAN_PDF), ocr=False)


@cache
def plan_rows():
    return [t for t in process_file(real(PLAN_PDF), REAL).tasks if t.source_part == "appendix"]


def test_phu_luc_is_one_table_stitched_over_19_landscape_pages():
    grids = plan_pdf().grids
    assert len(grids) == 1
    pages = sorted({r.page for r in grids[0].rows})
    assert pages == list(range(12, 31))


def test_cells_equal_the_word_table_cell_for_cell():
    from tests.bench.bench_pdf import docx_table_rows

    want = docx_table_rows(real(PLAN_DOCX))
    got = [r.cells for r in plan_pdf().grids[0].rows]
    assert len(got) == len(want) == 67
    assert [[c or "" for c in row] for row in got] == [[c or "" for c in row] for row in want]
    assert [[c is None for c in row] for row in got] == [[c is None for c in row] for row in want]


def test_rows_per_area_as_counted_in_the_document():
    rows = plan_rows()
    assert len(rows) == 59
    assert dict(Counter(r.area_code for r in rows)) == AREA_ROWS
    assert all(r.page for r in rows)


def test_rows_equal_the_docx_path():
    try:
        import parsers.docx  # noqa: F401
    except ImportError:
        pytest.skip("parsers.docx does not exist yet: the DOCX path cannot be compared")
    want = [t for t in process_file(real(PLAN_DOCX), REAL).tasks if t.source_part == "appendix"]
    got = plan_rows()
    assert len(got) == len(want)
    wrong = {(i, f): (getattr(g, f), getattr(w, f)) for i, (g, w) in enumerate(zip(got, want, strict=True))
             for f in FIELDS + ("monitor_raw",) if squeeze(getattr(g, f)) != squeeze(getattr(w, f))}
    assert not wrong


def test_plan_metadata_read_from_the_pdf_body():
    doc = process_file(real(PLAN_PDF), REAL).document
    assert doc.source_format == "pdf" and doc.plan_period == "2026-2030" and doc.issuer == "UBND tỉnh Lâm Đồng"


@pytest.mark.parametrize("name", ["lamdong-tong-hop-y-kien-gop-y-kh-cchc-2026.pdf",
                                  "lamdong-snv-bao-cao-chi-so-2025.pdf"])
def test_pdfs_without_a_task_table_are_not_plans(name):
    path = real(REAL / name)
    assert parse_pdf(path, ocr=False).grids, "each holds a real table, just not a task table"
    with pytest.raises(NotAPlan, match="no task table") as caught:
        process_file(path, REAL)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
