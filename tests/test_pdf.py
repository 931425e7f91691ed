"""PDF plans: ruled and borderless task tables over pages, rows cut by page breaks, bad files.

The fixtures in tests/fixtures/pdf are built from the seed texts by `build.py`: each seed's
phụ lục written into a Word table and rendered by LibreOffice, so the tables really flow over
landscape pages. `<name>.rows.json` holds the cells written into the table.
"""
from __future__ import annotations

import json
import shutil
from functools import cache

import pytest

from parsers.errors import Corrupt, Encrypted, NoTextLayer
from parsers.headers import header_map
from parsers.pdf import parse_pdf
from parsers.registry import parse_file
from pipeline.batch.process import process_file, run_files
from tests.conftest import FIXTURES

PDF = FIXTURES / "pdf"
RULED = ["000", "001", "003", "004", "000-rotated", "004-sideways", "owner-locked"]
BORDERLESS = ["000-borderless", "004-borderless"]
SEED_OF = {"000": "000", "001": "001", "003": "003", "004": "004", "000-borderless": "000",
           "004-borderless": "004", "000-rotated": "000", "004-sideways": "004", "owner-locked": "000"}
FIELDS = ("stt", "area_code", "subarea", "content", "objective", "task", "activity", "product", "lead_raw",
          "partners_raw", "timeline_raw", "budget_raw", "note", "objective_code", "task_code", "task_codes",
          "activity_codes")


@cache
def parsed(name: str):
    return parse_pdf(PDF / f"{name}.pdf", ocr=False)


@cache
def pdf_rows(name: str):
    return [t for t in process_file(PDF / f"{name}.pdf", PDF).tasks if t.source_part == "appendix"]


def written(name: str) -> list[list[str | None]]:
    data = json.loads((PDF / f"{name}.rows.json").read_text(encoding="utf-8"))
    return [data["header"]] + data["rows"]


