"""Stitch a table printed over several pages back into one grid.

stitch_tables (a table that continues at the top of the next page with the same columns
is one table) → group_rows (repeated header rows dropped, a row a page break cut in two
joined, cells merged over the break carried on).
"""
from __future__ import annotations

import regex as re

from parsers.grid import GridRow
from parsers.headers import find_columns, header_map
from parsers.pdf import cells as cells_
from parsers.pdf.content import PageTable
from parsers.textutil.clean import fold, one_line

EDGE_TOLERANCE = 3.0         # points: column edges of a table continued on the next page match this well
_ITEM_START = re.compile(r"^(?:\d+(?:\.\d+)+\.?|[-+•]|[a-zđ]\))\s")

def stitch_tables(tables: list[PageTable]) -> list[list[PageTable]]:
    """Given tables in page order, return groups: a table and its continuations on the next pages."""
    groups: list[list[PageTable]] = []
    for table in tables:
        last = groups[-1][-1] if groups else None
        if last and continues(last, table):
            groups[-1].append(table)
        else:
            groups.append([table])
    return groups


def continues(before: PageTable, after: PageTable) -> bool:
    """Say whether `after` (first on its page) carries on `before` (last on the page before)."""
    if after.page != before.page + 1 or not (before.at_bottom and after.at_top):
        return False
    if len(before.xs) != len(after.xs):
        return False
    if header_map(after.rows[0]) and not _same_header(before, after):
        return False                          # a new table with another header
    return all(abs(a - b) <= EDGE_TOLERANCE for a, b in zip(before.xs, after.xs, strict=True))


def _same_header(before: PageTable, after: PageTable) -> bool:
    return any(_key(r) == _key(after.rows[0]) for r in before.rows[:6])


def _key(cells: list[str | None]) -> tuple[str, ...]:
    return tuple(fold(one_line(c or "")) for c in cells)


def find_header(rows) -> tuple[int, dict[int, str] | None]:
    """Given rows (cell lists or GridRows), return (index, {column: field}) of the header row."""
    found = find_columns([row.cells if isinstance(row, GridRow) else row for row in rows], search=8)
    return (found[0], found[1].fields) if found else (-1, None)


def group_rows(group: list[PageTable]) -> list[GridRow]:
    """Given a table and its continuations, return its grid rows, header first, pages stitched."""
    first = group[0]
    header_at, columns = find_header(first.rows)
    repeated = {_key(r) for r in first.rows[: header_at + 1]} if columns else set()
    if columns and header_at + 1 < len(first.rows) and _column_numbers(first.rows[header_at + 1]):
        repeated.add(_key(first.rows[header_at + 1]))
    rows: list[GridRow] = []
    for k, table in enumerate(group):
        spans = table.spans or [{} for _ in table.rows]
        body = list(zip(table.rows, spans, strict=True))
        if k > 0:
            while body and (_key(body[0][0]) in repeated or (columns and header_map(body[0][0]))):
                body.pop(0)
            if body and rows and is_fragment(body[0][0], columns or {}, group[k - 1]):
                _join_fragment(rows, body.pop(0)[0])
            elif body and rows:
                body[0] = (_merge_from_above(rows, body[0][0], group[k - 1]), body[0][1])
        for i, (cells, span) in enumerate(body):
            rows.append(GridRow(list(cells), len(rows) + 1, table.page, after_page_break=k > 0 and i == 0,
                                spans=dict(span)))
    return rows


def _column_numbers(cells: list[str | None]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?", c.strip()) for c in filled)


def _stt_column(columns: dict[int, str]) -> int:
    return next((i for i, name in columns.items() if name == "stt"), 0)


def is_fragment(cells: list[str | None], columns: dict[int, str], above: PageTable) -> bool:
    """Say whether a page's first row only carries on the last row of the page before.

    It has no STT (unless the STT cell itself was cut), and every cell of it with text
    continues a cell that the page break cut (one that runs to the bottom edge of the table above). When the row above is a
    single line at the foot of the page, that is not enough: then most of its cells must
    start in lower case, or it must have neither a lead (chủ trì) nor a deadline (thời
    gian). Without that geometry (a borderless or OCR table) the text rule alone decides:
    every cell in lower case, or no lead and no deadline and no cell starting a new item.
    """
    stt = _stt_column(columns)
    stt_cut = above.cut is not None and stt in above.cut      # "Hoạt động" | "1" over the break
    if cells[stt] and not stt_cut:
        return False
    texts = {i: c for i, c in enumerate(cells) if c and (i != stt or stt_cut)}
    if not texts:
        return False
    if above.cut is not None:
        if not set(texts) <= above.cut:
            return False
        if above.tall_cut:
            return True
    lower = sum(_starts_lower(t) for t in texts.values())
    if lower == len(texts) or (above.cut is not None and 2 * lower > len(texts)):
        return True
    if any(_ITEM_START.match(t) for t in texts.values()):
        return False
    owners = {columns.get(i) for i in texts}
    return bool(columns) and not owners & {"lead", "timeline"}


def _starts_lower(text: str) -> bool:
    first = next((ch for ch in text if ch.isalnum()), "")
    return bool(first) and first.islower()


def _join_fragment(rows: list[GridRow], cells: list[str | None]) -> None:
    """Join a fragment's cells to the last row; a cell merged from above goes to the row holding it."""
    for i, text in enumerate(cells):
        if not text or i >= len(rows[-1].cells):
            continue
        owner = next((r for r in reversed(rows) if r.cells[i] is not None), rows[-1])
        owner.cells[i] = cells_.join_fragments(owner.cells[i] or "", text)
    rows[-1].warnings.append("row continued across a page break")


def _merge_from_above(rows: list[GridRow], cells: list[str | None], above: PageTable) -> list[str | None]:
    """Given a new row at a page top, return its cells with the merged cells of the page before carried on.

    A cell merged over several rows that reached the foot of the page above goes on in
    this row: empty, it is merged (None); with text, and cut by the break, the text is the
    rest of the merged cell and joins the row that holds it.
    """
    out = list(cells)
    for i in above.merged_at_bottom:
        if i >= len(out):
            continue
        if out[i] == "":
            out[i] = None
        elif out[i] and above.cut and i in above.cut:
            owner = next((r for r in reversed(rows) if r.cells[i] is not None), None)
            if owner is not None:
                owner.cells[i] = cells_.join_fragments(owner.cells[i] or "", out[i])
                owner.warnings.append(f"merged cell {i + 1} continued across a page break")
                out[i] = None
    return out
