"""The two PDF readers agree: PDFium (the fast default) and pdfplumber (the reference).

Every PDF the tests know (the fixtures, the bad files, the real files in ../shared/real)
goes through `process_file` with each reader: the same task rows field for field, the same
document, the same error for a bad file. Below that, the characters (text, order, boxes;
decomposed Vietnamese, /Rotate'd and sideways pages) and the ruling lines of each page.
"""
from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from parsers.pdf import parse_pdf
from parsers.pdf.document import READER_ENV, pick_reader
from pipeline.batch.process import process_file
from tests.conftest import FIXTURES, REAL
from tests.fixtures.pdf import build_glyphs

PDF = FIXTURES / "pdf"
ALL_PDFS = sorted(PDF.glob("*.pdf")) + sorted((FIXTURES / "bad").glob("*.pdf")) + sorted(REAL.glob("*.pdf"))
GLYPHS = ["glyphs.pdf", "glyphs-rotated.pdf", "glyphs-sideways.pdf"]
AT = datetime(2026, 1, 5, 2, 30, tzinfo=UTC)
BOX = ("x0", "x1", "top", "bottom", "size")
CLOSE = 1e-3                 # points: PDFium keeps coordinates in 32-bit floats, pdfminer in 64


def outcome(path: Path, reader: str, monkeypatch) -> tuple:
    """Given a PDF and a reader, return what `process_file` makes of it: rows and document, or the error."""
    monkeypatch.setenv(READER_ENV, reader)
    monkeypatch.setenv("CCHC_OCR", "0")
    try:
        result = process_file(path, path.parent, AT)
    except Exception as exc:  # noqa: BLE001 - the error itself is what is compared
        return ("error", type(exc).__name__, str(exc))
    return ("rows", [t.model_dump() for t in result.tasks], result.document.model_dump(), result.framework_ref)


def test_every_pdf_the_tests_know_is_here():
    names = {p.name for p in ALL_PDFS}
    assert {"000.pdf", "000-rotated.pdf", "004-sideways.pdf", "encrypted.pdf", "zero-pages.pdf"} <= names
    assert set(GLYPHS) <= names


