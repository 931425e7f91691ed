"""WordprocessingML names and the small readers every part of the DOCX parser shares.

Tag names are Clark names (`{namespace}tag`), as lxml gives them; `val`, `to_int` and
`font_of` read the attributes Word writes on them.
"""
from __future__ import annotations

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_TBL, W_TR, W_TC, W_R, W_T = (W + t for t in ("p", "tbl", "tr", "tc", "r", "t"))
W_TAB, W_PTAB, W_BR, W_CR, W_NBH = (W + t for t in ("tab", "ptab", "br", "cr", "noBreakHyphen"))
W_LRPB = W + "lastRenderedPageBreak"
W_PPR, W_RPR, W_TRPR, W_TCPR = (W + t for t in ("pPr", "rPr", "trPr", "tcPr"))
W_PSTYLE, W_RSTYLE, W_RFONTS, W_NUMPR = (W + t for t in ("pStyle", "rStyle", "rFonts", "numPr"))
W_NUMID, W_ILVL, W_VAL = W + "numId", W + "ilvl", W + "val"
W_GRIDSPAN, W_VMERGE, W_HMERGE = W + "gridSpan", W + "vMerge", W + "hMerge"
W_GRIDBEFORE, W_TBLGRID, W_GRIDCOL = W + "gridBefore", W + "tblGrid", W + "gridCol"
W_ASCII, W_HANSI = W + "ascii", W + "hAnsi"
# Elements that only wrap content (content controls, tracked insertions, links, custom XML).
WRAPPERS = {W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins",
                              "fldSimple", "moveTo", "dir", "bdo")}



def val(parent, tag: str) -> str | None:
    """Given an element and a child tag, return the child's w:val, or None."""
    child = parent.find(tag) if parent is not None else None
    return child.get(W_VAL) if child is not None else None


def to_int(value: str | None, default: int) -> int:
    """Given an attribute value, return it as an int, or default when absent or malformed."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def font_of(rpr) -> str | None:
    """Given a w:rPr, return its w:rFonts ascii (else hAnsi) font name, or None."""
    fonts = rpr.find(W_RFONTS) if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(W_ASCII) or fonts.get(W_HANSI)
