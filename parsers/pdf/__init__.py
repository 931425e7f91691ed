"""PDF plans: a PDF → grids of cells stitched across pages, plus body lines (a `ParsedFile`).

In: a .pdf path. Out: `parsers.grid.ParsedFile`. Read `document.py` first (`parse_pdf`: open,
check and read each page, stitch, split body from phụ lục), then `page.py` (one page with a
text layer), `stitch.py` (tables over pages), `cells.py` (characters → lines → cell text, ruled
cells → slots); `borderless.py` reads a table printed without lines, `ocr.py` a scanned page,
`glyphs.py` tells a text layer of unmapped glyphs (OCR needed, like a scan), `limits.py` checks
a page against its caps before it is read. `content.py` holds the page types they share.
A page's characters and ruling lines come from one of two readers: `pdfium_page.py` (PDFium,
the fast default: `pdfium_chars.py` turns its glyphs into pdfplumber's chars, `ruling.py` its
paths into pdfplumber's edges, `fonts.py` reads the descents) or pdfplumber itself (the
reference; CCHC_PDF_READER=pdfplumber).
"""
from parsers.pdf.document import parse_pdf

__all__ = ["parse_pdf"]
