"""A PDF text layer of glyphs without a Unicode map (parsers/pdf/glyphs.py): never read as text, OCR'd when it can be.

`000-unmapped.pdf` and `000-private-use.pdf` are page 1 of `000.pdf` with its fonts' Unicode maps
removed or pointed into the private-use area (`build_unmapped.py`): they print the same, but their
text layer reads "(cid:12)" or U+E00C.
"""
from __future__ import annotations

import difflib

import pytest

from parsers.errors import NoTextLayer
from parsers.pdf import parse_pdf
from parsers.pdf.content import PageContent
from parsers.pdf.glyphs import REASON, unreadable_glyph, unreadable_text
from parsers.pdf.ocr import ocr_available
from parsers.registry import parse_file
from tests.conftest import FIXTURES

PDF = FIXTURES / "pdf"
UNREADABLE = ["000-unmapped", "000-private-use"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_an_unreadable_text_layer_has_its_own_reason(name):
    with pytest.raises(NoTextLayer) as caught:
        parse_pdf(PDF / f"{name}.pdf", ocr=False)
    message = str(caught.value)
    assert f"{REASON}: OCR needed" in message and name in message and "\n" not in message


@pytest.mark.parametrize("name", UNREADABLE)
def test_it_goes_to_ocr_and_is_never_read_as_text(name, monkeypatch):
    read = []

    def fake_ocr(path, page, number):
        read.append(number)
        return PageContent(number, [], [])

    monkeypatch.setattr("parsers.pdf.ocr.read_scanned_page", fake_ocr)
    parsed = parse_pdf(PDF / f"{name}.pdf", ocr=True)
    assert read == [1] and parsed.grids == [] and parsed.body == []
    assert parsed.warnings == [f"page 1 read by OCR ({REASON}): check the text"]


@pytest.mark.skipif(not ocr_available(), reason="Tesseract with Vietnamese data is not installed (make setup-ocr)")
def test_ocr_reads_what_the_unmapped_glyphs_print():
    text_rows = parse_file(PDF / "000.pdf").grids[0].rows
    ocr_rows = parse_pdf(PDF / "000-unmapped.pdf", ocr=True).grids[0].rows
    assert ocr_rows[0].cells[:2] == ["STT", "NỘI DUNG"] and len(ocr_rows) >= 6
    # page 1 of 000.pdf: the header, area I and its first tasks; OCR may misread a letter here and there
    for ocr_row, text_row in zip(ocr_rows[1:6], text_rows[1:6], strict=False):
        assert difflib.SequenceMatcher(None, ocr_row.cells[1], text_row.cells[1]).ratio() > 0.9


@pytest.mark.parametrize("text, unreadable", [("(cid:123)", True), ("\ue00c", True), ("\ufffd", True), ("a", False),
                                              ("ệ", False), ("(cid:", False), ("", False)])
def test_unreadable_glyph(text, unreadable):
    assert unreadable_glyph(text) is unreadable


def test_a_few_unmapped_glyphs_among_real_text_are_not_a_lost_layer():
    chars = [{"text": c} for c in "Kế hoạch cải cách hành chính năm 2026"] + [{"text": "(cid:3)"}] * 5
    assert not unreadable_text(chars)
    assert unreadable_text([{"text": "(cid:3)"}] * 30)
    assert not unreadable_text([{"text": "(cid:3)"}] * 5)          # too few characters to say
