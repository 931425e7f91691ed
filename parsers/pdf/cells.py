"""Geometry of a PDF page's text: characters → lines → cell text, and ruled tables → cell slots.

Plain tuples and small dataclasses, no pdfplumber objects: each function here can be
tested on a handful of made-up characters. `page.py` drives them page by page.

Lines of a cell are joined in reading order: a line the next word would have fitted on
ended with a paragraph break (kept as "\\n"); otherwise the text wrapped and the lines are
joined with a space, or with nothing after a hyphen or slash that ends a word ("NĐ-" + "CP").
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter

from parsers.textutil.clean import nfc

LINE_TOLERANCE = 0.45        # chars whose tops differ by less than this many font sizes share a line
SPACE_GAP = 0.15             # a gap wider than this many font sizes between glyphs is a space
FIT_TOLERANCE = 0.6          # points: a word "would have fitted" only with this much room to spare
SNAP = 1.0                   # points: cell edges closer than this are one edge
BIG_GAP = 2.5                # font sizes: a gap this wide inside a body line separates two blocks
_TOP_LEFT = itemgetter("top", "x0")
_LEFT = itemgetter("x0")


@dataclass
class Line:
    """One printed line: its text and box, the font size and the width of its first word."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_word: float
    trailing_space: bool = False       # a space glyph follows its last letter (the break was at a space)


def glue_combining(chars: list[dict]) -> list[dict]:
    """Given chars in stream order, return them with each combining mark joined to its base char.

    pdfminer may give Vietnamese in decomposed form (a + ̀): the mark is a char of its own
    whose box can start left of its base, so sorting by x would move it.
    """
    out: list[dict] = []
    combining = unicodedata.combining
    for ch in chars:
        text = ch["text"]
        if out and text and combining(text[0]) and all(combining(c) for c in text):
            base = out[-1]
            out[-1] = {**base, "text": nfc(base["text"] + text)}
        else:
            out.append(ch)
    return out


def chars_to_lines(chars: list[dict], split_gap: float | None = None) -> list[Line]:
    """Given chars (dicts with text, x0, x1, top, bottom, size), return their lines top to bottom.

    With split_gap, a line is cut where a gap wider than that many font sizes opens (a
    letterhead's two columns side by side become two lines, left first).
    """
    if not chars:
        return []
    rows: list[list[dict]] = []
    row_top = 0.0
    for ch in sorted(chars, key=_TOP_LEFT):
        size = ch["size"]
        if rows and ch["top"] - row_top <= LINE_TOLERANCE * (size if size > 1.0 else 1.0):
            rows[-1].append(ch)
        else:
            rows.append([ch])
            row_top = ch["top"]
    lines: list[Line] = []
    for row in rows:
        row.sort(key=_LEFT)
        for block in (_blocks(row, split_gap) if split_gap else [row]):
            line = _line(block)
            if line:
                lines.append(line)
    return lines


def _blocks(row: list[dict], gap: float) -> list[list[dict]]:
    """Cut a printed line where the gap after any glyph (a space glyph counts) is wider than `gap` sizes."""
    blocks = [[row[0]]]
    for prev, ch in zip(row, row[1:], strict=False):
        size = ch["size"]
        if ch["x0"] - prev["x1"] > gap * (size if size > 1.0 else 1.0) and ch["text"].strip():
            blocks.append([ch])
        else:
            blocks[-1].append(ch)
    return blocks


