"""Parse a CCHC deadline cell ("thời gian thực hiện / hoàn thành") into typed dates.

Matching runs on a *folded* copy of the cell (lower case, accents stripped, đ→d) that has
exactly one character per character of the NFC text, so a span found in the folded copy is
the same span in the original text.  Date expressions are taken out one kind at a time
(full dates first, bare years last) and blanked, so no text is counted twice.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import regex

RECURRENCES = ("once", "continuous", "weekly", "monthly", "quarterly", "periodic", "on_event", "per_roadmap")

# Vocabulary: recurrence -> folded phrases (regex fragments, single spaces between words).
# When several rows match, the earlier row wins; 'on_event' only wins when the cell has no date
# of its own (a dated cell with an event phrase keeps its dates and gets a `condition`).
RECURRENCE_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("on_event", ("khi", "ke tu", "ngay sau")),
    ("per_roadmap", ("theo lo trinh", "theo ke hoach", "theo de an", "theo chu truong", "theo chi dao",
                     "theo tien do", "theo yeu cau", "theo huong dan")),
    ("weekly", ("hang tuan", "moi tuan", "theo tuan", "tuan mot lan")),
    ("monthly", ("hang thang", "moi thang", "thang lien ke", "thang tiep theo", "thang ke tiep")),
    ("quarterly", ("hang quy", "moi quy", "bao cao quy")),
    ("periodic", ("dinh ky", "dot xuat", "bao cao 6 thang", "bao cao nam", "hang nam", "moi nam")),
    ("continuous", ("thuong xuyen", "lien tuc", "ca nam", r"trong nam(?! ?[0-9])",
                    "va to chuc thuc hien", "va trien khai thuc hien")),
)

# Recurrences that, with no date in the cell, run until the end of the plan year.
YEAR_END_DEFAULT = frozenset({"continuous", "weekly", "monthly", "quarterly"})

_DASHES = frozenset("‐‑‒–—―−")


@dataclass(frozen=True)
class Deadline:
    due_start: date | None = None
    due_end: date | None = None
    recurrence: str | None = None  # one of RECURRENCES or None
    condition: str | None = None  # timeline_condition: the event text for event-bound deadlines
    all_due: tuple[date, ...] = ()  # every deadline date found in the cell, ascending
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Found:
    """One date expression: its period (start may be None for 'by this day') and written years."""

    start: date | None
    end: date
    years: tuple[int, ...] = ()


class _NoYear(Exception):
    """Raised when an expression has no year and no plan year was given."""


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c.isspace():
        return " "
    if c in "đĐ":
        return "d"
    if c in _DASHES:
        return "-"
    base = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch)).lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Given text, return a same-length copy in lower case with Vietnamese accents stripped (đ→d)."""
    return "".join(_fold_char(c) for c in text)


