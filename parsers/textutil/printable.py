"""Text a report line can carry: every character that could break or disguise a line shown as an escape.

A file name may hold a newline (forging a second report line in a cron mail), a tab, an ANSI
escape or a bidi override (showing "txt.exe" as "exe.txt"). `escape_line` keeps all other
text as it is (Vietnamese letters, spaces) and writes those characters as `\\n`, `\\t`,
`\\x1b`, `\\u202e`, so what a person reads is one line and what the file is really called.
"""
from __future__ import annotations

import re
import unicodedata

NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Unicode categories shown as escapes: controls, format characters (bidi marks and overrides,
# zero-width characters, BOM), line and paragraph separators, lone surrogates.
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
ANSI_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")   # CSI, OSC, Fe


def escape_line(text: object) -> str:
    """Given any text, return it on one line with control, format and bidi characters as escapes."""
    text = str(text)
    if text.isprintable():
        return text                     # the common case: nothing to escape (spaces are printable)
    return "".join(_escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    if ch in NAMED_ESCAPES:
        return NAMED_ESCAPES[ch]
    if unicodedata.category(ch) not in ESCAPED_CATEGORIES:
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def strip_controls(text: str) -> str:
    """Given text for a stored field, return it without control, format and bidi characters (tabs and
    newlines become spaces)."""
    if text.isprintable():
        return text
    spaced = "".join(" " if ch in NAMED_ESCAPES else ch for ch in ANSI_SEQUENCE.sub("", text))
    return "".join(ch for ch in spaced if unicodedata.category(ch) not in ESCAPED_CATEGORIES)
