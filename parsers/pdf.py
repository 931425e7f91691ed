"""Parse a PDF plan: its task tables as cell grids stitched across pages, plus the body text.

open_pdf → read_page (ruled tables as cell slots, else a borderless table from word
positions; the text outside them as body lines) → stitch_tables (a table that continues
at the top of the next page with the same columns is one table: repeated header rows are
dropped, and a row a page break cut in two is joined) → grids. A page without a text layer
is a scanned page: read by OCR when Tesseract with Vietnamese is installed
(`parsers.ocr`), otherwise reported as "no text layer: OCR needed".

Text is read from the characters' positions, not from pdfminer's layout: a cell's lines
are joined in reading order (`parsers.pdf_cells`), and everything is NFC.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import regex as re

from parsers import pdf_cells as cells_
from parsers.errors import Corrupt, Encrypted, NoTextLayer, ParseError
from parsers.grid import BodyLine, Grid, GridRow, ParsedFile
from parsers.headers import header_map
from parsers.pdf_cells import Line
from parsers.textclean import fold, one_line

MIN_TEXT_CHARS = 20          # a page with fewer printed chars than this and an image is a scanned page
EDGE_TOLERANCE = 3.0         # points: column edges of a table continued on the next page match this well
DEFAULT_PAD = 5.4            # points: Word's default left/right cell margin (0.19 cm)
CUT_LINES = 1.6             # font sizes: a cell whose last line ends this near the table's bottom was cut
TAIL_BYTES = 4096            # a complete PDF ends with %%EOF within its last bytes
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

_FURNITURE = re.compile(r"^[-–\s]*(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–\s]*$", re.I)
_APPENDIX = re.compile(r"^phu luc\b")
_ITEM_START = re.compile(r"^(?:\d+(?:\.\d+)+\.?|[-+•]|[a-zđ]\))\s")


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
    task_at = next((g for g, grid in zip(groups, grids, strict=True) if _header_at(grid.rows)[1]), None)
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
        return read_page(page, number, carry)
    except PdfminerException as exc:
        raise _pdf_error(path, exc, page=number) from None
    except (ValueError, TypeError, KeyError, AttributeError, AssertionError) as exc:
        raise Corrupt(path, f"damaged page ({type(exc).__name__}: {exc})"[:200], page=number) from None


# --- one page -----------------------------------------------------------------------------------


def read_page(page, number: int, carry: PageTable | None = None) -> PageContent:
    """Given a pdfplumber page, return its tables and the text lines outside them.

    `carry`: the borderless table the page before ended with.
    """
    chars, edges = page.chars, None
    if _sideways(chars):
        chars, edges = turn_upright(chars, page.edges, page.width, page.height, _clockwise(chars))
    chars = cells_.glue_combining([c for c in chars if _across(c)])
    inked = [c for c in chars if c["text"].strip()]
    if len(inked) < MIN_TEXT_CHARS and page.images:
        return PageContent(number, [], cells_.chars_to_lines(inked, split_gap=cells_.BIG_GAP), scanned=True)
    space = _space_width(chars)
    tables = []
    for found in page.find_tables(table_settings(page, edges)):
        table = ruled_table(found.cells, found.bbox, chars, number, space)
        if table:
            tables.append(table)
    rest = [c for c in chars if not any(_inside(c, t.bbox) for t in tables)]
    lines = cells_.chars_to_lines(rest, split_gap=cells_.BIG_GAP)
    if not tables:
        from parsers.pdf_borderless import borderless_table

        found = borderless_table(rest, number, space, carry)
        if found:
            tables.append(found)
            lines = [ln for ln in lines if not _line_inside(ln, found.bbox)]
    for t in tables:
        t.at_top = not any(ln.bottom <= t.bbox[1] and not _FURNITURE.match(ln.text) for ln in lines)
        t.at_bottom = not any(ln.top >= t.bbox[3] and not _FURNITURE.match(ln.text) for ln in lines)
    return PageContent(number, tables, lines)


def _across(ch: dict) -> bool:
    """Say whether a char's baseline runs across the page, from its text matrix.

    pdfminer's own `upright` takes a quarter-turned matrix (6e-17, -1, 1, 6e-17) for
    upright, since 6e-17 × 6e-17 > 0; the larger of the matrix's first two terms decides.
    """
    matrix = ch.get("matrix")
    return abs(matrix[0]) >= abs(matrix[1]) if matrix else ch.get("upright", True)


def _sideways(chars: list[dict]) -> bool:
    """Say whether most of a page's text runs sideways (a landscape table drawn on a portrait page)."""
    inked = [c for c in chars if c["text"].strip()]
    return sum(not _across(c) for c in inked) > len(inked) / 2


