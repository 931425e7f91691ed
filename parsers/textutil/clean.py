"""Small text helpers every step shares: NFC, accent folding, HTML remnants, control characters, roman numerals."""
from __future__ import annotations

import html
import unicodedata

import regex as re

_TAG = re.compile(r"<[^>]{0,200}>")
_LIST_ITEM = re.compile(r"<li[^>]*>", re.I)
_BLOCK_BREAK = re.compile(r"<\s*(?:br|/p|p|/li|/ul|/ol|/div)\b[^>]*>", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
# Terminal escape sequences (CSI "ESC [ … m", OSC "ESC ] … BEL", two-character ESC x), then any control
# character left but tab and newline (C0, DEL, C1), the bidi embeddings, overrides, isolates and marks
# (U+202A–202E, U+2066–2069, LRM, RLM, ALM), the BOM and interlinear annotation marks. No nesting: linear.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def nfc(text: str) -> str:
    """Given any text, return it in Unicode NFC (pdfminer and some Word files give NFD)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Given Vietnamese text, return it lower-cased without diacritics ("Chủ trì" → "chu tri")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.lower()).strip()


def strip_html(text: str) -> str:
    """Given cell text with HTML remnants, return plain text; list items become "- " lines."""
    if "<" not in text and "&" not in text:
        return text
    text = _LIST_ITEM.sub("\n- ", text)
    text = _BLOCK_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


def text_only(text: str) -> str:
    """Given text from a file, return it without terminal escapes, control characters or bidi controls.

    Tab and newline stay (a carriage return or a Unicode line separator becomes a newline), so what
    an analyst reads is what is stored: no colours, no cursor moves, no text reversed by U+202E.
    """
    if not _CONTROLS.search(text) and "\u2028" not in text and "\u2029" not in text:
        return text
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean(text: str | None) -> str:
    """Given raw cell or paragraph text, return NFC text without HTML or controls, spaces collapsed per line."""
    if not text:
        return ""
    text = strip_html(text_only(nfc(text)))
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str | None) -> str:
    """Given text, return it cleaned and joined onto a single line."""
    return " ".join(clean(text).split("\n"))


def roman_value(token: str) -> int | None:
    """Given "IV" or "IV." return 4; None when the token is not a roman numeral I–X."""
    return ROMAN.get(token.strip().rstrip(".").upper()) if token.strip().rstrip(".").isupper() else None
