"""The one shape every parser returns: tables as grids of cells with provenance, plus body text.

A parser turns a file (DOCX, PDF, text) into a `ParsedFile`; the structure step
(`pipeline.rows`) turns that into task rows. Parsers know nothing of areas,
merges or Parquet: they only say what text sits in which cell, where.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GridRow:
    """One table row as printed.

    `cells[i]` is the text of column i: "" for an empty cell, None for a cell the
    source left out because it is merged with the row above (vMerge continue,
    rowspan, or a flattened web table that drops merged cells).
    """

    cells: list[str | None]
    source_row: int                    # 1-based line (text files) or row index in the table
    page: int | None = None
    after_page_break: bool = False     # first row after a header repeated at a page top
    warnings: list[str] = field(default_factory=list)
    # column → number of columns one merged cell covers (DOCX gridSpan); its text sits in
    # the first column, the columns it also covers hold "".
    spans: dict[int, int] = field(default_factory=dict)
    table_index: int | None = None     # the source table, when one grid stitches several (DOCX)
    # each cell's box on its page (x0, top, x1, bottom in PDF points), when the parser knows it (OCR)
    boxes: list[tuple[float, float, float, float] | None] | None = None


@dataclass
class Grid:
    """A table: its rows in order, the header row(s) included as the parser saw them."""

    rows: list[GridRow]
    table_index: int = 0


@dataclass
class BodyLine:
    """A paragraph (or a wrapped line) of running text outside the tables."""

    text: str
    line: int
    page: int | None = None


@dataclass
class ParsedFile:
    """What a parser makes of one file."""

    source_format: str                 # docx | pdf | txt
    grids: list[Grid]
    body: list[BodyLine]               # running text before the phụ lục (all of it when there is none)
    appendix_head: list[str] = field(default_factory=list)  # title lines of the phụ lục
    warnings: list[str] = field(default_factory=list)
