"""Encodings a Vietnamese office really saves text in, besides UTF-8 and the legacy fonts' codes.

* UTF-16 without a byte-order mark (Notepad's "Unicode" saved by some tools): every other
  byte is 0 for ASCII and 0x1E for most Vietnamese letters (U+1EA0–U+1EF9). `utf16_without_bom`
  reads the zero pattern of the first 4 KB and names the byte order.
* Windows-1258, the Vietnamese Windows code page: ă â ê ô ơ ư đ are one byte, the five tones
  are combining marks after the vowel ("a" + 0xEC is "á"). `cp1258_text` decodes and composes
  (NFC) when the marks sit on vowels, as only real 1258 text has them.
* UTF-8 encoded twice (read as Windows-1252 and saved again as UTF-8): "Kế hoạch" arrives as
  "Káº¿ hoáº¡ch". `repair_double_utf8` undoes it with ftfy, only when such pairs are there.

`unicode_to_cp1258` writes 1258 text (for tests and fixtures), as Windows itself does.
"""
from __future__ import annotations

import re
import unicodedata

from parsers.textutil.legacy_tables import UNICODE_ONLY_LETTERS

SNIFF_BYTES = 4096
ZERO_SHARE = 0.3                 # at least this share of one byte lane is 0 …
OTHER_ZERO_SHARE = 0.02          # … and at most this share of the other lane
TONES = "\u0300\u0301\u0303\u0309\u0323"              # the five tone marks 1258 writes as combining characters
VOWELS = frozenset("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
MIN_TONES = 3
MIN_ON_VOWELS = 0.9
# A UTF-8 lead byte of Vietnamese text (Ã Ä Æ, or á before º ») followed by what Windows-1252 makes of a
# continuation byte: the mark of text encoded twice. One char class each side: linear.
DOUBLE_UTF8 = re.compile("[ÂÃÄÅÆ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                         "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|á[º»]")


def utf16_without_bom(data: bytes) -> str | None:
    """Given file bytes, return 'utf-16-le' or 'utf-16-be' when they read as UTF-16 without a BOM, else None."""
    sample = data[:SNIFF_BYTES]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    for codec, lane, other in (("utf-16-le", zeros_odd, zeros_even), ("utf-16-be", zeros_even, zeros_odd)):
        if lane >= ZERO_SHARE and other <= OTHER_ZERO_SHARE:
            try:
                text = data[: len(data) // 2 * 2].decode(codec)
            except UnicodeDecodeError:
                return None
            printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text[:SNIFF_BYTES])
            return codec if printable >= 0.95 * min(len(text), SNIFF_BYTES) else None
    return None


def cp1258_text(data: bytes) -> str | None:
    """Given bytes that are not UTF-8, return them as NFC text when they are Windows-1258 Vietnamese, else None.

    It is 1258 when the bytes decode strictly, at least MIN_TONES tone marks appear, 90% of them
    right after a vowel, and the composed text holds letters only Unicode has (ư ơ ă đ ạ …).
    """
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    marks = [i for i, ch in enumerate(text) if ch in TONES]
    if len(marks) < MIN_TONES:
        return None
    on_vowels = sum(1 for i in marks if i and unicodedata.normalize("NFD", text[i - 1])[0] in VOWELS)
    if on_vowels < MIN_ON_VOWELS * len(marks):
        return None
    composed = unicodedata.normalize("NFC", text)
    return composed if any(ch in UNICODE_ONLY_LETTERS for ch in composed) else None


def repair_double_utf8(text: str) -> str | None:
    """Given decoded UTF-8 text, return it repaired when it was UTF-8 encoded twice, else None."""
    if not DOUBLE_UTF8.search(text):
        return None
    import ftfy

    fixed = ftfy.fix_encoding(text)
    return unicodedata.normalize("NFC", fixed) if fixed != text and not DOUBLE_UTF8.search(fixed) else None


def unicode_to_cp1258(text: str) -> bytes:
    """Given Unicode text, return it in Windows-1258: a toned vowel as its base letter and a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)
