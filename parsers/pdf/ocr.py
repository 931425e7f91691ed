"""Read the scanned pages of a PDF by OCR: the optional path of `parsers.pdf`.

A page without a text layer (`page.py` marks it scanned) is rendered and read by
`parsers.pdf.scan` — cleaned (colour inks out, flat paper, upright by Tesseract's OSD,
deskewed), its ruled tables found and read cell by cell, its other text read as lines —
several pages at once; the tables then stitch over pages as a text layer's do, whatever
mix of scanned and text pages the file holds. It needs OpenCV (a dependency) and the
`tesseract` program with Vietnamese data (Debian `tesseract-ocr tesseract-ocr-vie
tesseract-ocr-osd`, `make setup-ocr`).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from parsers.errors import NoTextLayer
from parsers.pdf.content import PageContent
from parsers.pdf.scan.rules import cell_boxes, ruling_lines
from parsers.pdf.scan.tesseract import LANG, TesseractFailed
from parsers.pdf.scan.tesseract import available as _tesseract_available

__all__ = ["cell_boxes", "ocr_available", "read_scanned", "ruling_lines"]
NO_TEXT_LAYER = "no text layer"


@cache
def ocr_available() -> bool:
    """Say whether scanned pages can be read: OpenCV imports and Tesseract has Vietnamese data."""
    return _opencv_available() and _tesseract_available(LANG)


def _opencv_available() -> bool:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


def _require(path: Path, page: int | None = None) -> None:
    if ocr_available():
        return
    missing = f"Tesseract with '{LANG}'"
    if _tesseract_available(LANG) and not _opencv_available():
        missing = "OpenCV (pip install opencv-python-headless)"
    raise NoTextLayer(path, f"no text layer: OCR needed, and {missing} is not installed", page=page)


def read_scanned(path: Path, pages: list[PageContent], why: str = NO_TEXT_LAYER) -> list[str]:
    """Given a PDF and all its pages in order, read the scanned ones by OCR in place; return the document's warnings.

    `why`: what the pages lack (no text layer, or one of unreadable glyphs), said in the warning.
    """
    from parsers.pdf.scan.pages import carry_over, read_scans

    scanned = [p for p in pages if p.scanned]
    if not scanned:
        return []
    _require(path, scanned[0].number)
    try:
        found = read_scans(path, [p.number for p in scanned])
    except TesseractFailed as exc:
        raise NoTextLayer(path, f"{why}, and OCR failed: {exc}") from None
    for content in scanned:
        read = found[content.number].content
        content.tables, content.lines = read.tables, read.lines
    carry_over(pages)
    return document_warnings([found[p.number] for p in scanned], why)


def document_warnings(read, why: str = NO_TEXT_LAYER) -> list[str]:
    """Given the scanned pages as read, return what the document says of them: read by OCR, why, how well, turned."""
    numbers = [s.content.number for s in read]
    words = [s.confidence for s in read if s.confidence is not None]
    mean = f"; mean confidence {sum(words) / len(words):.0f}%" if words else ""
    out = [f"{_page_list(numbers)} read by OCR ({why}{mean}): check the text"]
    turned = [f"page {s.content.number} {90 * s.turns}°" for s in read if s.turns]
    if turned:
        out.append(f"scanned pages turned to read them: {', '.join(turned)}")
    return out


def _page_list(numbers: list[int]) -> str:
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {', '.join(map(str, numbers))}"
