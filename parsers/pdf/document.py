"""Parse a PDF plan: its task tables as cell grids stitched across pages, plus the body text.

open_pdf → read_page (ruled tables as cell slots, else a borderless table from word
positions; the text outside them as body lines) → stitch_tables (a table that continues
at the top of the next page with the same columns is one table: repeated header rows are
dropped, and a row a page break cut in two is joined) → grids. A page without a text layer
is a scanned page: read by OCR when Tesseract with Vietnamese is installed
(`parsers.pdf.ocr`), otherwise reported as "no text layer: OCR needed".

Text is read from the characters' positions, not from pdfminer's layout: a cell's lines
are joined in reading order (`parsers.pdf.cells`), and everything is NFC.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parsers.errors import Corrupt, Encrypted, NoTextLayer, ParseError
from parsers.grid import BodyLine, Grid, ParsedFile
from parsers.headers import is_appendix_title
from parsers.pdf.content import FURNITURE, PageContent, PageTable
from parsers.pdf.glyphs import REASON
from parsers.pdf.limits import PageTooBig, check_page
from parsers.pdf.page import read_page
from parsers.pdf.stitch import find_header, group_rows, stitch_tables

TAIL_BYTES = 4096            # a complete PDF ends with %%EOF within its last bytes


def parse_pdf(path: str | Path, ocr: bool | None = None) -> ParsedFile:
    """Given a PDF plan, return its grids (tables stitched over pages), body lines and phụ lục title.

    `ocr`: None reads scanned pages by OCR when Tesseract with Vietnamese is installed
    (unless CCHC_OCR=0), False never, True always (an error when it is missing).
    """
    path = Path(path)
    check_complete(path)
    with open_pdf(path) as pdf:
        if not pdf.pages:
            raise Corrupt(path, "PDF has no pages")
        pages: list[PageContent] = []
        for n, page in enumerate(pdf.pages, start=1):
            pages.append(read_page_checked(path, page, n, _carried_table(pages)))
            page.close()                     # drop the page's parsed objects: memory stays flat
        warnings = read_scanned_pages(path, pdf, pages, ocr)
    groups = stitch_tables([t for p in pages for t in p.tables])
    grids = [Grid(group_rows(group), i) for i, group in enumerate(groups)]
    task_at = next((g for g, grid in zip(groups, grids, strict=True) if find_header(grid.rows)[1]), None)
    body, head = split_body(pages, task_at)
    return ParsedFile("pdf", grids, body, appendix_head=head, warnings=warnings)


# --- opening ------------------------------------------------------------------------------------


def check_complete(path: Path) -> None:
    """Raise Corrupt when the file stops before its end marker (a truncated download or copy)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise Corrupt(path, "truncated PDF: the %%EOF end marker is missing")


@contextmanager
def open_pdf(path: Path) -> Iterator:
    """Open a PDF with pdfplumber; password and syntax errors become Encrypted and Corrupt."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _pdf_error(path, exc) from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise Corrupt(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    try:
        yield pdf
    finally:
        pdf.close()


def _pdf_error(path: Path, exc: Exception, page: int | None = None) -> ParseError:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(cause).__name__
    if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
        return Encrypted(path, "encrypted PDF: a password is needed to open it", page=page)
    detail = str(cause).strip() or name
    return Corrupt(path, f"damaged PDF ({name}: {detail})"[:200], page=page)


def _carried_table(pages: list[PageContent]) -> PageTable | None:
    """Return the borderless table that runs to the foot of the last page read, if any."""
    last = pages[-1].tables[-1] if pages and pages[-1].tables else None
    return last if last and last.kind == "borderless" and last.at_bottom else None


def read_page_checked(path: Path, page, number: int, carry: PageTable | None = None) -> PageContent:
    """read_page, with a damaged page's error naming the file and the page."""
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        check_page(page.page_obj)
        return read_page(page, number, carry)
    except PageTooBig as exc:
        raise Corrupt(path, f"too big to read: {exc.args[0]}", page=number) from None
    except PdfminerException as exc:
        raise _pdf_error(path, exc, page=number) from None
    except (ValueError, TypeError, KeyError, AttributeError, AssertionError) as exc:
        raise Corrupt(path, f"damaged page ({type(exc).__name__}: {exc})"[:200], page=number) from None



# --- scanned pages ------------------------------------------------------------------------------


def ocr_wanted(ocr: bool | None) -> bool:
    """Given the caller's choice, say whether scanned pages are to be read by OCR."""
    if ocr is not None:
        return ocr
    if os.environ.get("CCHC_OCR", "").strip().lower() in ("0", "no", "off", "false"):
        return False
    from parsers.pdf.ocr import ocr_available

    return ocr_available()


def read_scanned_pages(path: Path, pdf, pages: list[PageContent], ocr: bool | None) -> list[str]:
    """Read the scanned pages by OCR, or raise NoTextLayer when the file has nothing else to read."""
    scanned = [p for p in pages if p.scanned]
    if not scanned:
        return []
    numbers = _page_list([p.number for p in scanned])
    why = REASON if all(p.unreadable for p in scanned) else "no text layer"
    if ocr_wanted(ocr):
        from parsers.pdf.ocr import read_scanned_page

        for content in scanned:
            found = read_scanned_page(path, pdf.pages[content.number - 1], content.number)
            content.tables, content.lines = found.tables, found.lines
        return [f"{numbers} read by OCR ({why}): check the text"]
    if not any(p.tables for p in pages):
        raise NoTextLayer(path, f"{why}: OCR needed ({numbers} {'unreadable' if why == REASON else 'scanned'})")
    return [f"{numbers} not read: {why} (OCR needed)"]


def _page_list(numbers: list[int]) -> str:
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {', '.join(map(str, numbers))}"


# --- body text ----------------------------------------------------------------------------------


def split_body(pages: list[PageContent], task: list[PageTable] | None) -> tuple[list[BodyLine], list[str]]:
    """Given the pages and the first task table, return the body lines and the phụ lục title lines."""
    lines = [(p.number, ln) for p in pages for ln in p.lines if not FURNITURE.match(ln.text)]
    if task is None:
        return [BodyLine(ln.text, i + 1, page) for i, (page, ln) in enumerate(lines)], []
    start = task[0]
    before = [(p, ln) for p, ln in lines if p < start.page or (p == start.page and ln.bottom <= start.bbox[1])]
    title_at = max((i for i, (_, ln) in enumerate(before) if is_appendix_title(ln.text)), default=None)
    if title_at is None:
        return [BodyLine(ln.text, i + 1, p) for i, (p, ln) in enumerate(before)], []
    body = [BodyLine(ln.text, i + 1, p) for i, (p, ln) in enumerate(before[:title_at])]
    head = [ln.text for _, ln in before[title_at + 1 :]]
    return body, head
