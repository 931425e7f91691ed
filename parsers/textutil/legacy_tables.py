"""The letter tables of the legacy Vietnamese encodings: TCVN3 ("ABC") and VNI, both ways.

Every one of the 134 Vietnamese letters that are not plain ASCII (67 lowercase, 67
uppercase), rows in tone order: none, grave (huyền), hook (hỏi), tilde (ngã), acute
(sắc), dot below (nặng). `parsers.textutil.legacy` converts and detects with them.
"""

# --------------------------------------------------------------------------- letters

_VOWEL_ROWS_LOWER = (
    "aàảãáạ",
    "ăằẳẵắặ",
    "âầẩẫấậ",
    "eèẻẽéẹ",
    "êềểễếệ",
    "iìỉĩíị",
    "oòỏõóọ",
    "ôồổỗốộ",
    "ơờởỡớợ",
    "uùủũúụ",
    "ưừửữứự",
    "yỳỷỹýỵ",
)

# Every Vietnamese letter (lower then upper), including the plain ASCII ones.
_ALL_LETTERS_LOWER = "".join(_VOWEL_ROWS_LOWER) + "bcdđghklmnpqrstvx"
VIETNAMESE_LETTERS: str = _ALL_LETTERS_LOWER + _ALL_LETTERS_LOWER.upper()

# The 134 letters that need more than ASCII.
VIETNAMESE_SPECIAL_LETTERS: str = "".join(ch for ch in VIETNAMESE_LETTERS if ord(ch) > 0x7F)

# Letters that only exist outside Latin-1: their presence proves real Unicode text.
UNICODE_ONLY_LETTERS = frozenset(ch for ch in VIETNAMESE_SPECIAL_LETTERS if ord(ch) > 0xFF)

# --------------------------------------------------------------------------- TCVN3 table

# Unicode row -> TCVN3 bytes of the same six letters (ASCII for the bare a e i o u y).
_TCVN3_ROWS = {
    "aàảãáạ": b"a\xb5\xb6\xb7\xb8\xb9",
    "ăằẳẵắặ": b"\xa8\xbb\xbc\xbd\xbe\xc6",
    "âầẩẫấậ": b"\xa9\xc7\xc8\xc9\xca\xcb",
    "eèẻẽéẹ": b"e\xcc\xce\xcf\xd0\xd1",
    "êềểễếệ": b"\xaa\xd2\xd3\xd4\xd5\xd6",
    "iìỉĩíị": b"i\xd7\xd8\xdc\xdd\xde",
    "oòỏõóọ": b"o\xdf\xe1\xe2\xe3\xe4",
    "ôồổỗốộ": b"\xab\xe5\xe6\xe7\xe8\xe9",
    "ơờởỡớợ": b"\xac\xea\xeb\xec\xed\xee",
    "uùủũúụ": b"u\xef\xf1\xf2\xf3\xf4",
    "ưừửữứự": b"\xad\xf5\xf6\xf7\xf8\xf9",
    "yỳỷỹýỵ": b"y\xfa\xfb\xfc\xfd\xfe",
    "đ": b"\xae",
}

# The only capitals with their own code: bare Ă Â Ê Ô Ơ Ư Đ.
_TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def _build_tcvn3_encode() -> dict[str, str]:
    """Given the row tables, return the 134-letter Unicode -> TCVN3 character map.

    Capitals without a code of their own get the lowercase code: that is how they are
    typed in the uppercase fonts (.VnTimeH), and the case is restored from the font name.
    """
    table: dict[str, str] = {}
    for letters, codes in _TCVN3_ROWS.items():
        for letter, code in zip(letters, codes.decode("latin-1"), strict=True):
            if ord(letter) > 0x7F:
                table[letter] = code
                table[letter.upper()] = code
    table.update({letter: chr(code) for letter, code in _TCVN3_CAPITALS.items()})
    return table


TCVN3_ENCODE: dict[str, str] = _build_tcvn3_encode()

# TCVN3 character -> Unicode letter (67 lowercase + 7 capitals = 74 codes).
TCVN3_DECODE: dict[str, str] = {
    code: letter for letter, code in TCVN3_ENCODE.items() if letter.islower() or letter in _TCVN3_CAPITALS
}

# --------------------------------------------------------------------------- VNI table

