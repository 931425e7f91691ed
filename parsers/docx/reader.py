"""Read a Word document's body: paragraphs and tables in order, tables as grid rows.

DocReader.blocks walks w:tbl/w:tr/w:tc directly (plain lxml elements): merged cells
(gridSpan, vMerge, hMerge), Word numbering labels, legacy TCVN3/VNI fonts decoded run by
run, nested tables, and the page each row was last laid out on (w:lastRenderedPageBreak).

In a grid a cell is "" when empty and None when merged with the row above (vMerge
continue); a cell spanning several columns (gridSpan) keeps its text in its first column,
the columns it covers hold "" and `GridRow.spans` records the span. Text boxes and
deleted (tracked) text are not read.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from parsers.docx.numbering import Numbering, Styles
from parsers.docx.wordml import (
    W_BR,
    W_CR,
    W_GRIDBEFORE,
    W_GRIDCOL,
    W_GRIDSPAN,
    W_HMERGE,
    W_ILVL,
    W_LRPB,
    W_NBH,
    W_NUMID,
    W_NUMPR,
    W_P,
    W_PPR,
    W_PSTYLE,
    W_PTAB,
    W_R,
    W_RPR,
    W_RSTYLE,
    W_T,
    W_TAB,
    W_TBL,
    W_TBLGRID,
    W_TC,
    W_TCPR,
    W_TR,
    W_TRPR,
    W_VAL,
    W_VMERGE,
    WRAPPERS,
    font_of,
    to_int,
    val,
)
from parsers.grid import GridRow
from parsers.headers import HEADER_SEARCH_ROWS, table_columns
from parsers.textutil.clean import clean

# Word allows 63 columns; a row wider than this (gridSpan 30,000,000) is not a table anyone typed, and
# a document of more cells than this (a plan has a few thousand) would cost gigabytes to hold.
MAX_GRID_COLUMNS = 256
MAX_GRID_CELLS = 2_000_000


class GridTooBig(ValueError):
    """A table wider, or a document with more cells, than a plan could have (the parser says which file)."""


def _paragraph_props(ppr) -> tuple[str | None, tuple[str | None, str | None] | None]:
    """Given a w:pPr, return (style id, (numId, ilvl) or None)."""
    style = num_pr = None
    for prop in ppr:
        tag = prop.tag
        if tag == W_PSTYLE:
            style = prop.get(W_VAL)
        elif tag == W_NUMPR:
            num_pr = (val(prop, W_NUMID), val(prop, W_ILVL))
    return style, num_pr


def _cell_props(tcpr) -> tuple[int, str | None, str | None]:
    """Given a w:tcPr, return (gridSpan, vMerge, hMerge), merges as "restart", "continue" or None."""
    span, vmerge, hmerge = 1, None, None
    for prop in tcpr:
        tag = prop.tag
        if tag == W_GRIDSPAN:
            span = max(to_int(prop.get(W_VAL), 1), 1)
        elif tag == W_VMERGE:
            vmerge = prop.get(W_VAL) or "continue"
        elif tag == W_HMERGE:
            hmerge = prop.get(W_VAL) or "continue"
    return span, vmerge, hmerge


@dataclass
class Paragraph:
    """A paragraph outside the tables: its text lines (w:br splits lines)."""

    lines: list[str]
    number: int
    page: int | None


@dataclass
class Table:
    """A Word table read into grid rows (header rows included), with its nested tables."""

    index: int
    rows: list[GridRow]
    width: int
    first_paragraph: int = 0                  # the number of its first cell paragraph
    nested: list[Table] = field(default_factory=list)
    host: tuple[int, int] | None = None       # (row, column) of the cell holding a nested table
    header_at: int | None = None
    columns: dict[int, str] | None = None

    def lines(self) -> list[str]:
        """Return the table's text, cell by cell, one line per cell line (for layout tables)."""
        out = []
        for row in self.rows:
            for cell in row.cells:
                if cell:
                    out.extend(cell.split("\n"))
        return out


def _content(element) -> Iterator:
    """Given a container (body, cell, row), yield its children, looking through wrappers."""
    for child in element:
        if child.tag in WRAPPERS:
            yield from _content(child)
        else:
            yield child


def _runs(paragraph) -> Iterator:
    """Given a w:p, yield its runs in order, inside links, fields and insertions too."""
    for child in paragraph:
        tag = child.tag
        if tag == W_R:
            yield child
        elif tag in WRAPPERS:
            yield from _runs(child)


