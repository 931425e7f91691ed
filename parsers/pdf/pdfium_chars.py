"""Characters as pdfplumber sees them, from what pdfium tells of each glyph (the fast reader's `page.chars`).

Plain data, no PDF library: `pdfium_page.py` hands in each text object as a `Run` (its
matrix, position, font size and descent) with the glyphs pdfium's text page kept (their
text, origin and advance). Each glyph's box is pdfminer's: from the origin along the
baseline by the advance, across it from the descent up one font size; the box's height is
pdfplumber's `size`. Chars come out in content-stream order, as pdfminer emits them.

PDFium's text page is made for reading text, not for measuring it: it keeps only one space
of a run of spaces (a space it makes up for a kerning gap counts, and the real one after it
goes), drops a text object that is nothing but spaces, and drops the spaces after a hyphen
that ends a line (marking that hyphen U+0002). `restore_spaces` puts them back from the
geometry: a gap after a space that is a whole number of spaces wide, an object's box
reaching past its last glyph. Where a justified line hides a run of spaces, the count can
still differ; the letters never do.
"""
from __future__ import annotations

from dataclasses import dataclass, field

HYPHEN_MARK = "\x02"         # pdfium's stand-in for a hyphen that ends a line
MADE_UP = "\x01"             # marks a space pdfium made up (not a glyph of the PDF)
_SPACE_LIKE = (" ", HYPHEN_MARK, MADE_UP)
LOST_SPACE = 0.5             # spaces: a gap this wide after a space held a space pdfium deleted
RUN_TOLERANCE = 0.05         # an object's box within 5% of a space (per space) of whole spaces past its end
GAP_TOLERANCE = 0.002        # a gap between glyphs of about one space: 0.2% (see `gap_spaces`)
WIDE_RUN_TOLERANCE = 0.03    # a gap of two spaces or more: 3% of a space per space
FLOAT_NOISE = 1e-3           # points: PDFium keeps coordinates in 32-bit floats

Glyph = tuple[float, str, float, float, float]   # (order in its run, text, origin x, origin y, advance)


@dataclass
class Run:
    """One text object: how its text space sits on the page, and the glyphs read from it.

    Coordinates are PDF user space turned by the page's /Rotate (pdfminer's page space);
    `advance`s and `space` are text-space widths (font size included), `end` the farthest
    the object's bounding box reaches along the baseline, in the same units.
    """

    order: int
    matrix: tuple[float, float, float, float]
    x: float
    y: float
    size: float
    descent: float
    space: float
    end: float | None = None                 # None: unknown, or the object is not all spaces
    after_space: bool = False                # its first glyph came after a space in pdfium's text
    hyphen_ink: float | None = None          # where the ink of a line-end hyphen (its last glyph) ends
    glyphs: list[Glyph] = field(default_factory=list)


def char_box(x: float, y: float, matrix, advance: float, size: float, descent: float):
    """Given a glyph's origin, matrix, advance, font size and descent, return pdfminer's (x0, x1, y0, y1)."""
    a, b, c, d = matrix
    low, high = descent * size, descent * size + size
    xs = (x + c * low, x + a * advance + c * low, x + c * high, x + a * advance + c * high)
    ys = (y + d * low, y + b * advance + d * low, y + d * high, y + b * advance + d * high)
    return min(xs), max(xs), min(ys), max(ys)


def along(run: Run, x: float, y: float) -> float:
    """Given a point, return how far along the run's baseline it lies from the run's start (text units)."""
    a, b = run.matrix[0], run.matrix[1]
    scale = a * a + b * b
    return ((x - run.x) * a + (y - run.y) * b) / scale if scale else 0.0


def _point(run: Run, s: float) -> tuple[float, float]:
    a, b = run.matrix[0], run.matrix[1]
    return run.x + a * s, run.y + b * s


def _spaces(run: Run, start: float, count: int, order: float, step: float) -> list[Glyph]:
    """Return `count` space glyphs from `start` along the baseline, ordered after `order`."""
    out = []
    for j in range(count):
        x, y = _point(run, start + j * run.space)
        out.append((order + (j + 1) * step, " ", x, y, run.space))
    return out


def whole_spaces(gap: float, space: float, tolerance: float = RUN_TOLERANCE) -> int:
    """Given a gap and a space's width, return how many spaces fill it (0 when it is no whole number)."""
    if space <= 0 or gap < space * (1 - tolerance):
        return 0
    count = round(gap / space)
    return count if abs(gap - count * space) <= tolerance * count * space + FLOAT_NOISE else 0


def gap_spaces(gap: float, space: float) -> int:
    """Given the gap after a space, return how many spaces pdfium dropped there.

    A gap of about one space is one only when it is exact (spaces in a row sit exactly; a
    justified line widens a space by any amount); a wider one may be a run of spaces each
    placed on its own (Word), a little off.
    """
    if gap >= 1.5 * space:
        return whole_spaces(gap, space, WIDE_RUN_TOLERANCE)
    return whole_spaces(gap, space, GAP_TOLERANCE)