def squeeze(value):
    """Whitespace collapsed: a PDF shows a wrapped line and a paragraph break alike when unsure."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _flat(rows) -> list[list[str]]:
    return [[squeeze(c or "") for c in row] for row in rows]


@pytest.mark.parametrize("name", RULED + BORDERLESS)
def test_grid_holds_the_rows_written_into_the_table(name):
    grids = parsed(name).grids
    assert len(grids) == 1, "one table, stitched over its pages"
    assert _flat(r.cells for r in grids[0].rows) == _flat(written(name))


@pytest.mark.parametrize("name", RULED)
def test_ruled_cells_are_exact_line_breaks_and_all(name):
    got = [[c or "" for c in r.cells] for r in parsed(name).grids[0].rows]
    want = [[c or "" for c in row] for row in written(name)]
    assert got == want


@pytest.mark.parametrize("name", list(SEED_OF))
def test_task_rows_equal_the_text_path(name, seed_results):
    want = [t for t in seed_results[SEED_OF[name]].tasks if t.source_part == "appendix"]
    got = pdf_rows(name)
    assert len(got) == len(want)
    wrong = {(i, f): (getattr(g, f), getattr(w, f)) for i, (g, w) in enumerate(zip(got, want, strict=True))
             for f in FIELDS if squeeze(getattr(g, f)) != squeeze(getattr(w, f))}
    assert not wrong


def test_004_as_a_real_pdf_puts_every_column_in_its_field():
    from tests.test_pdf_dump_004 import EXPECTED, _mismatches

    rows = pdf_rows("004")
    assert len(rows) == len(EXPECTED) == 30
    wrong = {f"{r.stt} ({r.area_code})": _mismatches(r, e) for r, e in zip(rows, EXPECTED, strict=True)}
    assert not {k: v for k, v in wrong.items() if v}
    assert [r.stt for r in rows[:3]] == ["Hoạt động 1", "Hoạt động 2", "Hoạt động 3"]
    assert [r.budget_raw for r in rows if r.budget_raw] == ["3.5000.000", "14.000.000", "130.000.000"]
    assert rows[11].budget_vnd == 14_000_000
    assert not any("column split guessed" in w for r in rows for w in r.warnings)


def test_004_grid_has_its_eight_columns_in_order():
    header = parsed("004").grids[0].rows[0].cells
    assert list(header_map(header).values()) == ["stt", "content", "product", "lead", "partners", "timeline",
                                                 "budget", "note"]


def test_a_row_cut_by_a_page_break_is_one_row():
    grid = parsed("001").grids[0]
    joined = [r for r in grid.rows if "row continued across a page break" in r.warnings]
    assert joined, "001 has rows that run over a page end"
    activities = [t.activity or "" for t in pdf_rows("001")]
    assert any(a.endswith("Nghị quyết của HĐND tỉnh năm 2025") for a in activities)
    assert not any(a.startswith("HĐND tỉnh năm 2025") for a in activities)


def test_an_stt_cut_by_a_page_break_stays_whole():
    # Lĩnh vực III's "Hoạt động 1" starts at the foot of page 2: "Hoạt động" there, "1" on page 3.
    stts = [t.stt for t in pdf_rows("004")]
    assert all(s.startswith("Hoạt động ") for s in stts) and "1" not in stts


def test_a_merged_cell_cut_by_a_page_break_goes_on_in_its_own_row():
    rows = parsed("003").grids[0].rows
    owner = next(r for r in rows if (r.cells[2] or "").startswith("2.17."))
    assert owner.cells[2].endswith("Chương trình hành động số 45- CTr/TU của Tỉnh ủy.")
    assert not any((r.cells[2] or "").startswith("chủ trương của Đảng") for r in rows)


def test_hyphen_at_a_line_end_joins_the_token_only_when_no_space_was_printed():
    text = " ".join(c or "" for r in parsed("003").grids[0].rows for c in r.cells)
    assert "63/2010/NĐ-CP" in text                      # wrapped after "NĐ-": one token
    assert "Nghị quyết số 12- NQ/TU" in text            # the plan itself has "12- NQ/TU"


@pytest.mark.parametrize("name", RULED + BORDERLESS)
def test_every_row_has_its_page_and_continuation_pages_are_marked(name):
    rows = parsed(name).grids[0].rows
    pages = [r.page for r in rows]
    assert all(pages) and pages == sorted(pages) and len(set(pages)) > 1
    firsts = {r.page for r in rows if r.after_page_break}
    assert firsts <= set(pages[1:]) and min(pages) not in firsts
    assert sum(1 for r in rows if header_map(r.cells)) == 1, "repeated headers are dropped"


def test_rotated_pages_read_as_the_landscape_table():
    import pdfplumber

    with pdfplumber.open(PDF / "000-rotated.pdf") as pdf:
        assert {p.rotation for p in pdf.pages} == {90}
    assert _flat(r.cells for r in parsed("000-rotated").grids[0].rows) == _flat(written("000"))


def test_a_table_drawn_sideways_on_portrait_pages_is_turned_upright():
    import pdfplumber

    with pdfplumber.open(PDF / "004-sideways.pdf") as pdf:
        page = pdf.pages[0]
        assert page.rotation == 0 and page.width < page.height
    assert [[c or "" for c in r.cells] for r in parsed("004-sideways").grids[0].rows] == \
        [[c or "" for c in row] for row in written("004")]


def test_phu_luc_title_lines_are_kept():
    head = parsed("000").appendix_head
    assert head[0] == "CÁC NHIỆM VỤ, GIẢI PHÁP VỀ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert parsed("000").source_format == "pdf" and parsed("000").body == []


def test_registry_sends_a_pdf_to_the_pdf_parser():
    assert parse_file(PDF / "000.pdf").source_format == "pdf"


@pytest.mark.parametrize("name, error, words", [
    ("encrypted", Encrypted, "encrypted PDF: a password is needed"),
    ("truncated", Corrupt, "truncated PDF"),
    ("zero-pages", Corrupt, "PDF has no pages"),
    ("000-scanned", NoTextLayer, "no text layer: OCR needed"),
])
def test_bad_pdf_gives_one_line_naming_the_file(name, error, words):
    path = PDF / f"{name}.pdf"
    with pytest.raises(error) as caught:
        parse_pdf(path, ocr=False)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)) and words in message


def test_ocr_can_be_switched_off_for_a_batch(monkeypatch):
    monkeypatch.setenv("CCHC_OCR", "0")
    with pytest.raises(NoTextLayer, match="no text layer: OCR needed"):
        parse_pdf(PDF / "000-scanned.pdf")


def test_ocr_asked_for_without_tesseract_says_so(monkeypatch):
    import parsers.pdf.ocr

    monkeypatch.setattr(parsers.pdf.ocr, "ocr_available", lambda: False)
    with pytest.raises(NoTextLayer, match="Tesseract with 'vie' is not installed"):
        parse_pdf(PDF / "000-scanned.pdf", ocr=True)


def test_bad_pdfs_are_recorded_and_the_batch_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_OCR", "0")
    for name in ("000", "encrypted", "truncated", "zero-pages", "000-scanned"):
        shutil.copy(PDF / f"{name}.pdf", tmp_path / f"{name}.pdf")
    results = {r.source_file: r for r in run_files(sorted(tmp_path.glob("*.pdf")), tmp_path)}
    assert len(results["000.pdf"].tasks) == 24 and results["000.pdf"].error is None
    reasons = {name: results[name].error for name in results if name != "000.pdf"}
    assert all(reason and "\n" not in reason and name in reason for name, reason in reasons.items())
    assert "password" in reasons["encrypted.pdf"] and "OCR needed" in reasons["000-scanned.pdf"]


def test_owner_password_only_opens_without_asking():
    assert len(pdf_rows("owner-locked")) == 24
