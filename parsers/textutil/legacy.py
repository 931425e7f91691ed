"""Legacy Vietnamese encodings (TCVN3 "ABC" and VNI) to Unicode NFC.

Before Unicode, Vietnamese documents were typed with 8-bit fonts whose glyphs sit on
Latin-1 code points.  A DOCX or text file written that way carries Latin-1 / cp1252
characters that only look right in the original font:

* TCVN3 (TCVN 5712:1993 VN3, fonts ``.VnTime``, ``.VnArial`` ...): one byte per letter,
  0xA1-0xFE.  Only lowercase letters and the seven bare capitals Ă Â Ê Ô Ơ Ư Đ have codes;
  capitals with a tone are typed with the uppercase fonts (``.VnTimeH`` ...) which draw
  the *lowercase* codes as capitals.  ``"C¶i c¸ch hµnh chÝnh"`` is "Cải cách hành chính".
* VNI (fonts ``VNI-Times``, ``VNI-Helve`` ...): an ASCII base letter followed by one
  modifier character carrying the hat/breve and/or tone, e.g. ``"Caûi caùch haønh chính"``;
  đ ơ ư and the i/ỵ letters are single precomposed characters.

The letter tables of both encodings live in `parsers.textutil.legacy_tables`; this module
converts with them, and detects legacy text where no font name says what it is.
"""

import re
import unicodedata
from collections.abc import Callable

from parsers.textutil.legacy_tables import (
    TCVN3_DECODE,
    TCVN3_ENCODE,
    UNICODE_ONLY_LETTERS,
    VIETNAMESE_SPECIAL_LETTERS,
    VNI_ENCODE,
    VNI_LETTERS,
    VNI_MARKS,
)

# --------------------------------------------------------------------------- converters


