"""Map an area heading (lĩnh vực I–VII of Nghị quyết 76/NQ-CP) to its standard area code.

Headings are matched by meaning first ("CẢI CÁCH TÀI CHÍNH CÔNG" → 6) because some plans
number the areas in another order; the printed numeral is the fallback.
"""
from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import regex as re

from parsers.textutil.clean import fold, roman_value

_PUNCT = re.compile(r"[^\p{L}\p{N} ]+")
_HEADING = re.compile(r"^(?:lĩnh vực\s+)?([IVX]+)\b[.:\-\s]*(.*)$", re.I | re.S)


@cache
def area_keywords() -> list[tuple[str, int]]:
    """Return (folded keyword, area code) pairs, longest keyword first."""
    path = resources.files("schemas") / "areas.csv"
    with path.open(encoding="utf-8") as fh:
        pairs = [(row["keyword"], int(row["area_code"])) for row in csv.DictReader(fh)]
    return sorted(pairs, key=lambda p: -len(p[0]))


def area_by_title(title: str) -> int | None:
    """Given a heading text ("Cải cách thủ tục hành chính"), return its area code or None."""
    words = " " + " ".join(_PUNCT.sub(" ", fold(title)).split()) + " "
    for keyword, code in area_keywords():
        if f" {keyword} " in words:
            return code
    return None


def area_code(numeral: str | int | None, title: str) -> tuple[int | None, list[str]]:
    """Given a printed numeral and heading, return (area code, warnings)."""
    number = numeral if isinstance(numeral, int) else roman_value(numeral or "")
    by_title = area_by_title(title)
    if by_title is None:
        if number and 1 <= number <= 7:
            return number, []
        return None, [f"area heading not recognised: {title[:60]}"]
    if number and number != by_title:
        return by_title, [f"area numbered {numeral} mapped to {by_title} by its heading"]
    return by_title, []


def split_heading(text: str) -> tuple[str, str] | None:
    """Given "VI CẢI CÁCH TÀI CHÍNH CÔNG" or "Lĩnh vực III", return (numeral, title) or None."""
    m = _HEADING.match(text.strip())
    if not m or roman_value(m[1]) is None:
        return None
    return m[1].upper(), m[2].strip()
