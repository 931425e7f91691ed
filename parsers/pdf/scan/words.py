"""Turn Tesseract's words into the text path's lines, and repair what OCR breaks in a word.

word_lines (Tesseract's own line grouping; boxes from pixels of a crop to PDF points) →
`parsers.pdf.cells.join_lines` (a cell's lines joined in reading order exactly as for a text
layer: a wrapped line with a space, "NĐ-" + "CP" with nothing, a paragraph break kept) →
repair (NFC; a diacritic read as a word of its own glued back onto its syllable; digits
read as letters inside a number or a date put back: "2O26" → "2026", "3l/01" → "31/01").
"""
from __future__ import annotations

import unicodedata

import regex as re

from parsers.pdf.cells import Line
from parsers.pdf.scan.tesseract import Word
from parsers.textutil.clean import nfc

FONT_OF_LINE = 1.15          # a printed line's box (accents to descenders) is about this many font sizes
# spacing accents Tesseract sometimes gives beside a letter instead of over it
SPACING_MARKS = {"`": "\u0300", "´": "\u0301", "˜": "\u0303", "ˀ": "\u0309", "˙": "\u0323", "ˋ": "\u0300",
                 "ˊ": "\u0301"}
# the marks Vietnamese letters carry: breve, circumflex, horn, and the five tones
_TONED = "aeiouyAEIOUY"
VIETNAMESE_MARKS = {"\u0306": "aA", "\u0302": "aeoAEO", "\u031b": "ouOU", "\u0300": _TONED, "\u0301": _TONED,
                    "\u0309": _TONED, "\u0303": _TONED, "\u0323": _TONED}
_GRAPHEME = re.compile(r"\X")
_NUMBERISH = re.compile(r"^[(\[]?[\dOoIl|]+(?:[/.,\-][\dOoIl|]+)*[)\].,;:]?$")
_DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def word_lines(words: list[Word], origin: tuple[float, float], scale: float) -> list[Line]:
    """Given one image's words, the image's top-left on the page (pixels) and points per pixel, return its lines."""
    by_line: dict[tuple, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    ox, oy = origin
    lines = []
    for ws in by_line.values():
        ws.sort(key=lambda w: w.x0)
        text = repair(" ".join(w.text for w in ws))
        if not text:
            continue
        top, bottom = min(w.top for w in ws), max(w.bottom for w in ws)
        x0, x1 = ws[0].x0, max(w.x1 for w in ws)
        size = max((bottom - top) * scale / FONT_OF_LINE, 1.0)
        lines.append(Line(text, (ox + x0) * scale, (ox + x1) * scale, (oy + top) * scale, (oy + bottom) * scale,
                          size, (ws[0].x1 - ws[0].x0) * scale))
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))


def mean_confidence(words: list[Word]) -> float | None:
    """Given words, return their mean OCR confidence (0–100), weighted by length; None without words."""
    weight = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / weight if weight else None


def repair(text: str) -> str:
    """Given a line of OCR text, return it with loose diacritics glued back, numbers mended, in NFC."""
    tokens: list[str] = []
    for token in nfc("".join(SPACING_MARKS.get(ch, ch) for ch in text)).split():
        marks = next((i for i, ch in enumerate(token) if not unicodedata.combining(ch)), len(token))
        if tokens and marks:                                   # a word cut before its mark: "nhiê ̣m" → "nhiệm"
            # marks its syllable cannot carry ("Đ" + grave) are dropped, as on any letter
            glued = _foreign_letters(_glue_marks(tokens[-1], token[:marks]))
            tokens[-1] = glued + _number(_foreign_letters(token[marks:]))
            continue
        tokens.append(_number(_foreign_letters(token)))
    return nfc(" ".join(tokens))


def is_vietnamese_letter(ch: str) -> bool:
    """Say whether a letter is one Vietnamese writes (a base letter and the marks Vietnamese puts on it)."""
    base, *marks = unicodedata.normalize("NFD", ch)
    return all(base in VIETNAMESE_MARKS.get(m, "") for m in marks)


def _foreign_letters(token: str) -> str:
    """Given a token, return it with the marks no Vietnamese letter carries ("Ï", "ñ") taken off.

    Tesseract's Vietnamese model sometimes doubles a letter with a stray mark ("ÏI" for
    "I"): such a letter next to its own base letter is dropped.
    """
    clusters = _GRAPHEME.findall(unicodedata.normalize("NFD", token))
    out: list[str] = []
    for i, cluster in enumerate(clusters):
        base, marks = cluster[0], cluster[1:]
        kept = "".join(m for m in marks if base in VIETNAMESE_MARKS.get(m, ""))
        if kept == marks or not base.isalpha():
            out.append(cluster)
        elif not (kept == "" and base in (clusters[i + 1][:1] if i + 1 < len(clusters) else "", out[-1][:1] if out else "")):
            out.append(base + kept)
    return nfc("".join(out))


def _glue_marks(word: str, marks: str) -> str:
    """Given a syllable and loose combining marks, return the syllable with the marks on its last vowel."""
    vowels = [i for i, ch in enumerate(word) if unicodedata.normalize("NFD", ch)[0].lower() in "aăâeêioôơuưy"]
    at = vowels[-1] + 1 if vowels else len(word)
    return nfc(word[:at] + marks + word[at:])


def _number(token: str) -> str:
    """Given a token, return it with letters read for digits put back when it is a number or a date."""
    if not _NUMBERISH.match(token) or not any(ch.isdigit() for ch in token):
        return token
    core = token.translate(_DIGIT_FOR)
    return core