class DocReader:
    """Reads one document's paragraphs and tables in order, keeping numbering counters and pages."""

    def __init__(self, numbering: Numbering, styles: Styles, legacy: bool, paged: bool):
        self.numbering = numbering
        self.styles = styles
        self.legacy = legacy
        self.paged = paged
        self.marks = 0            # rendered page breaks seen so far
        self.paragraphs = 0
        self.tables = 0
        self.cells = 0            # grid cells made so far (capped at MAX_GRID_CELLS)

    @property
    def page(self) -> int | None:
        return self.marks + 1 if self.paged else None

    def blocks(self, container) -> Iterator[Paragraph | Table]:
        """Given the body (or any container), yield its paragraphs and tables in document order."""
        for child in _content(container):
            if child.tag == W_P:
                page = self.page
                text = self.paragraph(child)
                yield Paragraph([ln for ln in clean(text).split("\n") if ln], self.paragraphs, page)
            elif child.tag == W_TBL:
                yield self.table(child)

    def paragraph(self, p) -> str:
        """Given a w:p, return its text with its numbering label ("II. Cải cách…", "- …")."""
        self.paragraphs += 1
        style = num_pr = None
        parts: list[str] = []
        for child in p:
            tag = child.tag
            if tag == W_R:
                self._run(child, parts, style)
            elif tag == W_PPR:
                style, num_pr = _paragraph_props(child)
            elif tag in WRAPPERS:
                for run in _runs(child):
                    self._run(run, parts, style)
        text = "".join(parts)
        label = self._label(num_pr, style) if num_pr is not None or style is not None else ""
        if label == "- " and not text.strip():
            return text
        return label + text

    def _run(self, run, parts: list[str], style: str | None) -> None:
        """Append a w:r's text to parts: tabs, breaks and hyphens as characters, legacy fonts decoded."""
        start = len(parts)
        for child in run:
            tag = child.tag
            if tag == W_T:
                if child.text:
                    parts.append(child.text)
            elif tag == W_TAB or tag == W_PTAB:
                parts.append("\t")
            elif tag == W_BR or tag == W_CR:
                parts.append("\n")
            elif tag == W_NBH:
                parts.append("-")
            elif tag == W_LRPB:
                self.marks += 1
        if self.legacy and len(parts) > start:
            parts[start:] = [self._unlegacy("".join(parts[start:]), run, style)]

    def _label(self, num_pr: tuple[str | None, str | None] | None, style: str | None) -> str:
        """Given a paragraph's (numId, ilvl) and style, count it and return its numbering label."""
        inherited = self.styles.num_pr(style) if num_pr is None or None in num_pr else None
        if num_pr is None:
            return self.numbering.label(*inherited) if inherited else ""
        num_id, ilvl = num_pr
        num_id = num_id if num_id is not None else (inherited or (None, 0))[0]
        ilvl = to_int(ilvl, 0) if ilvl is not None else (inherited or (None, 0))[1]
        return self.numbering.label(num_id, ilvl)

    def _unlegacy(self, text: str, run, style: str | None) -> str:
        """Given a run's text, return it in Unicode when its font is a TCVN3 or VNI font."""
        from parsers.textutil.legacy import encoding_from_font, fix_legacy_text

        rpr = run.find(W_RPR)
        run_style = val(rpr, W_RSTYLE)
        font = font_of(rpr) or (self.styles.font(run_style) if run_style else None) or self.styles.font(style)
        return fix_legacy_text(text, font)[0] if encoding_from_font(font) else text

    def cell(self, tc) -> tuple[tuple[int, str | None, str | None], str | None, list[Table]]:
        """Given a w:tc, return ((gridSpan, vMerge, hMerge), its text, the tables nested in it).

        Paragraphs are lines; a vMerge continue cell's text is None (Word does not show it).
        """
        props, lines, nested = (1, None, None), [], []
        for child in tc:
            tag = child.tag
            if tag == W_P:
                lines.append(self.paragraph(child))
            elif tag == W_TCPR:
                props = _cell_props(child)
                if props[1] == "continue":
                    return props, None, []
            elif tag == W_TBL:
                nested.append(self.table(child))
            elif tag in WRAPPERS:
                for inner in _content(child):
                    if inner.tag == W_P:
                        lines.append(self.paragraph(inner))
                    elif inner.tag == W_TBL:
                        nested.append(self.table(inner))
        return props, clean("\n".join(lines)), nested

    def table(self, tbl) -> Table:
        """Given a w:tbl, return its rows as grid rows: spans resolved, vMerge continue as None."""
        table = Table(self.tables, [], 0, self.paragraphs + 1)
        table.width = _columns(len(tbl.findall(f"{W_TBLGRID}/{W_GRIDCOL}")), 0, table)
        self.tables += 1
        for n, tr in enumerate((c for c in _content(tbl) if c.tag == W_TR), 1):
            row = self._row(tr, n, table)
            table.width = max(table.width, len(row.cells))
            if any(row.cells):
                table.rows.append(row)
        for row in table.rows:
            row.cells += [""] * (table.width - len(row.cells))
        table.header_at, table.columns = find_header(table)
        if table.columns is not None:
            _inline_nested(table)
        return table

    def _row(self, tr, n: int, table: Table) -> GridRow:
        page = self.page
        before = _columns(to_int(val(tr.find(W_TRPR), W_GRIDBEFORE), 0), 0, table)
        cells: list[str | None] = [""] * before
        spans: dict[int, int] = {}
        start_marks, row_marks, last = self.marks, 0, None
        for tc in (c for c in _content(tr) if c.tag == W_TC):
            (span, _, hmerge), text, nested = self.cell(tc)
            span = _columns(span, len(cells), table)
            if text is not None:
                row_marks = max(row_marks, self.marks - start_marks)
                self.marks = start_marks
                for inner in nested:
                    inner.host = (n, len(cells))
                    table.nested.append(inner)
            if hmerge not in (None, "restart") and last is not None:   # legacy horizontal merge
                spans[last] = spans.get(last, 1) + span
                cells += [None if cells[last] is None else ""] * span
                continue
            last = len(cells)
            if span > 1 and text is not None:
                spans[last] = span
            cells += [text] + [None if text is None else ""] * (span - 1)
        self.marks = start_marks + row_marks
        self.cells += max(len(cells), table.width)
        if self.cells > MAX_GRID_CELLS:
            raise GridTooBig(f"its tables hold more than {MAX_GRID_CELLS:,} cells, more than a plan could: refused")
        return GridRow(cells, source_row=n, page=page, spans=spans, table_index=table.index)


