"""A table printed without ruling lines, read from where its words sit (the fallback of `page.py`).

find the header (a band of short labels from "STT"/"TT" down to the first numbered row,
whose labels the header synonyms know) → column edges (in the empty gutter between two
neighbouring labels, where no body text runs) → rows (a row starts where the STT column
starts a number: "1", "IV", "2.3", "Hoạt động 4") → cells (a phrase belongs to the column
its first letter is in; lines joined as in a ruled cell). A page that continues such a
table without repeating its header keeps the columns of the page before.
"""
from __future__ import annotations

from dataclasses import replace

import regex as re

from parsers.headers import header_map
from parsers.pdf.cells import Line, chars_to_lines, join_lines
from parsers.pdf.content import FURNITURE, PageTable
from parsers.textutil.clean import fold

PHRASE_GAP = 0.5             # font sizes: a wider gap after a glyph inside a printed line separates two cells
MAX_HEADER_ROWS = 6          # a header band is at most this many printed lines
END_GAP = 3.0                # line pitches: a wider vertical gap ends the table
WIDE = 0.6                   # a phrase wider than this share of the table is running text: the table ended

_STT_HEAD = re.compile(r"^(stt|tt|so tt|thu tu)$")
_ROW_START = re.compile(r"^(?:[IVX]+|\d{1,3}(?:\.\d{1,3})*|[a-zđ])[.)]?(?:\s|$)|^(?:Hoạt|Lĩnh|Nhiệm|HĐ|Mục)\b")
_OPEN_LABEL = re.compile(r"^(?:hoat|linh|nhiem|muc)(?: (?:dong|vuc|vu|tieu))?$")


def borderless_table(chars: list[dict], page: int, space: float | None, carry=None):
    """Given a page's chars (no ruled table on it), return its borderless table, or None.

    `carry`: the borderless table that ended at the foot of the page before; this page
    goes on with its columns, after its header if the header is printed again.
    """
    rows = _visual_rows(chars_to_lines(chars, split_gap=PHRASE_GAP))
    found = _carried_on(rows, carry) if carry is not None else None
    found = found or _header_band(rows)
    if found is None:
        return None
    start, end, xs = found
    stop = _table_end(rows, end, xs)
    header = [_header_cells(rows[start:end], xs)] if end > start else []
    grid, cut, tall = _body_cells(rows[end:stop], xs, space)
    if not header + grid:
        return None
    used = [ph for row in rows[start:stop] for ph in row]
    bbox = (xs[0], min(p.top for p in used), xs[-1], max(p.bottom for p in used))
    return PageTable(page, bbox, xs, header + grid, cut=cut, tall_cut=tall, kind="borderless")


def _carried_on(rows: list[list[Line]], carry) -> tuple[int, int, list[float]] | None:
    """Return (first row, first body row, edges) when this page carries on the table `carry`."""
    start = _first_table_row(rows, carry.xs)
    if start is None:
        return None
    header = carry.rows[0] if carry.rows and header_map(carry.rows[0]) else None
    for k in range(1, MAX_HEADER_ROWS + 1) if header else ():
        if _same_cells(_header_cells(rows[start : start + k], carry.xs), header):
            return start, start + k, carry.xs
    return start, start, carry.xs


def _same_cells(a: list[str | None], b: list[str | None]) -> bool:
    return [fold(c or "") for c in a] == [fold(c or "") for c in b]


def _visual_rows(phrases: list[Line]) -> list[list[Line]]:
    """Given phrases top to bottom, return them grouped by printed line, page furniture left out."""
    rows: list[list[Line]] = []
    for ph in phrases:
        if rows and abs(ph.top - rows[-1][0].top) <= 0.45 * ph.size:
            rows[-1].append(ph)
        else:
            rows.append([ph])
    rows = [sorted(r, key=lambda p: p.x0) for r in rows]
    while rows and len(rows[0]) == 1 and FURNITURE.match(rows[0][0].text):
        rows.pop(0)
    while rows and len(rows[-1]) == 1 and FURNITURE.match(rows[-1][0].text):
        rows.pop()
    return rows


def _header_band(rows: list[list[Line]]) -> tuple[int, int, list[float]] | None:
    """Return (first header row, first body row, column edges) when a task-table header is found."""
    for i, row in enumerate(rows):
        stt = next((p for p in row if _STT_HEAD.match(fold(p.text))), None)
        if stt is None or len(row) < 3:
            continue
        end = i + 1
        while end < len(rows) and end - i < MAX_HEADER_ROWS and not _starts_row(rows[end], stt):
            end += 1
        labels = _label_columns(rows[i:end])
        if header_map([text for _, _, text in labels]) is None:
            continue
        return i, end, _column_edges(labels, rows[end:])
    return None


def _starts_row(row: list[Line], stt: Line) -> bool:
    first = row[0]
    return first.x0 < stt.x1 + stt.size and bool(_ROW_START.match(first.text))


def _label_columns(band: list[list[Line]]) -> list[tuple[float, float, str]]:
    """Given the header band's phrases, return (x0, x1, label) per column, left to right."""
    spans: list[list] = []
    for ph in sorted((p for row in band for p in row), key=lambda p: p.x0):
        if spans and ph.x0 <= spans[-1][1] + 1.0:
            spans[-1][1] = max(spans[-1][1], ph.x1)
            spans[-1][2].append(ph)
        else:
            spans.append([ph.x0, ph.x1, [ph]])
    return [(x0, x1, " ".join(p.text for p in sorted(ps, key=lambda p: (p.top, p.x0))))
            for x0, x1, ps in spans]