def restore_spaces(run: Run) -> None:
    """Put back the spaces pdfium's text page dropped from a run, and drop the spaces it made up.

    PDFium deletes a space that follows another space (its own or one it made up for a
    kerning gap), so each space, made-up space and the run's start is followed by as many
    spaces as the gap to the next glyph holds; a hyphen that ends a line by those up to the
    object's end; an object of nothing but spaces gets them all back.
    """
    if run.space <= 0:
        run.glyphs = [g for g in run.glyphs if g[1] != MADE_UP]
        return
    if not run.glyphs:
        if run.end is not None and run.end >= -FLOAT_NOISE:
            count = 1 + max(0, round(run.end / run.space))
            run.glyphs = _spaces(run, 0.0, count, -1.0, 1.0 / (count + 1))
        return
    glyphs = run.glyphs
    out: list[Glyph] = []
    if run.after_space:
        first = along(run, glyphs[0][2], glyphs[0][3])
        if first >= LOST_SPACE * run.space:
            count = max(1, gap_spaces(first, run.space))
            out += _spaces(run, 0.0, count, glyphs[0][0] - 1, 1.0 / (count + 1))
    if not any(g[1] in _SPACE_LIKE for g in glyphs):
        run.glyphs = out + glyphs if out else glyphs
        return
    last = len(glyphs) - 1
    for i, glyph in enumerate(glyphs):
        order, text, x, y, advance = glyph
        if text not in _SPACE_LIKE:
            out.append(glyph)
            continue
        if text == " " and i < last and along(run, glyphs[i + 1][2], glyphs[i + 1][3]) - along(run, x, y) \
                < advance + (1 - RUN_TOLERANCE) * run.space:
            out.append(glyph)                # the next glyph follows close: nothing dropped (most spaces)
            continue
        start = along(run, x, y)
        if text == MADE_UP:                  # a kerning gap; a real space there was deleted after it
            gap = along(run, glyphs[i + 1][2], glyphs[i + 1][3]) - start if i + 1 < len(glyphs) else 0.0
            if gap >= LOST_SPACE * run.space:
                out += _spaces(run, start, 1, order - 1, 0.5)
            continue
        out.append((order, "-", x, y, advance) if text == HYPHEN_MARK else glyph)
        start += advance
        if i + 1 < len(glyphs):
            if text == " ":
                count = gap_spaces(along(run, glyphs[i + 1][2], glyphs[i + 1][3]) - start, run.space)
                out += _spaces(run, start, count, order, 1.0 / (count + 2))
        elif text == " " and run.end is not None:
            # the object's box reaches past its last glyph: to the origin of the last space pdfium dropped
            count = whole_spaces(run.end - start + run.space, run.space)
            out += _spaces(run, start, count, order, 1.0 / (count + 2))
        elif text == HYPHEN_MARK and run.end is not None and run.hyphen_ink is not None \
                and run.end > run.hyphen_ink + FLOAT_NOISE:
            # something with no ink follows the hyphen's own: the spaces pdfium dropped after it
            count = 1 + max(0, round((run.end - start) / run.space))
            out += _spaces(run, start, count, order, 1.0 / (count + 2))
    run.glyphs = out


def run_chars(run: Run, height: float, left: float = 0.0, top: float = 0.0) -> list[dict]:
    """Given a run, return its glyphs as pdfplumber chars (top-down: `height` of the page, media box at left/top)."""
    a, b, c, d = run.matrix
    size, descent = run.size, run.descent
    matrix = (a, b, c, d, run.x, run.y)           # the run's: its chars share it (only a and b are read)
    out = []
    if b == 0 and c == 0 and a > 0 and d > 0:       # upright text, the common case: the box needs no corners
        low, high = d * descent * size, d * (descent * size + size)
        for _, text, x, y, advance in run.glyphs:
            out.append({"text": text, "x0": x + left, "x1": x + a * advance + left, "top": height - (y + high) + top,
                        "bottom": height - (y + low) + top, "size": high - low, "matrix": matrix})
        return out
    for _, text, x, y, advance in run.glyphs:
        x0, x1, y0, y1 = char_box(x, y, run.matrix, advance, size, descent)
        out.append({"text": text, "x0": x0 + left, "x1": x1 + left, "top": height - y1 + top,
                    "bottom": height - y0 + top, "size": y1 - y0, "matrix": matrix})
    return out


def page_chars(runs: list[Run], height: float, left: float = 0.0, top: float = 0.0) -> list[dict]:
    """Given a page's runs, return its chars in content-stream order, dropped spaces restored."""
    chars: list[dict] = []
    for run in sorted(runs, key=lambda r: r.order):
        restore_spaces(run)
        chars += run_chars(run, height, left, top)
    return chars
