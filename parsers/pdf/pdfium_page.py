"""The fast reader: a PDF page's characters and ruling lines from pypdfium2 (PDFium, in C).

What pdfplumber builds in Python from pdfminer's layout objects (`page.chars`, `page.edges`,
`page.images`, `find_tables`), read here through PDFium's C API: each glyph's origin,
advance and text from its text page, each text object's matrix and font, each painted
path's segments. `pdfium_chars.py` and `ruling.py` turn them into pdfplumber's chars and edges,
and pdfplumber's own table finder works on those edges, so `page.py` reads a `PdfiumPage`
just as it reads a pdfplumber page. Calls go through ctypes prototypes taking plain
addresses (pypdfium2's typed wrappers cost more than the call itself, per glyph).
"""
from __future__ import annotations

import ctypes
from ctypes import byref, c_double, c_float, c_int, c_uint, c_ulong, c_void_p
from functools import cache

from parsers.pdf.fonts import font_key
from parsers.pdf.pdfium_chars import HYPHEN_MARK, MADE_UP, Run, along, page_chars
from parsers.pdf.ruling import Subpath, page_edges

TEXT, PATH, IMAGE, FORM = 1, 2, 3, 5            # FPDF_PAGEOBJ_*
LINETO, BEZIERTO, MOVETO = 0, 1, 2               # FPDF_SEGMENT_*
INKLESS = 0.01               # points: a text object this thin across its baseline has no ink (all spaces)
MAX_DEPTH = 32               # forms nested deeper than this are not read


class _Matrix(ctypes.Structure):
    _fields_ = [(name, c_float) for name in "abcdef"]


@cache
def api():
    """Return PDFium's functions the reader calls, as ctypes prototypes on plain addresses."""
    import pypdfium2.raw as raw

    def fn(name, restype, *argtypes):
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(raw, name), c_void_p).value)

    P, N = c_void_p, c_int
    return {
        "count": fn("FPDFText_CountChars", N, P), "unicode": fn("FPDFText_GetUnicode", c_uint, P, N),
        "text": fn("FPDFText_GetText", N, P, N, N, P),
        "origin": fn("FPDFText_GetCharOrigin", N, P, N, P, P), "object": fn("FPDFText_GetTextObject", P, P, N),
        "generated": fn("FPDFText_IsGenerated", N, P, N), "unmapped": fn("FPDFText_HasUnicodeMapError", N, P, N),
        "char_box": fn("FPDFText_GetCharBox", N, P, N, P, P, P, P),
        "font_size": fn("FPDFTextObj_GetFontSize", N, P, P), "font": fn("FPDFTextObj_GetFont", P, P),
        "glyph_width": fn("FPDFFont_GetGlyphWidth", N, P, c_uint, c_float, P),
        "font_name": fn("FPDFFont_GetBaseFontName", c_ulong, P, P, c_ulong),
        "n_objects": fn("FPDFPage_CountObjects", N, P), "get_object": fn("FPDFPage_GetObject", P, P, N),
        "n_form": fn("FPDFFormObj_CountObjects", N, P), "get_form": fn("FPDFFormObj_GetObject", P, P, c_uint),
        "type": fn("FPDFPageObj_GetType", N, P), "matrix": fn("FPDFPageObj_GetMatrix", N, P, P),
        "bounds": fn("FPDFPageObj_GetBounds", N, P, P, P, P, P),
        "n_segments": fn("FPDFPath_CountSegments", N, P), "segment": fn("FPDFPath_GetPathSegment", P, P, N),
        "point": fn("FPDFPathSegment_GetPoint", N, P, P, P), "segment_type": fn("FPDFPathSegment_GetType", N, P),
        "close": fn("FPDFPathSegment_GetClose", N, P),
    }


