"""Assemble a Word document's blocks into a `ParsedFile`, and `parse_docx`, the parser itself.

check_package → open_package → DocReader.blocks → assemble: task tables picked by their
header, split tables stitched, the text before the phụ lục kept as body lines (layout
tables cell by cell, so the letterhead reaches the metadata). `Grid.table_index` counts the
document's tables from 0 in document order (nested ones included); `GridRow.source_row` is
the row's 1-based position in its Word table; `page` is the page Word last rendered it on,
None when the file does not say.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from parsers.docx.numbering import Numbering, Styles
from parsers.docx.package import check_package, open_package
from parsers.docx.reader import DocReader, GridTooBig, Paragraph, Table
from parsers.docx.wordml import W_ASCII, W_HANSI, W_LRPB, W_RFONTS, W
from parsers.errors import Corrupt
from parsers.grid import BodyLine, Grid, ParsedFile
from parsers.headers import is_appendix_title


def _flatten(blocks: Iterator[Paragraph | Table]) -> Iterator[Paragraph | Table]:
    """Yield blocks; a layout table's nested tables follow it, so a task table inside one is found."""
    for block in blocks:
        yield block
        if isinstance(block, Table) and block.columns is None and block.nested:
            yield from _flatten(iter(block.nested))


def assemble(blocks: Iterator[Paragraph | Table]) -> ParsedFile:
    """Given a document's blocks, return grids (task tables, split ones stitched) and body lines.

    Body: the text outside the phụ lục (before its title; all of it when there is none, so
    the body goes on after a task table set in it), layout tables included cell by cell, so
    metadata sees the letterhead. Appendix head: the
    lines between the phụ lục title and the first task table. A table carrying the same
    header as the task table just above it, or no header but the same columns, with no
    text in between, continues it (a table split by hand, or at a page). A real table
    (2+ rows, 3+ columns) after the phụ lục title that is no task table (an inspection
    schedule, a statistics form) is named in the warnings.
    """
    body: list[BodyLine] = []
    head: list[str] = []
    grids: list[Grid] = []
    warnings: list[str] = []
    in_appendix, text_since_table = False, False
    current: Table | None = None
    for block in _flatten(blocks):
        if isinstance(block, Paragraph):
            for line in block.lines:
                text_since_table = True
                if not in_appendix and is_appendix_title(line):
                    in_appendix = True
                elif in_appendix:
                    if not grids:
                        head.append(line)
                else:                              # the body goes on after a task table set in it
                    body.append(BodyLine(line, block.number, block.page))
            continue
        if current is not None and not text_since_table and _continues(current, block):
            rows = block.rows[block.header_at or 0 :]
            if block.columns is None:
                rows[0].after_page_break = True     # its first row may end the row above
            grids[-1].rows.extend(rows)
        elif block.columns is not None:
            grids.append(Grid(block.rows[block.header_at :], block.index))
            current = block
        elif (grids or in_appendix) and len(block.rows) > 1 and block.width >= 3:
            warnings.append(f"table {block.index} skipped: no task header ({_first_cells(block)})")
        elif in_appendix and not grids:
            head.extend(block.lines())
        elif not in_appendix:
            page = block.rows[0].page if block.rows else None
            body.extend(BodyLine(ln, block.first_paragraph, page) for ln in block.lines())
        text_since_table = False
    return ParsedFile("docx", grids, body, appendix_head=head if grids else [], warnings=warnings)


def _continues(current: Table, block: Table) -> bool:
    if block.columns is not None:
        return block.columns == current.columns
    return block.width == current.width and bool(block.rows)


def _first_cells(table: Table) -> str:
    cells = [c.replace("\n", " ") for c in table.rows[0].cells if c] if table.rows else []
    return " | ".join(cells)[:80]


# --- the parser ----------------------------------------------------------------------------------

def parse_docx(path: str | Path) -> ParsedFile:
    """Given a .docx plan, return its task grids, body lines and phụ lục title lines."""
    path = Path(path)
    check_package(path)
    xml = open_package(path)
    styles = Styles(xml.styles)
    numbering = Numbering(xml.numbering, styles)
    body = xml.document.find(W + "body")
    if body is None:
        raise Corrupt(path, "a Word package without a document body")
    legacy = styles.legacy_fonts() or _uses_legacy_fonts(body)
    paged = next(body.iter(W_LRPB), None) is not None
    reader = DocReader(numbering, styles, legacy, paged)
    try:
        return assemble(reader.blocks(body))
    except GridTooBig as exc:
        raise Corrupt(path, str(exc)) from None


def _uses_legacy_fonts(body) -> bool:
    """Return True when a run names a TCVN3 (.Vn…) or VNI font."""
    from parsers.textutil.legacy import encoding_from_font

    names = {f.get(W_ASCII) or f.get(W_HANSI) for f in body.iter(W_RFONTS)}
    return any(encoding_from_font(name) for name in names if name)