def clean_cell(raw: object) -> str:
    """Given a raw cell value (str, None, number, NaN), return NFC text with whitespace collapsed."""
    if raw is None or (isinstance(raw, float) and raw != raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = " ".join(unicodedata.normalize("NFC", str(raw)).split())
    return text if any(c.isalnum() for c in text) else ""


def _year(written: str | None, plan_year: int | None) -> int:
    """Given a written year (or None) and the plan year, return the year to use."""
    if written:
        return int(written)
    if plan_year is None:
        raise _NoYear
    return plan_year


def _months(year: int, first: int, last: int, written: str | None) -> _Found:
    """Given a year and a month range, return the period from the 1st of `first` to the end of `last`."""
    if last < first:
        raise ValueError("month range goes backwards")
    end = date(year, last, calendar.monthrange(year, last)[1])
    return _Found(date(year, first, 1), end, (year,) if written else ())


def _on_date(m: re.Match[str], plan_year: int | None) -> _Found:
    day = date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Found(None, day, (day.year,))


def _on_day_month(m: re.Match[str], plan_year: int | None) -> _Found:
    return _Found(None, date(_year(None, plan_year), int(m["m"]), int(m["d"])))


def _on_half(m: re.Match[str], plan_year: int | None) -> _Found:
    first = 1 if m["h"] == "dau" else 7
    return _months(_year(m["y"], plan_year), first, first + 5, m["y"])


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(?:iv|iii|ii|i|[1-4])\b"


def _on_quarter(m: re.Match[str], plan_year: int | None) -> _Found:
    quarters = [_ROMAN[q] for q in re.findall(r"\b" + _Q, m["qs"])]
    return _months(_year(m["y"], plan_year), 3 * min(quarters) - 2, 3 * max(quarters), m["y"])


def _on_month(m: re.Match[str], plan_year: int | None) -> _Found:
    first = int(m["m1"])
    last = int(m.groupdict().get("m2") or first)
    return _months(_year(m["y"], plan_year), first, last, m["y"])


def _on_year_range(m: re.Match[str], plan_year: int | None) -> _Found:
    first, last = int(m["y1"]), int(m["y2"])
    if last < first:
        raise ValueError("year range goes backwards")
    return _Found(date(first, 1, 1), date(last, 12, 31), (first, last))


def _on_year(m: re.Match[str], plan_year: int | None) -> _Found:
    year = int(m["y"] or m["y2"])
    return _Found(date(year, 1, 1), date(year, 12, 31), (year,))


def _on_plan_year(m: re.Match[str], plan_year: int | None) -> _Found:
    year = _year(None, plan_year)
    return _Found(date(year, 1, 1), date(year, 12, 31))


def _on_day_words(m: re.Match[str], plan_year: int | None) -> _Found:
    """ "ngày 23 tháng 1 (năm 2026)" is a day, not the month."""
    day = date(_year(m["y"], plan_year), int(m["m"]), int(m["d"]))
    return _Found(None, day, (day.year,) if m["y"] else ())


_Handler = Callable[[re.Match[str], int | None], _Found]
_YEAR = r"(?: ?,? ?(?:/|nam) ?(?P<y>[0-9]{4})(?![0-9]))?"
_SIGNED = r"(?:[0-9]{1,2} ?/ ?[0-9]{1,2} ?/ ?[0-9]{4}|[0-9]{1,2} thang [0-9]{1,2} nam [0-9]{4})"

# Date expressions, in the order they are taken out of the text.  A None handler only blanks
# the match (document numbers such as 18/NQ-TW or 30/2019/NĐ-CP are not deadlines).
_EXTRACTORS: tuple[tuple[re.Pattern[str], _Handler | None], ...] = (
    # A cited document and the date it was signed: "Nghị định số 52/2015/NĐ-CP ngày 28/5/2015",
    # "Nghị quyết số 35-NQ/TU ngày 29/12/2025", "Luật Điện lực … ngày 30/11/2024": never a deadline.
    # Not from inside a chain whose own start could match (linear on "1/1/1/…"): regex's lookbehind.
    (regex.compile(rf"(?<!(?<!\w)[0-9]+/)\b[0-9]+(?:/[0-9]+)*[/-][a-z][\w/-]*(?: ngay {_SIGNED})?"), None),
    (re.compile(rf"\b(?:bo luat|luat|phap lenh|hien phap)\b[^;()0-9]{{0,120}}? ngay {_SIGNED}"), None),
    (re.compile(r"(?<![0-9])(?P<d>[0-9]{1,2}) ?(?P<s>[/.-]) ?(?P<m>[0-9]{1,2}) ?(?P=s) ?(?P<y>[0-9]{4})(?![0-9])"),
     _on_date),
    (re.compile(r"\bngay ?(?P<d>[0-9]{1,2}) thang ?(?P<m>[0-9]{1,2})(?: nam ?(?P<y>[0-9]{4}))?(?![0-9])"),
     _on_day_words),
    (re.compile(r"\b6 thang (?P<h>dau|cuoi) nam(?: ?(?P<y>[0-9]{4})(?![0-9]))?"), _on_half),
    (re.compile(rf"\bquy ?(?P<qs>{_Q}(?: ?(?:,|-|den|va|&) ?(?:quy ?)?{_Q})*){_YEAR}"), _on_quarter),
    (re.compile(r"\bthang ?(?P<m1>[0-9]{1,2})(?: ?(?:-|den) ?(?:thang ?)?(?P<m2>[0-9]{1,2}))?(?![0-9])" + _YEAR),
     _on_month),
    (re.compile(r"\b(?:(?:nam|giai doan) ?)?(?P<y1>[0-9]{4}) ?(?:-|den) ?(?:nam ?)?(?P<y2>[0-9]{4})(?![0-9])"),
     _on_year_range),
    (re.compile(r"(?<![0-9/])(?P<m1>[0-9]{1,2}) ?/ ?(?P<y>[0-9]{4})(?![0-9])"), _on_month),
    (re.compile(r"\b(?:ngay|truoc|den|tu) ?(?P<d>[0-9]{1,2}) ?/ ?(?P<m>[0-9]{1,2})(?![0-9]| ?/)"), _on_day_month),
    (re.compile(r"\bnam ?(?P<y>[0-9]{4})(?![0-9])|(?<![0-9])(?P<y2>(?:19|20)[0-9]{2})(?![0-9])"), _on_year),
    (re.compile(r"\b(?:trong|ca) nam\b"), _on_plan_year),
)

_RECURRENCE_PATTERNS = tuple(
    (name, re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")) for name, phrases in RECURRENCE_PHRASES
)
_EVENT = dict(_RECURRENCE_PATTERNS)["on_event"]


def _extract(text: str, folded: str, plan_year: int | None) -> tuple[list[_Found], list[str], bool]:
    """Given the cell and its folded copy, return (date expressions, warnings, whether any matched)."""
    found: list[_Found] = []
    warnings: list[str] = []
    matched = False
    cited: list[str] = []
    for pattern, handler in _EXTRACTORS:
        for m in pattern.finditer(folded):
            if handler is None:
                if " ngay " in m[0]:
                    cited.append(text[m.start():m.end()].strip())
                continue
            matched = True
            piece = text[m.start():m.end()].strip()
            try:
                found.append(handler(m, plan_year))
            except _NoYear:
                warnings.append(f"no year for '{piece}' and no plan year")
            except (ValueError, OverflowError):
                warnings.append(f"invalid date: {piece}")
        folded = pattern.sub(lambda m: " " * len(m[0]), folded)
    if cited and not matched:
        warnings.append(f"no deadline: only the date of a cited document ({'; '.join(cited)})")
        matched = True
    return found, warnings, matched


def _recurrence(folded: str, dated: bool) -> str | None:
    """Given the folded cell and whether it has dates, return the recurrence from the vocabulary."""
    for name, pattern in _RECURRENCE_PATTERNS:
        if pattern.search(folded) and not (name == "on_event" and dated):
            return name
    return "once" if dated else None


def _condition(text: str, folded: str) -> str | None:
    """Given the cell, return the event clause (the parenthesis holding it, else the whole cell)."""
    m = _EVENT.search(folded)
    if m is None:
        return None
    opening = folded.rfind("(", 0, m.start())
    closing = folded.find(")", m.end())
    if opening != -1 and closing != -1 and ")" not in folded[opening:m.start()]:
        text = text[opening + 1:closing]
    return " ".join(text.split()) or None


def _year_warnings(found: list[_Found], plan_year: int | None) -> list[str]:
    """Given the expressions found, return a warning for every written year that is not the plan year."""
    years = sorted({y for f in found for y in f.years})
    return [f"deadline year {y} differs from plan year {plan_year}" for y in years
            if plan_year is not None and y != plan_year]


def parse_deadline(raw: str | None, plan_year: int | None = None) -> Deadline:
    """Given a deadline cell and the plan year, return a Deadline; never raises.

    A year missing from the cell is the plan year; several deadlines give due_end = the latest.
    """
    text = clean_cell(raw)
    if not text:
        return Deadline()
    warnings: list[str] = []
    if plan_year is not None and not 1 <= plan_year <= 9999:
        warnings.append(f"plan year {plan_year} ignored")
        plan_year = None
    folded = fold(text)
    found, found_warnings, matched = _extract(text, folded, plan_year)
    recurrence = _recurrence(folded, bool(found))
    ends = sorted({f.end for f in found})
    if not ends and recurrence in YEAR_END_DEFAULT and plan_year is not None:
        ends = [date(plan_year, 12, 31)]
    starts = [f.start for f in found if f.start is not None]
    warnings += found_warnings + _year_warnings(found, plan_year)
    if not matched and recurrence is None:
        warnings.append(f"unreadable deadline: {text}")
    return Deadline(
        due_start=min(starts, default=None),
        due_end=ends[-1] if ends else None,
        recurrence=recurrence,
        condition=_condition(text, folded),
        all_due=tuple(ends),
        warnings=tuple(warnings),
    )