def mult(m1: tuple, m0: tuple) -> tuple:
    """Return the matrix that applies m1, then m0 (pdfminer's `mult_matrix`)."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def page_frame(mediabox: tuple, rotation: int):
    """Given a page's media box and /Rotate, return (ctm, width, height, left, top) as pdfminer and pdfplumber set them.

    pdfminer draws the page through a matrix that turns it by /Rotate and puts the media
    box's corner at 0; pdfplumber measures `top` down from the turned box's height.
    """
    x0, y0, x1, y1 = mediabox
    ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
           270: (0, 1, -1, 0, y1, -x0)}.get(rotation, (1, 0, 0, 1, -x0, -y0))
    lo_x, hi_x = sorted((x0, x1))
    lo_y, hi_y = sorted((y0, y1))
    if rotation in (90, 270):
        lo_x, lo_y, hi_x, hi_y = lo_y, lo_x, hi_y, hi_x
    height = hi_y - lo_y
    return ctm, hi_x - lo_x, height, lo_x, height - hi_y


class PdfiumPage:
    """One page read by PDFium, with the attributes `page.py` reads of a pdfplumber page."""

    def __init__(self, page, descents: dict[str, float]):
        self.rotation = page.get_rotation() % 360
        ctm, self.width, self.height, self._left, self._top = page_frame(tuple(page.get_mediabox()), self.rotation)
        self.bbox = (self._left, self._top, self._left + self.width, self._top + self.height)
        self._ctm = ctm
        self._descents = descents
        self._fonts: dict[int, int] = {}           # text object (by paint order) → its font
        self._parents: dict[int, tuple] = {}       # text object → the matrix of what holds it (page or form)
        self._font_descent: dict[int, float] = {}
        runs, paths, self.images = self._objects(ctypes.cast(page.raw, c_void_p).value)
        textpage = page.get_textpage()
        try:
            self._read_glyphs(ctypes.cast(textpage.raw, c_void_p).value, runs)
        finally:
            textpage.close()
        for obj, run in runs.items():
            if not run.glyphs or run.glyphs[-1][1] in (" ", HYPHEN_MARK):
                self._measure(obj, run)      # where spaces may have been dropped, the object's box tells
        self.chars = page_chars(list(runs.values()), self.height, self._left, self._top)
        self.edges = page_edges(paths, self.height, self._left, self._top)

    def find_tables(self, settings: dict):
        """Return the ruled tables pdfplumber's table finder sees in this page's edges."""
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(settings)).tables

    def close(self) -> None:
        """Nothing to let go: the page's PDFium objects are closed once read."""

    # --- page objects: text objects, paths, images ----------------------------------------------

    def _objects(self, page: int) -> tuple[dict[int, Run], list[Subpath], list[int]]:
        """Walk the page's objects (forms included) in paint order: text runs, path subpaths, images."""
        f = api()
        runs: dict[int, Run] = {}
        paths: list[Subpath] = []
        images: list[int] = []
        stack = [(f["n_objects"](page), f["get_object"], page, self._ctm, 0, 0)]
        m = _Matrix()
        while stack:
            count, get, owner, parent, i, depth = stack.pop()
            if i >= count:
                continue
            stack.append((count, get, owner, parent, i + 1, depth))
            obj = get(owner, i)
            kind = f["type"](obj)
            if kind not in (TEXT, PATH, FORM):
                if kind == IMAGE:
                    images.append(obj)
                continue
            f["matrix"](obj, byref(m))
            matrix = mult((m.a, m.b, m.c, m.d, m.e, m.f), parent)
            if kind == TEXT:
                runs[obj] = self._run(obj, len(runs), matrix, parent)
            elif kind == PATH:
                paths += _subpaths(obj, matrix)
            elif depth < MAX_DEPTH:
                stack.append((f["n_form"](obj), f["get_form"], obj, matrix, 0, depth + 1))
        return runs, paths, images

    def _run(self, obj: int, order: int, matrix: tuple, parent: tuple) -> Run:
        """Given a text object and its matrix on the page, return its Run (no glyphs yet)."""
        f = api()
        size = c_float()
        f["font_size"](obj, byref(size))
        font = f["font"](obj)
        self._fonts[order] = font
        run = Run(order, matrix[:4], matrix[4], matrix[5], size.value, self._descent(font),
                  _glyph_width(font, 0x20, size.value))
        self._parents[obj] = parent
        return run

    def _ink_end(self, textpage: int, k: int, run: Run) -> float | None:
        """Return how far along its run's baseline the ink of glyph k ends."""
        box = [c_double() for _ in range(4)]
        if not api()["char_box"](textpage, k, *(byref(v) for v in box)):
            return None
        left, right, bottom, top = (v.value for v in box)
        return max(along(run, *apply(self._ctm, x, y)) for x in (left, right) for y in (bottom, top))

    def _measure(self, obj: int, run: Run) -> None:
        """Set how far the object's box reaches along its baseline; a run with no glyphs keeps it only when inkless."""
        left, bottom, right, top = (c_float() for _ in range(4))
        if not api()["bounds"](obj, byref(left), byref(bottom), byref(right), byref(top)):
            return
        parent = self._parents[obj]
        corners = [apply(parent, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)]
        run.end = max(along(run, x, y) for x, y in corners)
        if not run.glyphs and _thickness(run, corners) >= INKLESS:
            run.end = None                   # dropped by PDFium for another reason than being all spaces

    def _descent(self, font: int) -> float:
        """Return a font's descent as pdfminer reads it, by its BaseFont name (0 when unknown)."""
        if font not in self._font_descent:
            name = ctypes.create_string_buffer(256)
            api()["font_name"](font, name, 256)
            self._font_descent[font] = self._descents.get(font_key(name.value.decode("latin-1")), 0.0)
        return self._font_descent[font]

    # --- glyphs ------------------------------------------------------------------------------

    def _read_glyphs(self, textpage: int, runs: dict[int, Run]) -> None:
        """Add to each run the glyphs PDFium's text page holds of it: text, origin, advance."""
        f = api()
        unicode, get_object, origin, generated = f["unicode"], f["object"], f["origin"], f["generated"]
        ox, oy = c_double(), c_double()
        pox, poy = byref(ox), byref(oy)
        a, b, c, d, e, g = self._ctm
        turned = self._ctm != (1, 0, 0, 1, 0, 0)
        glyph_cache: dict[tuple[int, float], dict[int, tuple[float, str]]] = {}   # (font, size) → u → glyph
        last_obj, run, known, glyphs = None, None, {}, []
        previous = None                      # the last character of pdfium's text, made-up ones included
        count = f["count"](textpage)
        codes = _page_text(textpage, count)
        for k in range(count):
            u = codes[k] if codes is not None else 0xFFFE
            if u == 0xFFFE:                  # the page text's stand-in for a line-end hyphen (and others)
                u = unicode(textpage, k)
            made_up = u <= 0x20 and (u in (0x0A, 0x0D, 0) or generated(textpage, k))
            obj = get_object(textpage, k)
            if obj != last_obj:
                last_obj, run = obj, runs.get(obj)
                if run is not None:
                    font = self._fonts[run.order]
                    known = glyph_cache.setdefault((font, run.size), {})
                    glyphs = run.glyphs
            if run is None or (made_up and u != 0x20):
                previous = u
                continue
            origin(textpage, k, pox, poy)
            x, y = ox.value, oy.value
            if turned:
                x, y = a * x + c * y + e, b * x + d * y + g
            if made_up:                      # a space for a kerning gap: it tells where a real one was lost
                glyphs.append((k, MADE_UP, x, y, 0.0))
                previous = u
                continue
            if not glyphs and previous == 0x20:
                run.after_space = True
            found = known.get(u)
            if found is None:
                found = known[u] = _glyph(textpage, k, self._fonts[run.order], u, run.size)
            glyphs.append((k, found[1], x, y, found[0]))
            if found[1] == HYPHEN_MARK:
                run.hyphen_ink = self._ink_end(textpage, k, run)
            previous = u


