"""OCR words → lines of a cell, and the repairs of what OCR breaks in a word."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.pdf import cells as cells_
from parsers.pdf.scan.tesseract import Word, tsv_words
from parsers.pdf.scan.words import is_vietnamese_letter, mean_confidence, repair, word_lines


@pytest.mark.parametrize(("read", "expected"), [
    ("nhiê ̣m vụ", "nhiệm vụ"),                 # a tone mark cut off its syllable, then the rest
    ("nhiêm ̣ vụ", "nhiệm vụ"),                 # a tone mark read as a word of its own
    ("tha´m", "thám"),                          # a spacing accent beside its letter
    ("Trong quý ÏI năm 2026", "Trong quý I năm 2026"),   # a letter doubled with a stray mark
    ("ñăm", "năm"),                             # a mark Vietnamese never puts there
    ("Năm 2O26", "Năm 2026"),                   # letters read for digits in a number
    ("Trước ngày 3l/0l", "Trước ngày 31/01"),   # …and in a date
    ("52/2015/NĐ-CP", "52/2015/NĐ-CP"),
    ("Ủy ban nhân dân tỉnh Lâm Đồng", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    ("Olympic IOC", "Olympic IOC"),             # words stay words
    ("Quý III", "Quý III"),
    ("Đ ̀", "Đ"),                          # a mark glued onto a letter that cannot carry it goes
])
def test_repair(read, expected):
    assert repair(read) == expected
    assert repair(unicodedata.normalize("NFD", read)) == expected, "Tesseract may give decomposed letters"


@given(st.text(alphabet=st.sampled_from("aăâeêioôơuưyđ AĐ0123456789/lIO\u0300\u0301\u0303\u0309\u0323ñÏ-"),
               max_size=40))
def test_repair_gives_nfc_vietnamese_letters_and_is_stable(text):
    out = repair(text)
    assert out == unicodedata.normalize("NFC", out)
    assert all(is_vietnamese_letter(ch) for ch in out if ch.isalpha())
    assert repair(out) == out


def word(text, x0, top, x1, bottom, line=(1, 1, 1), confidence=90.0):
    return Word(text, x0, top, x1, bottom, line, confidence)


def test_words_become_lines_in_points_joined_as_a_text_layer_cell():
    # 300 dpi: one pixel is 0.24 pt; a crop placed at (1000, 2000) on the page
    words = [word("Văn", 10, 10, 80, 50), word("bản", 95, 12, 160, 50),
             word("quy", 10, 70, 70, 112, line=(1, 1, 2)), word("phạm", 85, 70, 180, 112, line=(1, 1, 2))]
    lines = word_lines(words, (1000, 2000), 72 / 300)
    assert [ln.text for ln in lines] == ["Văn bản", "quy phạm"]
    assert lines[0].x0 == pytest.approx(1010 * 0.24) and lines[0].top == pytest.approx(2010 * 0.24)
    # the cell is just wide enough for the first line: the second wrapped, so one paragraph
    assert cells_.join_lines(lines, lines[0].x0, lines[0].x1 + 3) == "Văn bản quy phạm"
    assert cells_.join_lines(lines, lines[0].x0, lines[0].x0 + 200) == "Văn bản\nquy phạm"


def test_mean_confidence_weighs_long_words_more():
    assert mean_confidence([word("Sở", 0, 0, 1, 1, confidence=50), word("Tư", 0, 0, 1, 1, confidence=50),
                            word("pháp", 0, 0, 1, 1, confidence=100)]) == pytest.approx(75)
    assert mean_confidence([]) is None


def test_tesseract_tsv_is_split_by_image():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t12\t10\t30\t20\t96.5\tSở\n"
           "5\t2\t1\t1\t1\t1\t12\t10\t30\t20\t91\t3\n"
           "5\t2\t1\t1\t1\t2\t50\t10\t30\t20\t-1\t \n")
    first, second = tsv_words(tsv, 2)
    assert [(w.text, w.x1, w.confidence) for w in first] == [("Sở", 42, 96.5)]
    assert [w.text for w in second] == ["3"]
