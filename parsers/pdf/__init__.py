"""PDF plans: a PDF → grids of cells stitched across pages, plus body lines (a `ParsedFile`).

In: a .pdf path. Out: `parsers.grid.ParsedFile`. Read `document.py` first (`parse_pdf`: open,
read each page, stitch, split body from phụ lục), then `page.py` (one page with a text layer),
`stitch.py` (tables over pages), `cells.py` (characters → lines → cell text, ruled cells →
slots); `borderless.py` reads a table printed without lines, `ocr.py` a scanned page,
`glyphs.py` tells a text layer of unmapped glyphs (OCR needed, like a scan).
`content.py` holds the page types they share.
"""
from parsers.pdf.document import parse_pdf

__all__ = ["parse_pdf"]