def _columns(count: int, at: int, table: Table) -> int:
    """Given how many grid columns a cell covers (or a row skips) from column `at`, return it, or raise GridTooBig."""
    if at + count > MAX_GRID_COLUMNS:
        raise GridTooBig(f"table {table.index} has a row {at + count:,} columns wide (Word allows 63): refused")
    return max(count, 0)


def _inline_nested(table: Table) -> None:
    """In a task table, a table nested in a cell is part of that cell: append its lines to it."""
    by_row = {row.source_row: row for row in table.rows}
    for inner in table.nested:
        row = by_row.get(inner.host[0]) if inner.host else None
        if row is not None and inner.host[1] < len(row.cells):
            col = inner.host[1]
            row.cells[col] = clean("\n".join([row.cells[col] or ""] + inner.lines()))
    table.nested = []


def find_header(table: Table) -> tuple[int | None, dict[int, str] | None]:
    """Given a table, return (row index, {column: field}) of its task header, or (None, None).

    A header printed over two rows (a merged "Cơ quan thực hiện" above "Chủ trì | Phối hợp")
    is read as one row: each column takes its lowest label; the two rows become one.
    """
    rows = table.rows
    cells = [row.cells for row in rows]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = table_columns(row.cells, cells[i + 1 :])
        if i + 1 < len(rows) and (row.spans or None in rows[i + 1].cells):
            combined = _combine_header(row, rows[i + 1])
            both = table_columns(combined, cells[i + 2 :])
            if both and len(both.fields) > len(columns.fields if columns else {}):
                rows[i : i + 2] = [GridRow(combined, row.source_row, row.page, table_index=row.table_index)]
                return i, both.fields
        if columns:
            return i, columns.fields
    return None, None


def _combine_header(top: GridRow, below: GridRow) -> list[str | None]:
    spread = list(top.cells)
    for col, span in top.spans.items():
        spread[col + 1 : col + span] = [spread[col]] * (span - 1)
    return [b if b else (t or "") for t, b in zip(spread, below.cells, strict=False)]