def _nfc(text: str) -> str:
    """Given any text, return it in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


_TCVN3_DECODE_TRANS = str.maketrans(TCVN3_DECODE)
_TCVN3_ENCODE_TRANS = str.maketrans(TCVN3_ENCODE)
_VNI_ENCODE_TRANS = str.maketrans(VNI_ENCODE)


def tcvn3_to_unicode(text: str) -> str:
    """Given TCVN3 text (its bytes as Latin-1 characters), return Unicode NFC text.

    Capitals typed with an uppercase font come back lowercase; see ``fix_legacy_text``.
    """
    return _nfc(text.translate(_TCVN3_DECODE_TRANS))


def unicode_to_tcvn3(text: str) -> str:
    """Given Unicode text, return its TCVN3 spelling as Latin-1 characters.

    Capitals with a tone have no TCVN3 code and become the lowercase code (as typed
    with a .VnTimeH font), so only all-capital text round-trips, through the H font.
    """
    return _nfc(text).translate(_TCVN3_ENCODE_TRANS)


def unicode_to_vni(text: str) -> str:
    """Given Unicode text, return its VNI spelling as cp1252 characters."""
    return _nfc(text).translate(_VNI_ENCODE_TRANS)


def _attach_vni_marks(previous: str, marks: str) -> str | None:
    """Given a letter and VNI combining marks, return the Vietnamese letter or None."""
    merged = _nfc(previous + marks)
    return merged if merged in VIETNAMESE_SPECIAL_LETTERS and len(merged) == 1 else None


def _decode_vni(text: str) -> tuple[str, int]:
    """Given VNI text, return (decoded text, number of stray non-ASCII characters).

    A modifier is applied to the letter before it only when that gives a Vietnamese
    letter ("aù" -> "á"); otherwise it is kept as is and counted as stray, as is any
    other non-ASCII character that is neither a modifier nor a VNI letter.
    """
    out: list[str] = []
    stray = 0
    for ch in text:
        marks = VNI_MARKS.get(ch)
        merged = _attach_vni_marks(out[-1], marks) if marks and out else None
        if merged:
            out[-1] = merged
            continue
        stray += not ch.isascii() and ch not in VNI_LETTERS
        out.append(VNI_LETTERS.get(ch, ch))
    return "".join(out), stray


def vni_to_unicode(text: str) -> str:
    """Given VNI text (cp1252 characters), return Unicode NFC text.

    The modifier's case does not matter ("AÙ", "Aù" -> "Á"): the base letter decides.
    """
    return _nfc(_decode_vni(text)[0])


_CONVERTERS: dict[str, Callable[[str], str]] = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}

# --------------------------------------------------------------------------- detection

# Word-ish runs: ASCII letters and the Latin-1 characters either encoding uses as letters.
_WORD_RE = re.compile(r"[A-Za-z\u00a1-\u00ae\u00b5-\u00b9\u00bb-\u00be\u00c0-\u00ff]+")

# TCVN3 codes that are punctuation/symbols in Latin-1: never inside a real word.
_TCVN3_SYMBOLS = frozenset(ch for ch in TCVN3_DECODE if not ch.isalpha() or ch in "\xaa\xb5")
# Guillemets count only in the middle of a word ("kh«ng"), never at its edge ("«Oui»").
_EDGE_SENSITIVE = frozenset("\xab\xbb")

_VNI_PATTERN = re.compile(
    "[aA][\xea\xe8\xfa\xfc\xe9\xeb\xca\xc8\xda\xdc\xc9\xcb]"  # a + breve(+tone)
    "|[aeoAEO][\xe2\xe0\xe5\xe3\xe1\xe4\xc2\xc0\xc5\xc3\xc1\xc4]"  # a/e/o + circumflex(+tone)
    "|[aeouyAEOUY\xf4\xf6\xd4\xd6][\xf8\xfb\xf5\xf9\xef\xd8\xdb\xd5\xd9\xcf]"  # vowel/ơ/ư + tone
    "|^[\xf1\xd1][A-Za-z\xc0-\xff]"  # word-initial đ: "ñaõ", "Ñieàu"
    "|[\xf6\xd6][\xf4\xd4]"  # ươ
)

_MIN_HITS = 2  # words with a signature
_MIN_SHARE = 0.25  # ... as a share of the words holding non-ASCII characters
_MAX_BAD_SHARE = 0.1  # words the encoding cannot have produced


def _has_unicode_vietnamese(text: str) -> bool:
    """Given text, return True if it holds letters or marks no legacy encoding can produce."""
    return any(
        ch in UNICODE_ONLY_LETTERS or (ord(ch) > 0xFF and unicodedata.combining(ch)) for ch in _nfc(text)
    )


def _is_tcvn3_word(word: str) -> bool:
    """Given a word, return True if it shows a TCVN3 signature.

    Signatures: a TCVN3 symbol code inside a word ("h¹nh", "®Þnh"); a Latin-1 capital
    right after a lowercase letter ("ViÖt", "chÝnh"); a Latin-1 lowercase letter amid
    capitals, as typed with the uppercase fonts ("HéI", "CHñ").
    """
    return len(word) > 1 and any(_is_tcvn3_char(word, i) for i in range(len(word)))


def _is_tcvn3_char(word: str, i: int) -> bool:
    """Given a word and a position, return True if the character there is TCVN3-typical."""
    ch = word[i]
    if ch not in TCVN3_DECODE:
        return False
    if ch in _TCVN3_SYMBOLS:
        return ch not in _EDGE_SENSITIVE or 0 < i < len(word) - 1
    before, after = word[max(i - 2, 0) : i], word[i + 1 : i + 2]
    if ch.isupper():
        return before[-1:].islower()
    if after:
        return before[-1:].isupper() and after.isupper()
    return len(before) == 2 and before.isupper()


def _is_bad_tcvn3_word(word: str) -> bool:
    """Given a word, return True if it holds a non-ASCII character with no TCVN3 code ("à")."""
    return any(not ch.isascii() and ch not in TCVN3_DECODE for ch in word)


def _is_vni_word(word: str) -> bool:
    """Given a word, return True if it holds a VNI letter + modifier pair ("caùch")."""
    return _VNI_PATTERN.search(word) is not None


def _is_bad_vni_word(word: str) -> bool:
    """Given a word, return True if VNI cannot have produced it ("été", "reçu")."""
    return _decode_vni(word)[1] > 0


_SIGNATURES = {
    "tcvn3": (_is_tcvn3_word, _is_bad_tcvn3_word),
    "vni": (_is_vni_word, _is_bad_vni_word),
}


def _legacy_words(text: str) -> list[str]:
    """Given text, return its words that hold non-ASCII characters."""
    return [w for w in _WORD_RE.findall(text) if not w.isascii()]


def _legacy_score(words: list[str], encoding: str) -> int:
    """Given non-ASCII words, return how many carry the encoding's signature, or 0 if too few.

    Too few means under two words, under 25% of the words, or more than 10% of the words
    that the encoding cannot have produced.
    """
    is_typical, is_bad = _SIGNATURES[encoding]
    hits = sum(map(is_typical, words))
    bad = sum(map(is_bad, words))
    if hits < _MIN_HITS or hits < _MIN_SHARE * len(words) or bad > _MAX_BAD_SHARE * len(words):
        return 0
    return hits


def detect_legacy(text: str) -> str | None:
    """Given text, return 'tcvn3' or 'vni' if it looks legacy-encoded, else None.

    Unicode Vietnamese (any letter outside Latin-1, e.g. ư ơ đ ạ ả) and plain ASCII give
    None.  Otherwise the words holding non-ASCII characters are scored per encoding:
    signature words (TCVN3: symbol codes inside a word as in "h¹nh", or "ViÖt";
    VNI: vowel + modifier as in "caùch") must be at least two and 25% of those words,
    and at most 10% may be impossible in that encoding ("à" in TCVN3, "été" in VNI).
    The higher score wins; a tie gives None.  So Latin-1 text with an accent or a few
    ("où", "naïve", "«Oui»", "Ça coûte très cher") is left alone.
    """
    if text.isascii() or _has_unicode_vietnamese(text):
        return None
    words = _legacy_words(text)
    tcvn3, vni = _legacy_score(words, "tcvn3"), _legacy_score(words, "vni")
    if tcvn3 == vni:
        return None
    return "tcvn3" if tcvn3 > vni else "vni"


# --------------------------------------------------------------------------- fonts & files


def encoding_from_font(font: str | None) -> str | None:
    """Given a font name, return 'tcvn3' (.Vn* ABC fonts), 'vni' (VNI-*) or None."""
    name = (font or "").strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name == "vni" or name.startswith(("vni-", "vni ")):
        return "vni"
    return None


def is_uppercase_font(font: str | None) -> bool:
    """Given a font name, return True for TCVN3 capital fonts (.VnTimeH, .VnArialH ...)."""
    name = (font or "").strip()
    return encoding_from_font(name) == "tcvn3" and name.endswith("H")


def fix_legacy_text(text: str, font: str | None = None) -> tuple[str, str | None]:
    """Given a text run and its font name, return (Unicode NFC text, encoding or None).

    A legacy font name (.VnTime, .VnTimeH, VNI-Times ...) is trusted; without one the
    text is run through ``detect_legacy``.  Text already holding Unicode-only Vietnamese
    letters is never converted.  Uppercase TCVN3 fonts (name ending in "H") upper-case
    the result.
    """
    encoding = encoding_from_font(font) or detect_legacy(text)
    if encoding is None or _has_unicode_vietnamese(text):
        return _nfc(text), None
    converted = _CONVERTERS[encoding](text)
    if encoding == "tcvn3" and is_uppercase_font(font):
        converted = converted.upper()
    return converted, encoding


def _decode_unicode(data: bytes) -> tuple[str, str] | None:
    """Given file bytes, return (text, 'utf-8'|'utf-16') for BOM'd or valid UTF-8, else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return None


