"""A text layer that cannot be read: glyphs drawn with fonts that carry no Unicode map.

pdfminer gives such a glyph as "(cid:123)", and fonts that map their glyphs into the Unicode
private-use area give characters no one can read (U+E000–U+F8FF). A page whose printed text is
mostly these holds no text to read, though it has characters: like a scan, it needs OCR.
"""
from __future__ import annotations

import regex as re

UNREADABLE_SHARE = 0.5       # a page whose printed characters are at least this share unreadable
MIN_GLYPHS = 20              # …counted over at least this many characters
REASON = "text layer unreadable (fonts without a Unicode map)"
_CID = re.compile(r"^\(cid:\d+\)$")


def unreadable_glyph(text: str) -> bool:
    """Given a character's text from pdfminer, say whether it is an unmapped glyph (cid or private use)."""
    if _CID.match(text):
        return True
    return bool(text) and all(0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" for ch in text)


def unreadable_text(chars: list[dict]) -> bool:
    """Given a page's printed characters (pdfplumber dicts), say whether its text layer cannot be read."""
    texts = [c["text"] for c in chars if c["text"].strip()]
    if len(texts) < MIN_GLYPHS:
        return False
    return sum(unreadable_glyph(t) for t in texts) >= UNREADABLE_SHARE * len(texts)
