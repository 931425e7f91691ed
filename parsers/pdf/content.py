"""What a PDF page holds, as the page readers hand it on: its tables and its text lines.

The shared types of the PDF path: `page.py` (text layer), `borderless.py` and `ocr.py`
(scans) make them, `stitch.py` and `document.py` use them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from parsers.pdf.cells import Line

DEFAULT_PAD = 5.4            # points: Word's default left/right cell margin (0.19 cm)
# a line that is only page furniture: a page number ("3", "- 3 -", "Trang 3/19")
FURNITURE = re.compile(r"^[-–\s]*(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–\s]*$", re.I)

@dataclass
class PageTable:
    """One table as printed on one page: its rows of cell texts (None: merged with the cell above)."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]                          # column edges
    rows: list[list[str | None]]
    merged_at_bottom: set[int] = field(default_factory=set)   # columns whose last cell began higher up
    cut: set[int] | None = None              # columns whose last cell runs to the table's bottom edge
    tall_cut: bool = False                   # one of those holds two lines or more on this page
    at_top: bool = True                      # nothing but page furniture above it
    at_bottom: bool = True                   # nothing but page furniture below it
    kind: str = "ruled"                      # ruled | borderless | ocr
    spans: list[dict[int, int]] = field(default_factory=list)   # per row: column → columns one cell covers


@dataclass
class PageContent:
    """What one page holds: its tables, its text lines outside them, and whether it is a scan."""

    number: int
    tables: list[PageTable]
    lines: list[Line]
    scanned: bool = False
    unreadable: bool = False                 # it has characters, but glyphs without a Unicode map