@pytest.mark.parametrize("path", ALL_PDFS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_readers_give_the_same_rows_or_the_same_error(path, monkeypatch):
    reference = outcome(path, "pdfplumber", monkeypatch)
    fast = outcome(path, "pdfium", monkeypatch)
    if reference[0] == "rows" and fast[0] == "rows":
        wrong = {(i, k): (a[k], b[k]) for i, (a, b) in enumerate(zip(reference[1], fast[1], strict=False))
                 for k in a if a[k] != b[k]}
        assert not wrong
        assert len(fast[1]) == len(reference[1]) and fast[2:] == reference[2:]
    assert fast == reference


# --- characters and ruling lines, page by page ------------------------------------------------


@cache
def reference_pages(path: Path) -> list[tuple[list[dict], list[dict], int]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = [(page.chars, page.edges, page.rotation) for page in pdf.pages]
    return pages


@cache
def fast_pages(path: Path) -> list:
    from parsers.pdf.pdfium_document import PdfiumDocument

    pdf = PdfiumDocument(path)
    try:
        return [page.read() for page in pdf.pages]
    finally:
        pdf.close()


def _box_errors(ref: list[dict], fast: list[dict]) -> list:
    return [(i, k, a[k], b[k]) for i, (a, b) in enumerate(zip(ref, fast, strict=True))
            for k in BOX if abs(a[k] - b[k]) > CLOSE]


@pytest.mark.parametrize("name", GLYPHS + ["000.pdf", "000-rotated.pdf", "004-sideways.pdf", "003.pdf"])
def test_chars_are_pdfplumbers_in_order_and_place(name):
    """Tone marks as glyphs of their own, dropped spaces put back, turned pages: char for char."""
    path = PDF / name
    for (ref, _, _), page in zip(reference_pages(path), fast_pages(path), strict=True):
        assert [c["text"] for c in page.chars] == [c["text"] for c in ref]
        assert not _box_errors(ref, page.chars)
        assert [abs(c["matrix"][0]) >= abs(c["matrix"][1]) for c in page.chars] == \
            [abs(c["matrix"][0]) >= abs(c["matrix"][1]) for c in ref]


@pytest.mark.parametrize("name", [p.name for p in sorted(REAL.glob("*.pdf"))])
def test_real_pdfs_have_the_same_letters_in_order_and_place(name):
    """Office PDFs: every inked char equal; spaces may differ in number where a justified line hides a run."""
    path = REAL / name
    for (ref, _, _), page in zip(reference_pages(path), fast_pages(path), strict=True):
        ref_ink = [c for c in ref if c["text"].strip()]
        fast_ink = [c for c in page.chars if c["text"].strip()]
        assert [c["text"] for c in fast_ink] == [c["text"] for c in ref_ink]
        assert not _box_errors(ref_ink, fast_ink)
        assert abs(len(page.chars) - len(ref)) <= max(3, len(ref) // 500)


@pytest.mark.parametrize("name", ["000.pdf", "003.pdf", "004.pdf", "glyphs.pdf"]
                         + [p.name for p in sorted(REAL.glob("*.pdf"))])
def test_ruling_lines_are_pdfplumbers_edges(name):
    path = PDF / name if (PDF / name).exists() else REAL / name
    for (_, ref, rotation), page in zip(reference_pages(path), fast_pages(path), strict=True):
        assert rotation == page.rotation == 0
        assert [(e["orientation"], e["object_type"]) for e in page.edges] == \
            [(e["orientation"], e["object_type"]) for e in ref]
        assert not [(a, b) for a, b in zip(ref, page.edges, strict=True)
                    if any(abs(a[k] - b[k]) > CLOSE for k in ("x0", "x1", "top", "bottom"))]


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("name", GLYPHS)
def test_decomposed_vietnamese_comes_out_as_written(name, reader):
    parsed = parse_pdf(PDF / name, ocr=False, reader=reader)
    assert [r.cells for r in parsed.grids[0].rows] == build_glyphs.TABLE
    assert [" ".join(b.text.split()) for b in parsed.body] == [" ".join(t.split()) for t in build_glyphs.BODY]


# --- choosing the reader ------------------------------------------------------------------------


def test_the_reader_is_pdfium_unless_asked_otherwise(monkeypatch):
    monkeypatch.delenv(READER_ENV, raising=False)
    assert pick_reader() == "pdfium"
    monkeypatch.setenv(READER_ENV, " PDFPlumber ")
    assert pick_reader() == "pdfplumber"
    assert pick_reader("pdfium") == "pdfium"


def test_an_unknown_reader_is_refused_naming_the_setting(monkeypatch):
    monkeypatch.setenv(READER_ENV, "camelot")
    with pytest.raises(ValueError, match=f"'camelot'.*{READER_ENV}"):
        parse_pdf(PDF / "000.pdf", ocr=False)


def test_a_file_pdfium_cannot_open_is_read_by_the_reference(monkeypatch):
    import pypdfium2

    def refuse(path, *args, **kwargs):
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    grids = parse_pdf(PDF / "000.pdf", ocr=False, reader="pdfium").grids
    assert [r.cells for r in grids[0].rows] == [r.cells for r in parse_pdf(PDF / "000.pdf", ocr=False,
                                                                          reader="pdfplumber").grids[0].rows]


def test_a_page_pdfium_cannot_read_hands_the_file_to_the_reference(monkeypatch):
    import parsers.pdf.pdfium_page

    read = []

    def broken(self, page, descents):
        read.append(page)
        raise ZeroDivisionError("a glyph PDFium measured as nothing")

    monkeypatch.setattr(parsers.pdf.pdfium_page.PdfiumPage, "__init__", broken)
    parsed = parse_pdf(PDF / "004.pdf", ocr=False, reader="pdfium")
    assert read and len(parsed.grids[0].rows) > 20


def test_a_verdict_on_the_file_from_page_reading_is_not_handed_on(monkeypatch):
    import parsers.pdf.pdfium_page
    from parsers.errors import Corrupt

    def too_big(self, page, descents):
        raise Corrupt(PDF / "004.pdf", "content stream over the limit", page=1)

    monkeypatch.setattr(parsers.pdf.pdfium_page.PdfiumPage, "__init__", too_big)
    with pytest.raises(Corrupt, match="over the limit"):
        parse_pdf(PDF / "004.pdf", ocr=False, reader="pdfium")


# --- checks before reading ----------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_every_page_is_checked_against_its_caps_before_either_reader_reads_it(reader, monkeypatch):
    import parsers.pdf.document as document

    events = []
    check, read = document.check_page, document.read_page
    monkeypatch.setattr(document, "check_page", lambda page_obj, *fonts: events.append("check") or check(page_obj, *fonts))
    monkeypatch.setattr(document, "read_page", lambda page, n, carry=None: events.append(n) or read(page, n, carry))
    parsed = parse_pdf(PDF / "004.pdf", ocr=False, reader=reader)
    pages = max(row.page for grid in parsed.grids for row in grid.rows)
    assert pages > 1 and events == [e for n in range(1, len(events) // 2 + 1) for e in ("check", n)]
    assert len(events) // 2 >= pages


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_a_page_past_a_cap_is_refused_unread_by_either_reader(reader, monkeypatch):
    import pdfplumber

    import parsers.pdf.limits
    import parsers.pdf.pdfium_page
    from parsers.errors import Corrupt

    monkeypatch.setattr(parsers.pdf.limits, "MAX_OPERATORS", 10)
    monkeypatch.setattr(parsers.pdf.pdfium_page.PdfiumPage, "__init__", lambda *a: pytest.fail("PDFium read it"))
    if reader == "pdfium":                               # refused by the fast reader itself, not the reference
        monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: pytest.fail("the reference reader was opened"))
    with pytest.raises(Corrupt, match="page 1: too big to read: draws more than 10 operators on one page"):
        parse_pdf(PDF / "004.pdf", ocr=False, reader=reader)


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_each_font_is_inflated_once_per_file_and_still_capped(reader, monkeypatch):
    import parsers.pdf.limits as limits
    from parsers.errors import Corrupt

    fonts = []
    decoded = limits.decoded
    monkeypatch.setattr(limits, "decoded", lambda stream, limit, what: (
        fonts.append(stream.objid) if what == "a font" else None) or decoded(stream, limit, what))
    parse_pdf(PDF / "004.pdf", ocr=False, reader=reader)
    assert fonts and len(fonts) == len(set(fonts))
    monkeypatch.setattr(limits, "MAX_STREAM_BYTES", 1000)
    with pytest.raises(Corrupt, match="page 1: too big to read: a font inflates past"):
        parse_pdf(PDF / "004.pdf", ocr=False, reader=reader)
