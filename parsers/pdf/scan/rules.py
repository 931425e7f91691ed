"""Find the ruled tables of a cleaned page image: ruling lines → tables → cells.

rule_masks (ink runs longer than any letter's stroke; a broken rule is many such runs in
one band) → tables (connected groups of rules, each with its horizontal and vertical rule
bands: a band is a rule when it has paper on both sides, unlike a run of blurred letters
along their baseline, and covers a good share of the table or runs from one rule to another,
unlike a stray underline) →
cell_boxes (slots between the rules, joined where no rule is drawn between them: merged
cells). Sizes are in millimetres of the page, so any resolution reads the same.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PIECE_MM = 2.5               # a piece of a rule, for telling whether two slots are ruled apart
RULE_MM = 5.5                # a rule: an ink run at least this long (longer than any letter's stroke)
GAP_MM = 0.25                # a break this short in a rule is bridged (the letters it also joins are told apart later)
BAND_MM = 0.8                # a rule's ink lies within this much either side of its middle
CLEAR_MM = (0.25, 0.6)       # a rule has paper this far above and below it (a word's baseline has letters)
CLEAR = 0.5                  # share of a rule's length that must have paper on both sides
FULL = 0.4                   # share of the table's width (height) a rule covers to count on its own
SEPARATOR = 0.6              # share of a slot's edge a rule must cover to separate two cells
MIN_TABLE_MM = 8.0           # a table is at least this wide and tall
DEFAULT_DPI = 300


def _px(mm: float, dpi: int) -> int:
    return max(1, int(round(mm * dpi / 25.4)))


@dataclass
class TableRules:
    """One ruled table on the page: its rule positions (pixels) and the cells between them."""

    ys: list[int]
    xs: list[int]
    cells: list[tuple[int, int, int, int]]      # (x0, top, x1, bottom)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def rule_masks(ink: np.ndarray, dpi: int = DEFAULT_DPI) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Given an ink mask, return (horizontal runs, vertical runs, pieces of either) masks."""
    import cv2

    binary = ink.astype(np.uint8)

    def opened(mm: float, across: bool) -> np.ndarray:
        def kernel(n: int) -> np.ndarray:
            return cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if across else (1, n))

        bridged = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, kernel(_px(GAP_MM, dpi) + 1))
        return cv2.morphologyEx(bridged, cv2.MORPH_OPEN, kernel(_px(mm, dpi))) > 0

    pieces = opened(PIECE_MM, True) | opened(PIECE_MM, False)
    return opened(RULE_MM, True), opened(RULE_MM, False), pieces


def bands(mask: np.ndarray, axis: int, gap: int = 2) -> list[tuple[int, int]]:
    """Given a rule mask, return the bands of rows (axis 1) or columns (axis 0) holding rule ink, as (first, last)."""
    return runs_of(mask.any(axis=axis), gap)


