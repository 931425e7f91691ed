"""Each font's descent as pdfminer reads it, for the fast reader's character boxes.

pdfplumber's character box runs from the baseline plus the font's descent (pdfminer's
reading of /Descent: the font descriptor's value, the AFM metrics of the 14 standard fonts,
a Type 3 font's box) up one font size. pdfium overwrites a descent of 0 with the glyphs'
own extent, so its figure cannot stand in: the font dictionaries are read here with
pdfminer, which only parses the objects asked for (the page tree and the fonts), never a
content stream.
"""
from __future__ import annotations

from pathlib import Path

SEEN_LIMIT = 10_000          # fonts read per file at most: a pathological file stops here


def font_key(name: str) -> str:
    """Given a font's BaseFont, return it without a subset tag ("BCDEEE+Calibri" → "Calibri"), as PDFium names it."""
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isupper() else name


def font_descents(path: Path) -> dict[str, float]:
    """Given a PDF, return {font's BaseFont, subset tag dropped: descent per unit of font size} as pdfminer has it.

    A file or font pdfminer cannot read leaves its fonts out (the caller falls back to 0).
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with path.open("rb") as fh:
            return page_descents(PDFPage.create_pages(PDFDocument(PDFParser(fh))))
    except Exception:  # noqa: BLE001 - a file pdfminer cannot read: the reader falls back to a descent of 0
        return {}


def page_descents(pages) -> dict[str, float]:
    """Given pdfminer's pages (an iterable), return the descents of the fonts they and their forms use.

    A page or font pdfminer cannot read ends the walk or leaves the font out.
    """
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdftypes import PDFObjRef, resolve1

    found: dict[str, float] = {}
    seen: set = set()
    manager = PDFResourceManager(caching=True)
    try:
        for page in pages:
            for ref in _font_refs(page.resources, resolve1, set()):
                key = ref.objid if isinstance(ref, PDFObjRef) else id(ref)
                if key in seen or len(seen) >= SEEN_LIMIT:
                    continue
                seen.add(key)
                _add_font(found, manager, ref, resolve1)
    except Exception:  # noqa: BLE001 - fonts pdfminer cannot read: the reader falls back to a descent of 0
        pass
    return found


def _font_refs(resources, resolve1, visited: set) -> list:
    """Given a resource dictionary, return its fonts and those of the forms it draws, depth first."""
    resources = resolve1(resources)
    if not isinstance(resources, dict) or id(resources) in visited:
        return []
    visited.add(id(resources))
    fonts = resolve1(resources.get("Font"))
    refs = list(fonts.values()) if isinstance(fonts, dict) else []
    xobjects = resolve1(resources.get("XObject"))
    for xobject in (xobjects.values() if isinstance(xobjects, dict) else []):
        stream = resolve1(xobject)
        attrs = getattr(stream, "attrs", None)
        if isinstance(attrs, dict) and "Resources" in attrs:
            refs += _font_refs(attrs["Resources"], resolve1, visited)
    return refs


def _add_font(found: dict[str, float], manager, ref, resolve1) -> None:
    from pdfminer.pdftypes import PDFObjRef
    from pdfminer.psparser import literal_name

    spec = resolve1(ref)
    if not isinstance(spec, dict):
        return
    try:
        font = manager.get_font(ref.objid if isinstance(ref, PDFObjRef) else None, spec)
        name = literal_name(spec.get("BaseFont", ""))
    except Exception:  # noqa: BLE001 - one unreadable font: its text falls back to a descent of 0
        return
    found.setdefault(font_key(str(name)), float(font.get_descent()))