def _line(chars: list[dict]) -> Line | None:
    """Given one line's chars sorted by x, return the Line (spaces from glyphs or from gaps)."""
    parts: list[str] = []
    inked: list[dict] = []
    pending = False
    first_word_end = None
    for ch in chars:
        text = ch["text"]
        if not text.strip():
            pending = bool(inked)
            continue
        if inked:
            size = ch["size"]
            if pending or ch["x0"] - inked[-1]["x1"] > SPACE_GAP * (size if size > 1.0 else 1.0):
                parts.append(" ")
                first_word_end = inked[-1]["x1"] if first_word_end is None else first_word_end
        parts.append(text)
        inked.append(ch)
        pending = False
    if not inked:
        return None
    x0, x1 = inked[0]["x0"], max([c["x1"] for c in inked])
    size = sorted([c["size"] for c in inked])[len(inked) // 2]
    first_word = (first_word_end if first_word_end is not None else x1) - x0
    top, bottom = min([c["top"] for c in inked]), max([c["bottom"] for c in inked])
    return Line(nfc("".join(parts)), x0, x1, top, bottom, size, first_word, pending)


def join_lines(lines: list[Line], left: float, right: float, space: float | None = None) -> str:
    """Given a cell's lines and its text area (left, right), return the cell text in reading order."""
    if not lines:
        return ""
    out = [lines[0].text]
    for a, b in zip(lines, lines[1:], strict=False):
        gap = space if space is not None else 0.25 * a.size
        wrapped = (a.x1 - a.x0) + gap + b.first_word > (right - left) - FIT_TOLERANCE
        full = (a.x1 - a.x0) > (right - left) - 0.7 * a.size    # not even one more letter fitted
        out.append(_joiner(a.text, b.text, wrapped, full, a.trailing_space))
        out.append(b.text)
    return "".join(out)


def _joiner(before: str, after: str, wrapped: bool, full: bool = False, spaced: bool = False) -> str:
    r"""Return what goes between two lines of a cell: "\n", " " or "" (a token cut by the wrap).

    A wrap after a word's hyphen or slash ("NĐ-" + "CP", "qua/" + "ban") cuts one token,
    unless a space glyph ends the line ("số 12- " + "NQ/TU": the text had a space there).
    A token too long for the cell ("KHPBGDPL") is cut where the cell is full; only an
    upper-case token is taken for one, since a Vietnamese word is a run of short syllables
    that wraps at its spaces.
    """
    if not wrapped:
        return "\n"
    if spaced:
        return " "
    if len(before) >= 2 and before[-1] in "-/" and before[-2].isalnum() and after[:1].isalnum():
        return ""
    token = before.rsplit(" ", 1)[-1] + after.split(" ", 1)[0]
    if full and " " not in before and len(token) >= 7 and not any(c.islower() for c in token):
        return ""
    return " "


def join_fragments(before: str, after: str) -> str:
    """Given a cell's text on one page and its rest on the next, return the whole text."""
    if not before or not after:
        return before or after
    return before + _joiner(before, after, True) + after


# --- ruled tables: cells → slots ---------------------------------------------------------------

MERGED_ABOVE = None          # slot covered by a cell that starts in a row above (vertical merge)
SPANNED = ""                 # slot covered by a cell that starts in a column to the left


def snap(values: list[float], tolerance: float = SNAP) -> list[float]:
    """Given coordinates, return them sorted with values closer than tolerance merged (first kept)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    """Return the index of the edge nearest to value."""
    i = bisect_right(edges, value)
    if i == 0:
        return 0
    if i == len(edges) or value - edges[i - 1] <= edges[i] - value:
        return i - 1
    return i


@dataclass
class Slots:
    """A ruled table as a grid of slots: which cell (by index) starts in each slot, or a marker."""

    xs: list[float]                               # column edges, left to right
    ys: list[float]                               # row edges, top to bottom
    owner: list[list[int | None | str]]           # cell index, MERGED_ABOVE (None) or SPANNED ("")
    cells: list[tuple[float, float, float, float]]

    def cell_at(self, x: float, y: float) -> int | None:
        """Given a point inside the table, return the index of the cell that holds it."""
        col = bisect_right(self.xs, x) - 1
        row = bisect_right(self.ys, y) - 1
        if not (0 <= col < len(self.xs) - 1 and 0 <= row < len(self.ys) - 1):
            return None
        return self._covering[row][col]

    def __post_init__(self) -> None:
        cover = [[None] * (len(self.xs) - 1) for _ in range(len(self.ys) - 1)]
        for k, (x0, top, x1, bottom) in enumerate(self.cells):
            c0, c1 = _index(self.xs, x0), _index(self.xs, x1)
            r0, r1 = _index(self.ys, top), _index(self.ys, bottom)
            for r in range(r0, max(r1, r0 + 1)):
                for c in range(c0, max(c1, c0 + 1)):
                    cover[r][c] = k
        self._covering = cover


def row_spans(owners: list[int | None | str]) -> dict[int, int]:
    """Given one row of slot owners, return {column: columns covered} for cells wider than a column."""
    spans: dict[int, int] = {}
    for c, owner in enumerate(owners):
        if isinstance(owner, int):
            width = 1
            while c + width < len(owners) and owners[c + width] is SPANNED:
                width += 1
            if width > 1:
                spans[c] = width
    return spans


def table_slots(cells: list[tuple[float, float, float, float]]) -> Slots:
    """Given a ruled table's cell boxes (x0, top, x1, bottom), return its slot grid."""
    xs = snap([v for c in cells for v in (c[0], c[2])])
    ys = snap([v for c in cells for v in (c[1], c[3])])
    owner: list[list[int | None | str]] = [[SPANNED] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for k, (x0, top, x1, bottom) in enumerate(cells):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                owner[r][c] = k if (r, c) == (r0, c0) else (MERGED_ABOVE if r > r0 else SPANNED)
    return Slots(xs, ys, owner, cells)
