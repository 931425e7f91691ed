"""Read one PDF page with a text layer: ruled tables as cell grids, else a borderless table,
and the text lines outside them.

Text is read from the characters' positions, not from pdfminer's layout: a cell's lines
are joined in reading order (`parsers.pdf.cells`), and everything is NFC. Sideways and
/Rotate'd pages are turned upright first.
"""
from __future__ import annotations

from parsers.pdf import cells as cells_
from parsers.pdf.cells import Line
from parsers.pdf.content import DEFAULT_PAD, FURNITURE, PageContent, PageTable
from parsers.pdf.glyphs import unreadable_text

MIN_TEXT_CHARS = 20          # a page with fewer printed chars than this and an image is a scanned page
CUT_LINES = 1.6             # font sizes: a cell whose last line ends this near the table's bottom was cut
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

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
    if unreadable_text(inked):                 # glyphs without a Unicode map: no text, though it has chars
        return PageContent(number, [], [], scanned=True, unreadable=True)
    space = _space_width(chars)
    tables = []
    for found in page.find_tables(table_settings(page, edges)):
        table = ruled_table(found.cells, found.bbox, chars, number, space)
        if table:
            tables.append(table)
    rest = [c for c in chars if not any(_inside(c, t.bbox) for t in tables)]
    lines = cells_.chars_to_lines(rest, split_gap=cells_.BIG_GAP)
    if not tables:
        from parsers.pdf.borderless import borderless_table

        found = borderless_table(rest, number, space, carry)
        if found:
            tables.append(found)
            lines = [ln for ln in lines if not _line_inside(ln, found.bbox)]
    for t in tables:
        t.at_top = not any(ln.bottom <= t.bbox[1] and not FURNITURE.match(ln.text) for ln in lines)
        t.at_bottom = not any(ln.top >= t.bbox[3] and not FURNITURE.match(ln.text) for ln in lines)
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
