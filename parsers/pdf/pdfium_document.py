"""A PDF opened for the fast reader: PDFium reads the pages, pdfminer's page tree stands beside it.

Each page comes as a `LazyPage`, read by PDFium (`pdfium_page.PdfiumPage`) only when its text
or lines are first asked for, as pdfplumber's pages are: so `document.read_page_checked`
checks the page against its caps (`limits.check_page`, on pdfminer's page: `page_obj`) before
PDFium reads it, whichever reader. pdfminer parses only the objects asked for (the page tree,
the fonts, and what the caps inflate to count), never a content stream into objects; the
fonts' descents come from the same pages (`fonts.page_descents`).
"""
from __future__ import annotations

from pathlib import Path

from parsers.errors import ParseError
from parsers.pdf.fonts import page_descents
from parsers.pdf.pdfium_page import PdfiumPage


class PdfiumFailed(Exception):
    """PDFium (or pdfminer beside it) could not open the file or read a page: the caller hands it to pdfplumber."""


class PdfiumDocument:
    """A PDF opened with PDFium: `pages[i]` is page i+1 as a `LazyPage`."""

    def __init__(self, path: Path):
        import pypdfium2

        try:
            self._pdf = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError as exc:
            raise PdfiumFailed(str(exc)) from None
        self._file = open(path, "rb")  # noqa: SIM115 - pdfminer reads objects from it until close()
        try:
            miner = miner_pages(self._file)
        except Exception as exc:  # noqa: BLE001 - a file pdfminer cannot open: the reference reader says why
            self.close()
            raise PdfiumFailed(f"pdfminer: {type(exc).__name__}: {exc}") from None
        if len(miner) != len(self._pdf):
            self.close()
            raise PdfiumFailed(f"PDFium counts {len(self._pdf)} pages, pdfminer {len(miner)}")
        self.pages = _Pages(self._pdf, miner, page_descents(miner))

    def close(self) -> None:
        self._pdf.close()
        self._file.close()


def miner_pages(fh) -> list:
    """Given an open PDF file, return pdfminer's pages (as pdfplumber opens them, no password)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    return list(PDFPage.create_pages(PDFDocument(PDFParser(fh))))


class _Pages:
    """The pages of a `PdfiumDocument`."""

    def __init__(self, pdf, miner: list, descents: dict[str, float]):
        self._pdf, self._miner, self._descents = pdf, miner, descents

    def __len__(self) -> int:
        return len(self._pdf)

    def __getitem__(self, index: int) -> LazyPage:
        if not 0 <= index < len(self._pdf):
            raise IndexError(index)
        return LazyPage(self, index, self._miner[index])

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def read(self, index: int) -> PdfiumPage:
        """Read page index+1 with PDFium (and let PDFium's page go)."""
        try:
            page = self._pdf[index]
        except Exception as exc:  # noqa: BLE001 - whatever PDFium raised, the reference reader takes over
            raise PdfiumFailed(f"page {index + 1}: {exc}") from None
        try:
            return PdfiumPage(page, self._descents)
        except ParseError:
            raise                            # a verdict on the file (a limit, say), not PDFium failing
        except Exception as exc:  # noqa: BLE001 - a page PDFium cannot read: the reference reader takes over
            raise PdfiumFailed(f"page {index + 1}: {type(exc).__name__}: {exc}") from None
        finally:
            page.close()


class LazyPage:
    """One page: `page_obj` (pdfminer's, for the caps) at once; what page.py reads, by PDFium at first use."""

    def __init__(self, pages: _Pages, index: int, page_obj):
        self._pages, self._index, self.page_obj = pages, index, page_obj
        self._read: PdfiumPage | None = None

    def read(self) -> PdfiumPage:
        """Return the page as PDFium reads it (read once)."""
        if self._read is None:
            self._read = self._pages.read(self._index)
        return self._read

    def __getattr__(self, name: str):
        if name.startswith("_"):             # never read a page for a private name (copy, pickle)
            raise AttributeError(name)
        return getattr(self.read(), name)    # chars, edges, images, width, height, rotation, find_tables

    def close(self) -> None:
        """Let the page's characters and lines go: memory stays flat over a long file."""
        self._read = None