def _column_edges(labels: list[tuple[float, float, str]], body: list[list[Line]]) -> list[float]:
    """Given the header labels and the body rows, return the column edges, left to right.

    Between two labels the edge sits in the middle of the widest stretch that the fewest
    body phrases cross (the gutter between two columns of text).
    """
    phrases = [p for row in body[:200] for p in row]
    left = min([labels[0][0]] + [p.x0 for p in phrases]) - 1.0
    right = max([labels[-1][1]] + [p.x1 for p in phrases]) + 1.0
    edges = [left]
    for (_, a1, _), (b0, _, _) in zip(labels, labels[1:], strict=False):
        edges.append(_gutter(a1, b0, phrases))
    return edges + [right]


def _gutter(lo: float, hi: float, phrases: list[Line]) -> float:
    if hi <= lo:
        return (lo + hi) / 2
    steps = max(int((hi - lo) / 0.5), 1)
    xs = [lo + (hi - lo) * k / steps for k in range(steps + 1)]
    counts = [sum(p.x0 < x < p.x1 for p in phrases) for x in xs]
    fewest = min(counts)
    best, run = (0, 0), None
    for k, c in enumerate(counts + [None]):
        if c == fewest and run is None:
            run = k
        elif c != fewest and run is not None:
            if k - run > best[1] - best[0]:
                best = (run, k)
            run = None
    return (xs[best[0]] + xs[best[1] - 1]) / 2


def _first_table_row(rows: list[list[Line]], xs: list[float]) -> int | None:
    """On a page that carries a table on, return the first row whose phrases sit in its columns."""
    for i, row in enumerate(rows[:3]):
        if all(xs[0] <= p.x0 <= xs[-1] for p in row) and not _is_running_text(row, xs):
            return i
    return None


def _is_running_text(row: list[Line], xs: list[float]) -> bool:
    return any(p.x1 - p.x0 > WIDE * (xs[-1] - xs[0]) for p in row)


def _table_end(rows: list[list[Line]], start: int, xs: list[float]) -> int:
    """Return the index of the first row after the table: running text or a wide vertical gap."""
    pitches = sorted(b[0].top - a[0].top for a, b in zip(rows[start:], rows[start + 1 :], strict=False))
    pitch = pitches[len(pitches) // 2] if pitches else 0
    for i in range(start, len(rows)):
        if _is_running_text(rows[i], xs) or any(p.x0 < xs[0] - 2 or p.x1 > xs[-1] + 2 for p in rows[i]):
            return i
        if i > start and pitch and rows[i][0].top - rows[i - 1][0].top > END_GAP * pitch:
            return i
    return len(rows)


def _column(x: float, xs: list[float]) -> int:
    return max(0, min(len(xs) - 2, sum(edge <= x for edge in xs) - 1))


def _header_cells(band: list[list[Line]], xs: list[float]) -> list[str]:
    """Given the header band's printed lines, return the label of each column."""
    cells: list[list[str]] = [[] for _ in range(len(xs) - 1)]
    for row in band:
        for ph in row:
            cells[_column(ph.x0 + 0.5, xs)].append(ph.text)
    return [" ".join(c) for c in cells]


def _body_cells(body: list[list[Line]], xs: list[float], space: float | None):
    """Given the body's printed lines and the column edges, return (rows, cut columns, tall cut)."""
    n = len(xs) - 1
    stt_col = 0
    groups: list[list[list[Line]]] = []            # per table row: per column, its lines
    for row in body:
        placed: list[list[Line]] = [[] for _ in range(n)]
        for ph in row:
            placed[_column(ph.x0 + 0.5, xs)].append(ph)
        stt = placed[stt_col]
        opens = bool(stt) and _ROW_START.match(stt[0].text) and not _label_open(groups, stt_col)
        if opens or not groups:
            groups.append([[] for _ in range(n)])
        for c in range(n):
            if placed[c]:
                groups[-1][c].append(_merge_phrases(placed[c]))
    widths = _text_areas(groups, xs)
    rows = [[join_lines(cell, widths[c][0], widths[c][1], space) for c, cell in enumerate(g)] for g in groups]
    cut: set[int] = set()
    tall = False
    if groups and body:
        last_top = body[-1][0].top
        for c, cell in enumerate(groups[-1]):
            if cell and abs(cell[-1].top - last_top) < 0.5 * cell[-1].size:
                cut.add(c)
                tall = tall or len(cell) > 1
    return rows, cut, tall


def _label_open(groups: list[list[list[Line]]], stt_col: int) -> bool:
    """Say whether the current row's STT is a label still waiting for its number ("Hoạt động")."""
    if not groups or not groups[-1][stt_col]:
        return False
    return bool(_OPEN_LABEL.match(fold(" ".join(ln.text for ln in groups[-1][stt_col]))))


def _merge_phrases(phrases: list[Line]) -> Line:
    """Given the phrases of one cell on one printed line, return them as one line."""
    if len(phrases) == 1:
        return phrases[0]
    first = phrases[0]
    return replace(first, text=" ".join(p.text for p in phrases), x1=max(p.x1 for p in phrases),
                   trailing_space=phrases[-1].trailing_space)


def _text_areas(groups: list[list[list[Line]]], xs: list[float]) -> list[tuple[float, float]]:
    """Return each column's text area: leftmost start and rightmost end of its wrapped lines.

    Only task rows count (an area heading's title runs past its column), and of those
    the lines that wrapped (not the last of their cell), which reach the area's right end.
    """
    tasks = [g for g in groups if sum(1 for cell in g if cell) > 2] or groups
    areas = []
    for c in range(len(xs) - 1):
        lines = [ln for g in tasks for ln in g[c]]
        wrapped = [ln for g in tasks for ln in g[c][:-1] if ln.x1 <= xs[c + 1]] or lines
        areas.append((min((ln.x0 for ln in lines), default=0.0), max((ln.x1 for ln in wrapped), default=0.0)))
    return areas