def runs_of(cover: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Given a 1-D boolean coverage, return its runs as (first, last), gaps up to `gap` bridged."""
    found: list[list[int]] = []
    for i in np.nonzero(cover)[0].tolist():
        if found and i - found[-1][1] <= gap:
            found[-1][1] = i
        else:
            found.append([i, i])
    return [(a, b) for a, b in found]


def ruling_lines(ink: np.ndarray, dpi: int = DEFAULT_DPI) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Given an ink mask, return the horizontal and vertical rule bands of its largest table, as (first, last) pixels."""
    h, v, _ = rule_masks(ink, dpi)
    found = _table_bands(ink, h, v, dpi)
    return max(found, key=lambda t: (t[0][-1][1] - t[0][0][0]) * (t[1][-1][1] - t[1][0][0]), default=([], []))


def find_tables(ink: np.ndarray, dpi: int = DEFAULT_DPI) -> tuple[list[TableRules], np.ndarray]:
    """Given a cleaned page's ink mask, return its ruled tables (top to bottom) and the mask of their rules."""
    h, v, pieces = rule_masks(ink, dpi)
    ruled = np.zeros_like(ink)
    tables = []
    for rows, cols in _table_bands(ink, h, v, dpi):
        ys = [(a + b) // 2 for a, b in rows]
        xs = [(a + b) // 2 for a, b in cols]
        tables.append(TableRules(ys, xs, cell_boxes(pieces, ys, xs, _px(BAND_MM, dpi) + 1)))
        left, right = cols[0][0], cols[-1][1] + 1
        top, bottom = rows[0][0], rows[-1][1] + 1
        for a, b in rows:
            ruled[a : b + 1, left:right] |= h[a : b + 1, left:right]
        for a, b in cols:
            ruled[top:bottom, a : b + 1] |= v[top:bottom, a : b + 1]
    return sorted(tables, key=lambda t: t.ys[0]), ruled


def _table_bands(ink: np.ndarray, h: np.ndarray, v: np.ndarray, dpi: int) -> list[tuple[list, list]]:
    """Given the ink and its long runs, return each table's (row bands, column bands)."""
    import cv2

    band = _px(BAND_MM, dpi)
    h, v = h & _clear(ink, h, v, dpi, 1), v & _clear(ink, v, h, dpi, 0)
    # rules that meet (or nearly) are one table: grouped on a page shrunk by `band`, which is
    # as near as two rules of one table need to come
    height, width = h.shape
    grid = cv2.dilate(_pooled(h | v, band).astype(np.uint8), np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    least = _px(MIN_TABLE_MM, dpi)
    found = []
    for k in range(1, count):
        x, y = int(stats[k, 0]) * band, int(stats[k, 1]) * band
        w, hh = min(width - x, int(stats[k, 2]) * band), min(height - y, int(stats[k, 3]) * band)
        if w < least or hh < least:
            continue
        part = labels[y // band : -(-(y + hh) // band), x // band : -(-(x + w) // band)] == k
        inside = np.repeat(np.repeat(part, band, axis=0), band, axis=1)[:hh, :w]
        rows = _rule_bands(h[y : y + hh, x : x + w] & inside, v[y : y + hh, x : x + w] & inside, 1, band)
        cols = _rule_bands(v[y : y + hh, x : x + w] & inside, h[y : y + hh, x : x + w] & inside, 0, band)
        if len(rows) >= 2 and len(cols) >= 2:
            found.append(([(a + y, b + y) for a, b in rows], [(a + x, b + x) for a, b in cols]))
    return found


def _pooled(mask: np.ndarray, k: int) -> np.ndarray:
    """Given a mask, return it shrunk k times: a pixel is set when any of its k × k is."""
    height, width = mask.shape
    padded = np.zeros((-(-height // k) * k, -(-width // k) * k), bool)
    padded[:height, :width] = mask
    return padded.reshape(padded.shape[0] // k, k, padded.shape[1] // k, k).any(axis=(1, 3))


def _clear(ink: np.ndarray, runs: np.ndarray, cross: np.ndarray, dpi: int, axis: int) -> np.ndarray:
    """Given long runs of ink along rows (axis 1) or columns (axis 0), return those that are rules, not letters.

    Judged over each band of runs as a whole: a rule has paper just above and below most
    of its length, or else runs from one crossing rule to another (the last line of a cell
    may sit right on it); the baseline of a line of blurred letters has the letters above
    it and stops short of the cell's rules, at the cell's margin.
    """
    near, far, reach = _px(CLEAR_MM[0], dpi), _px(CLEAR_MM[1], dpi), _px(BAND_MM, dpi)
    crossing = _crossings(cross, axis, reach)
    keep = np.zeros_like(runs)
    for a, b in bands(runs, axis):
        if axis == 1:
            cover = runs[a : b + 1].any(axis=0)
            before = ink[max(0, a - far) : max(0, a - near)].any(axis=0)
            after = ink[b + near + 1 : b + far + 1].any(axis=0)
        else:
            cover = runs[:, a : b + 1].any(axis=1)
            before = ink[:, max(0, a - far) : max(0, a - near)].any(axis=1)
            after = ink[:, b + near + 1 : b + far + 1].any(axis=1)
        length = int(cover.sum())
        blocked = int((cover & (before | after)).sum()) if before.size and after.size else 0
        if blocked > (1 - CLEAR) * length and not any(s in crossing and e in crossing for s, e in runs_of(cover, 2)):
            continue
        if axis == 1:
            keep[a : b + 1] = True
        else:
            keep[:, a : b + 1] = True
    return keep


def _crossings(cross: np.ndarray, axis: int, reach: int) -> set[int]:
    """Given the other direction's rules, return the positions within `reach` of one of them."""
    return {i for a, b in bands(cross, 1 - axis) for i in range(a - reach, b + reach + 1)}


def _rule_bands(mask: np.ndarray, cross: np.ndarray, axis: int, band: int) -> list[tuple[int, int]]:
    """Given one direction's rules in a table (and the other direction's), return the bands that are rules.

    A band covering a good share of the table counts; a shorter one only when it runs
    from one crossing rule to another (a rule under some columns only, not an underline).
    """
    crossing = _crossings(cross, axis, band)
    kept = []
    for a, b in bands(mask, axis, gap=band):
        cover = (mask[a : b + 1, :] if axis == 1 else mask[:, a : b + 1]).any(axis=1 - axis)
        if cover.mean() >= FULL or any(s in crossing and e in crossing for s, e in runs_of(cover, band)):
            kept.append((a, b))
    return kept


def cell_boxes(ink: np.ndarray, ys: list[int], xs: list[int], margin: int = 3) -> list[tuple[int, int, int, int]]:
    """Given the rule positions, return the cells (x0, top, x1, bottom): slots not separated by a rule are one."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(n_rows):
        for c in range(n_cols):
            inner_y = slice(ys[r] + margin, ys[r + 1] - margin + 1)
            inner_x = slice(xs[c] + margin, xs[c + 1] - margin + 1)
            if c + 1 < n_cols and not _drawn(ink[inner_y, xs[c + 1] - margin : xs[c + 1] + margin + 1], axis=1):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _drawn(ink[ys[r + 1] - margin : ys[r + 1] + margin + 1, inner_x], axis=0):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    boxes = []
    for slots in groups.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots)
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots)
        boxes.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    return boxes


def _drawn(strip: np.ndarray, axis: int) -> bool:
    """Say whether a strip along a slot's edge is ruled over most of its length."""
    if strip.size == 0:
        return True
    return float(strip.any(axis=axis).mean()) >= SEPARATOR
