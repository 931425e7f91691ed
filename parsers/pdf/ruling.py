"""Ruling lines as pdfplumber sees them: a page's painted paths → edges (the fast reader's half of `page.edges`).

Plain tuples and dicts, no PDF library: `pdfium_page.py` hands in each painted path as
subpaths of ("m" | "l" | "c" | "h", (x, y)) in PDF user space, already through the page's
rotation. Each subpath becomes what pdfminer makes of it (a line, a rectangle or a curve)
and then what pdfplumber makes of that (`Page.edges`: line edges, then the four sides of
each rectangle, then the segments of each curve), so pdfplumber's own table finder, fed
these edges, finds the same tables on either reader.
"""
from __future__ import annotations

from collections.abc import Iterable

Point = tuple[float, float]
Subpath = list[tuple[str, Point]]


def subpath_shape(subpath: Subpath) -> tuple[str, list[Point]]:
    """Given a subpath, return pdfminer's shape string ("ml", "mlllh", …) and its points.

    pdfminer drops a last "l" back to the start on a closed path; pdfium writes that line
    out for every "h" and "re", so dropping it here gives both the same shape.
    """
    shape = "".join(op for op, _ in subpath)
    points = [p for _, p in subpath]
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points.pop()
    return shape, points


def classify(subpath: Subpath) -> tuple[str, list[Point]] | None:
    """Given a subpath, return ("line" | "rect" | "curve", points) as pdfminer files it, or None."""
    if len(subpath) < 2 or subpath[0][0] != "m":
        return None                          # pdfminer keeps a subpath only from its "m" on
    shape, points = subpath_shape(subpath)
    if shape in ("ml", "mlh"):
        return "line", points[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if points[0] == points[4] and square:
            return "rect", [points[0], points[2]]
    return "curve", points


def _box(points: list[Point], height: float, left: float, top: float) -> dict:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {"x0": x0 + left, "x1": x1 + left, "top": height - y1 + top, "bottom": height - y0 + top,
            "width": x1 - x0, "height": y1 - y0}


def line_edge(points: list[Point], height: float, left: float = 0.0, top: float = 0.0) -> dict:
    """Given a line's two points, return pdfplumber's edge for it ("h" only when exactly flat)."""
    edge = _box(points, height, left, top)
    edge.update(object_type="line", orientation="h" if edge["top"] == edge["bottom"] else "v")
    return edge


def rect_edges(points: list[Point], height: float, left: float = 0.0, top: float = 0.0) -> list[dict]:
    """Given a rectangle's opposite corners, return pdfplumber's four edges: top, bottom, left, right."""
    rect = _box(points, height, left, top)
    base = dict(rect, object_type="rect_edge")
    return [dict(base, height=0, bottom=rect["top"], orientation="h"),
            dict(base, height=0, top=rect["top"] + rect["height"], orientation="h"),
            dict(base, width=0, x1=rect["x0"], orientation="v"),
            dict(base, width=0, x0=rect["x1"], orientation="v")]


def curve_edges(points: list[Point], height: float, left: float = 0.0, top: float = 0.0) -> list[dict]:
    """Given a curve's points, return pdfplumber's edge for each step between two of them."""
    flipped = [(x + left, height - y + top) for x, y in points]
    return [{"object_type": "curve_edge", "x0": min(p[0], q[0]), "x1": max(p[0], q[0]),
             "top": min(p[1], q[1]), "bottom": max(p[1], q[1]),
             "width": abs(p[0] - q[0]), "height": abs(p[1] - q[1]),
             "orientation": "v" if p[0] == q[0] else ("h" if p[1] == q[1] else None)}
            for p, q in zip(flipped, flipped[1:], strict=False)]


def page_edges(paths: Iterable[Subpath], height: float, left: float = 0.0, top: float = 0.0) -> list[dict]:
    """Given a page's subpaths in paint order, return its edges in pdfplumber's order.

    `height` is the page's height, `left`/`top` where its media box starts (pdfplumber's
    top-down coordinates are taken from them).
    """
    lines, rects, curves = [], [], []
    for subpath in paths:
        found = classify(subpath)
        if found is None:
            continue
        kind, points = found
        if kind == "line":
            lines.append(line_edge(points, height, left, top))
        elif kind == "rect":
            rects += rect_edges(points, height, left, top)
        else:
            curves += curve_edges(points, height, left, top)
    return lines + rects + curves