def _clockwise(chars: list[dict]) -> bool:
    """Say whether sideways text reads top to bottom (its baseline points down the page)."""
    turned = [c for c in chars if not _across(c)]
    return 2 * sum(1 for c in turned if c["matrix"][1] < 0) >= len(turned)


def turn_upright(chars: list[dict], edges: list[dict], width: float, height: float, clockwise: bool):
    """Given a sideways page's chars and ruling edges, return both turned a quarter so the text reads across.

    Text reading top to bottom (clockwise) turns with x ← top, top ← width − x; text reading
    bottom to top the other way. The chars come back upright.
    """
    def box(obj: dict) -> dict:
        x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
        if clockwise:
            turned = {"x0": top, "x1": bottom, "top": width - x1, "bottom": width - x0}
        else:
            turned = {"x0": height - bottom, "x1": height - top, "top": x0, "bottom": x1}
        return {**obj, **turned}

    upright = [{**box(c), "upright": True, "matrix": (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)} for c in chars]
    flipped = [{**box(e), "orientation": "v" if e.get("orientation") == "h" else "h"} for e in edges]
    return upright, flipped


def table_settings(page, edges: list[dict] | None = None) -> dict:
    """Return pdfplumber's table settings for a page: ruling lines, straightened on rotated pages.

    On a page with /Rotate, pdfminer's rotated coordinates leave a horizontal rule's two
    ends a hair apart (97.95093700000001 vs …07), and pdfplumber then files it as a
    vertical edge: the table vanishes. Edges are given explicitly, with their orientation
    read from their extent; so are the edges of a sideways page, once turned upright.
    """
    if not page.rotation and edges is None:
        return TABLE_SETTINGS
    vertical, horizontal = [], []
    for edge in page.edges if edges is None else edges:
        flat = abs(edge["bottom"] - edge["top"]) < 0.01
        upright = abs(edge["x1"] - edge["x0"]) < 0.01
        if flat == upright:
            continue
        fixed = dict(edge, object_type="rect_edge", orientation="h" if flat else "v")
        if flat:
            fixed["bottom"] = fixed["top"]
            horizontal.append(fixed)
        else:
            fixed["x1"] = fixed["x0"]
            vertical.append(fixed)
    return {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
            "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal}


def _space_width(chars: list[dict]) -> float | None:
    widths = sorted(c["x1"] - c["x0"] for c in chars if c["text"] == " " and c["x1"] > c["x0"])
    return widths[len(widths) // 2] if widths else None


def _inside(ch: dict, bbox) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _line_inside(line: Line, bbox) -> bool:
    y = (line.top + line.bottom) / 2
    return bbox[1] <= y <= bbox[3] and line.x1 >= bbox[0] and line.x0 <= bbox[2]


def ruled_table(boxes, bbox, chars: list[dict], page: int, space: float | None) -> PageTable | None:
    """Given a ruled table's cell boxes and the page's chars, return its rows of cell texts."""
    if not boxes:
        return None
    slots = cells_.table_slots([tuple(b) for b in boxes])
    if len(slots.xs) < 3 or len(slots.ys) < 3:
        return None
    per_cell: list[list[dict]] = [[] for _ in slots.cells]
    for ch in chars:
        if _inside(ch, bbox):
            k = slots.cell_at((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2)
            if k is not None:
                per_cell[k].append(ch)
    lines = [cells_.chars_to_lines(cs) for cs in per_cell]
    pads = [ls[0].x0 - box[0] for ls, box in zip(lines, slots.cells, strict=True) if ls]
    pad = min(max(min(pads, default=DEFAULT_PAD), 0.5), 12.0)
    texts = [cells_.join_lines(ls, box[0] + pad, box[2] - pad, space)
             for ls, box in zip(lines, slots.cells, strict=True)]
    rows, spans = [], []
    for owners in slots.owner:
        if any(isinstance(o, int) for o in owners):
            rows.append([texts[o] if isinstance(o, int) else o for o in owners])
            spans.append(cells_.row_spans(owners))
    if not rows:
        return None
    merged = {c for c, o in enumerate(slots.owner[-1]) if o is cells_.MERGED_ABOVE}
    bottom_cells = {c: slots.cell_at((slots.xs[c] + slots.xs[c + 1]) / 2, slots.ys[-1] - 0.5)
                    for c in range(len(slots.xs) - 1)}
    cut = {c: lines[k] for c, k in bottom_cells.items() if k is not None and _reaches(lines[k], bbox[3])}
    return PageTable(page, tuple(bbox), slots.xs, rows, merged, set(cut), any(len(ls) > 1 for ls in cut.values()),
                     spans=spans)


def _reaches(lines: list[Line], bottom: float) -> bool:
    """Say whether a cell's last line sits on the table's bottom edge (the page break cut the cell)."""
    return bool(lines) and lines[-1].bottom >= bottom - CUT_LINES * lines[-1].size


# --- scanned pages ------------------------------------------------------------------------------


def ocr_wanted(ocr: bool | None) -> bool:
    """Given the caller's choice, say whether scanned pages are to be read by OCR."""
    if ocr is not None:
        return ocr
    if os.environ.get("CCHC_OCR", "").strip().lower() in ("0", "no", "off", "false"):
        return False
    from parsers.ocr import ocr_available

    return ocr_available()


def read_scanned_pages(path: Path, pdf, pages: list[PageContent], ocr: bool | None) -> list[str]:
    """Read the scanned pages by OCR, or raise NoTextLayer when the file has nothing else to read."""
    scanned = [p for p in pages if p.scanned]
    if not scanned:
        return []
    numbers = _page_list([p.number for p in scanned])
    if ocr_wanted(ocr):
        from parsers.ocr import read_scanned_page

        for content in scanned:
            found = read_scanned_page(path, pdf.pages[content.number - 1], content.number)
            content.tables, content.lines = found.tables, found.lines
        return [f"{numbers} read by OCR: check the text"]
    if not any(p.tables for p in pages):
        raise NoTextLayer(path, f"no text layer: OCR needed ({numbers} scanned)")
    return [f"{numbers} scanned, not read: no text layer (OCR needed)"]


def _page_list(numbers: list[int]) -> str:
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {', '.join(map(str, numbers))}"


# --- stitching across pages ---------------------------------------------------------------------


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


def _header_at(rows) -> tuple[int, dict[int, str] | None]:
    """Given rows (cell lists or GridRows), return (index, {column: field}) of the header row."""
    for i, row in enumerate(rows[:8]):
        columns = header_map(row.cells if isinstance(row, GridRow) else row)
        if columns:
            return i, columns
    return -1, None


def group_rows(group: list[PageTable]) -> list[GridRow]:
    """Given a table and its continuations, return its grid rows, header first, pages stitched."""
    first = group[0]
    header_at, columns = _header_at(first.rows)
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


# --- body text ----------------------------------------------------------------------------------


def split_body(pages: list[PageContent], task: list[PageTable] | None) -> tuple[list[BodyLine], list[str]]:
    """Given the pages and the first task table, return the body lines and the phụ lục title lines."""
    lines = [(p.number, ln) for p in pages for ln in p.lines if not _FURNITURE.match(ln.text)]
    if task is None:
        return [BodyLine(ln.text, i + 1, page) for i, (page, ln) in enumerate(lines)], []
    start = task[0]
    before = [(p, ln) for p, ln in lines if p < start.page or (p == start.page and ln.bottom <= start.bbox[1])]
    title_at = max((i for i, (_, ln) in enumerate(before) if _is_appendix_title(ln.text)), default=None)
    if title_at is None:
        return [BodyLine(ln.text, i + 1, p) for i, (p, ln) in enumerate(before)], []
    body = [BodyLine(ln.text, i + 1, p) for i, (p, ln) in enumerate(before[:title_at])]
    head = [ln.text for _, ln in before[title_at + 1 :]]
    return body, head


def _is_appendix_title(text: str) -> bool:
    return len(text) < 80 and bool(_APPENDIX.match(fold(text)))


__all__ = ["parse_pdf", "read_page", "PageTable", "PageContent"]
