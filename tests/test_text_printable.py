"""One line stays one line: what a report prints and a sidecar stores cannot break or disguise it."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.textutil.printable import ESCAPED_CATEGORIES, escape_line, strip_controls


@pytest.mark.parametrize("text, shown", [
    ("Kế hoạch CCHC 2026.txt", "Kế hoạch CCHC 2026.txt"),                     # Vietnamese and spaces stay
    ("a.txt\nok forged.txt: 999 rows", "a.txt\\nok forged.txt: 999 rows"),
    ("tab\there\rcr", "tab\\there\\rcr"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),                               # right-to-left override
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("line\u2028sep", "line\\u2028sep"),
    ("bad\udcffbyte", "bad\\udcffbyte"),                                       # a lone surrogate (undecodable name)
])
def test_escape_line(text, shown):
    assert escape_line(text) == shown


@given(st.text())
def test_escaped_text_is_one_printable_line_and_escaping_twice_changes_nothing(text):
    once = escape_line(text)
    assert len(once.splitlines()) <= 1                  # no character Python (or a mail reader) breaks a line at
    assert not any(unicodedata.category(ch) in ESCAPED_CATEGORIES for ch in once)
    assert escape_line(once) == once


@pytest.mark.parametrize("text, stored", [
    ("Sở \x1b[1mNội vụ\x1b[0m", "Sở Nội vụ"),
    ("Kế hoạch\u202e 2026", "Kế hoạch 2026"),
    ("a\tb\nc", "a b c"),
    ("\x1b]0;title\x07UBND", "UBND"),
])
def test_strip_controls(text, stored):
    assert strip_controls(text) == stored
