"""One scanned page (parsers/pdf/scan/page.py): which reading of a short cell wins, Tesseract stubbed."""
from __future__ import annotations

import numpy as np
import pytest

from parsers.pdf.scan import page as page_
from parsers.pdf.scan.tesseract import Word


def words(text: str, confidence: float) -> list[Word]:
    return [Word(t, 0, 0, 10, 10, (1, 1, 1), confidence) for t in text.split()]


@pytest.mark.parametrize(("block", "numeral", "kept"), [
    (("H", 82), ("II", 72), "II"),               # the Vietnamese model's "H" for a Roman II
    (("Ẳ", 60), ("3", 97), "3"),
    (("5", 39), ("5", 89), "5"),
    (("STT", 90), ("I", 0), "STT"),
    (("HI", 70), ("II", 0), "III"),              # "III" printed close: both models fail, the H is two I's
    (("H.", 80), ("", 0), "II."),              # a header held to numerals reads "I" with no confidence
    (("Sở", 93), ("", 0), "Sở"),                 # a short word that is no numeral stays
    (("Quý", 91), ("I", 30), "Quý"),
    (("Năm 2026", 95), ("", 0), "Năm 2026"),     # a long cell is never read again
])
def test_a_short_cell_is_read_again_as_a_numeral_and_the_surer_stt_wins(monkeypatch, block, numeral, kept):
    def read_images(images, psm, lang=page_.tesseract.LANG, dpi=300, extra=()):
        return [words(*numeral) if psm == page_.NUMERAL_PSM else words(*block) for _ in images]

    monkeypatch.setattr(page_.tesseract, "read_images", read_images)
    got = page_.read_cells([np.full((20, 20), 255, np.uint8)], 300)
    assert " ".join(w.text for w in got[0]) == kept


@pytest.mark.parametrize(("text", "roman"), [
    ("H", "II"), ("HI", "III"), ("IH", "III"), ("lH", "III"), ("H)", "II)"), ("VH", "VII"), ("XH", "XII"),
    ("HH", None), ("HII", None), ("HV", None), ("Hà", None), ("I", None), ("II", None), ("Hồ", None), ("", None),
    ("VI", None), ("H.H", None),
])
def test_unstuck_roman(text, roman):
    assert page_.unstuck_roman(text) == roman