def _decode_cp1252(data: bytes) -> str:
    """Given file bytes, return them decoded as cp1252, or Latin-1 where cp1252 has holes."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Given a text file's bytes, return (Unicode NFC text, encoding label).

    Tries UTF-16 (with BOM, or without one: `encodings.utf16_without_bom`) and UTF-8 (with or
    without BOM; repaired when it was encoded twice), else Windows-1258 Vietnamese, else cp1252
    (Latin-1 for bytes cp1252 leaves undefined).  The text is then checked with
    ``detect_legacy`` — legacy text pasted into a UTF-8 file is caught too — and converted.
    Labels: 'utf-8', 'utf-16', 'utf-16-le', 'utf-16-be', 'utf-8-twice', 'cp1258', 'tcvn3',
    'vni', 'cp1252'.
    """
    from parsers.textutil.encodings import cp1258_text, repair_double_utf8, utf16_without_bom

    codec = None if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data)
    if codec:
        text, label = data[: len(data) // 2 * 2].decode(codec), codec
    elif (unicode := _decode_unicode(data)) is not None:
        text, label = unicode
        repaired = repair_double_utf8(text) if label == "utf-8" else None
        if repaired is not None:
            text, label = repaired, "utf-8-twice"
    elif (vietnamese := cp1258_text(data)) is not None:    # never claims TCVN3 or VNI text: their tones
        return vietnamese, "cp1258"                         # are letters, not marks on vowels
    else:
        text, label = _decode_cp1252(data), "cp1252"
    legacy = detect_legacy(text)
    if legacy is None:
        return _nfc(text), label
    return _CONVERTERS[legacy](text), legacy