# Unicode row -> VNI spelling of the same six letters (cp1252 characters).
_VNI_ROWS = {
    "aàảãáạ": ("a", "aø", "aû", "aõ", "aù", "aï"),
    "ăằẳẵắặ": ("aê", "aè", "aú", "aü", "aé", "aë"),
    "âầẩẫấậ": ("aâ", "aà", "aå", "aã", "aá", "aä"),
    "eèẻẽéẹ": ("e", "eø", "eû", "eõ", "eù", "eï"),
    "êềểễếệ": ("eâ", "eà", "eå", "eã", "eá", "eä"),
    "iìỉĩíị": ("i", "ì", "æ", "ó", "í", "ò"),
    "oòỏõóọ": ("o", "oø", "oû", "oõ", "où", "oï"),
    "ôồổỗốộ": ("oâ", "oà", "oå", "oã", "oá", "oä"),
    "ơờởỡớợ": ("ô", "ôø", "ôû", "ôõ", "ôù", "ôï"),
    "uùủũúụ": ("u", "uø", "uû", "uõ", "uù", "uï"),
    "ưừửữứự": ("ö", "öø", "öû", "öõ", "öù", "öï"),
    "yỳỷỹýỵ": ("y", "yø", "yû", "yõ", "yù", "î"),
    "đ": ("ñ",),
    "AÀẢÃÁẠ": ("A", "AØ", "AÛ", "AÕ", "AÙ", "AÏ"),
    "ĂẰẲẴẮẶ": ("AÊ", "AÈ", "AÚ", "AÜ", "AÉ", "AË"),
    "ÂẦẨẪẤẬ": ("AÂ", "AÀ", "AÅ", "AÃ", "AÁ", "AÄ"),
    "EÈẺẼÉẸ": ("E", "EØ", "EÛ", "EÕ", "EÙ", "EÏ"),
    "ÊỀỂỄẾỆ": ("EÂ", "EÀ", "EÅ", "EÃ", "EÁ", "EÄ"),
    "IÌỈĨÍỊ": ("I", "Ì", "Æ", "Ó", "Í", "Ò"),
    "OÒỎÕÓỌ": ("O", "OØ", "OÛ", "OÕ", "OÙ", "OÏ"),
    "ÔỒỔỖỐỘ": ("OÂ", "OÀ", "OÅ", "OÃ", "OÁ", "OÄ"),
    "ƠỜỞỠỚỢ": ("Ô", "ÔØ", "ÔÛ", "ÔÕ", "ÔÙ", "ÔÏ"),
    "UÙỦŨÚỤ": ("U", "UØ", "UÛ", "UÕ", "UÙ", "UÏ"),
    "ƯỪỬỮỨỰ": ("Ö", "ÖØ", "ÖÛ", "ÖÕ", "ÖÙ", "ÖÏ"),
    "YỲỶỸÝỴ": ("Y", "YØ", "YÛ", "YÕ", "YÙ", "Î"),
    "Đ": ("Ñ",),
}

VNI_ENCODE: dict[str, str] = {
    letter: spelling
    for letters, spellings in _VNI_ROWS.items()
    for letter, spelling in zip(letters, spellings, strict=True)
    if ord(letter) > 0x7F
}

# VNI modifier character -> Unicode combining marks it adds to the preceding letter.
_VNI_MARKS_LOWER = {
    "\xf8": "\u0300",  # ø grave
    "\xfb": "\u0309",  # û hook above
    "\xf5": "\u0303",  # õ tilde
    "\xf9": "\u0301",  # ù acute
    "\xef": "\u0323",  # ï dot below
    "\xe2": "\u0302",  # â circumflex
    "\xe0": "\u0302\u0300",  # à circumflex + grave
    "\xe5": "\u0302\u0309",  # å circumflex + hook
    "\xe3": "\u0302\u0303",  # ã circumflex + tilde
    "\xe1": "\u0302\u0301",  # á circumflex + acute
    "\xe4": "\u0302\u0323",  # ä circumflex + dot
    "\xea": "\u0306",  # ê breve
    "\xe8": "\u0306\u0300",  # è breve + grave
    "\xfa": "\u0306\u0309",  # ú breve + hook
    "\xfc": "\u0306\u0303",  # ü breve + tilde
    "\xe9": "\u0306\u0301",  # é breve + acute
    "\xeb": "\u0306\u0323",  # ë breve + dot
}
VNI_MARKS: dict[str, str] = {**_VNI_MARKS_LOWER, **{k.upper(): v for k, v in _VNI_MARKS_LOWER.items()}}

# VNI characters that are whole letters on their own.
_VNI_LETTERS_LOWER = {
    "\xf1": "đ",  # ñ
    "\xf4": "ơ",  # ô
    "\xf6": "ư",  # ö
    "\xec": "ì",  # ì
    "\xe6": "ỉ",  # æ
    "\xf3": "ĩ",  # ó
    "\xed": "í",  # í
    "\xf2": "ị",  # ò
    "\xee": "ỵ",  # î
}
VNI_LETTERS: dict[str, str] = {
    **_VNI_LETTERS_LOWER,
    **{k.upper(): v.upper() for k, v in _VNI_LETTERS_LOWER.items()},
}