def _page_text(textpage: int, count: int) -> list[int] | None:
    """Return the code point of each of the text page's characters in one call, or None when they do not line up.

    PDFium's page text leaves out control characters and writes UTF-16: on such a page
    (the lengths differ) the characters are asked for one by one.
    """
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = api()["text"](textpage, 0, count, buffer)
    if written != count + 1:                 # the count includes the closing NUL
        return None
    text = buffer.raw[: 2 * count].decode("utf-16-le", errors="surrogatepass")
    return [ord(ch) for ch in text] if len(text) == count else None


def _thickness(run: Run, corners: list[tuple[float, float]]) -> float:
    """Given a run and its box's corners, return the box's extent across the run's baseline."""
    c, d = run.matrix[2], run.matrix[3]
    norm = (c * c + d * d) ** 0.5 or 1.0
    across = [((x - run.x) * c + (y - run.y) * d) / norm for x, y in corners]
    return max(across) - min(across)


def _glyph(textpage: int, k: int, font: int, u: int, size: float) -> tuple[float, str]:
    """Return (advance, text) of a glyph: pdfminer's "(cid:N)" for a code with no Unicode."""
    if u == 2:
        return _glyph_width(font, 0x2D, size), HYPHEN_MARK
    text = f"(cid:{u})" if api()["unmapped"](textpage, k) else chr(u)
    return _glyph_width(font, u, size), text


def _glyph_width(font: int, u: int, size: float) -> float:
    width = c_float()
    return width.value if api()["glyph_width"](font, u, size, byref(width)) else 0.0


def _subpaths(obj: int, matrix: tuple) -> list[Subpath]:
    """Given a path object, return its subpaths in page space: ("m" | "l" | "c" | "h", point) steps.

    PDFium gives a Bézier as three points; pdfminer keeps only its end point.
    """
    f = api()
    x, y = c_float(), c_float()
    px, py = byref(x), byref(y)
    out: list[Subpath] = []
    beziers = 0
    for i in range(f["n_segments"](obj)):
        segment = f["segment"](obj, i)
        f["point"](segment, px, py)
        kind = f["segment_type"](segment)
        point = apply(matrix, x.value, y.value)
        if kind == MOVETO or not out:
            out.append([("m", point)])
            beziers = 0
        elif kind == BEZIERTO:
            beziers += 1
            if beziers % 3:
                continue
            out[-1].append(("c", point))
        else:
            out[-1].append(("l", point))
        if f["close"](segment):
            out[-1].append(("h", out[-1][0][1]))
    return out
