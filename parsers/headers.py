"""Recognise a task table's header row by synonyms, never by position; and a phụ lục title.

Synonyms live in `schemas/header_synonyms.csv` (accent-folded, lower case) so an
analyst can add "Đơn vị thực hiện" without touching code.
"""
from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import regex as re

from parsers.textutil.clean import fold

# Fields a task table must show, beyond STT, to count as one: something that says
# what to do and something that says who or when.
_WHAT = {"objective", "task", "activity", "content"}
_WHO_WHEN = {"lead", "partners", "timeline", "product"}
_NUMBERING = re.compile(r"^\(?\d+\)?\s*[-.)]\s*")   # "1- Mục tiêu", "(2) Nhiệm vụ"
_PUNCT = re.compile(r"[^\p{L}\p{N}/ ]+")
_APPENDIX = re.compile(r"^phu luc\b")
_NOT_LETTER = re.compile(r"[^\p{L}]+")
MAX_KEY = 60                 # characters: a longer header key is a sentence, not a column name


def _letters(text: str) -> int:
    """Return how many letters the text holds (a lower bound on its key's length, counted without folding)."""
    return len(_NOT_LETTER.sub("", text))


@cache
def synonyms() -> list[tuple[str, str]]:
    """Return (folded synonym, field) pairs, longest synonym first."""
    path = resources.files("schemas") / "header_synonyms.csv"
    with path.open(encoding="utf-8") as fh:
        pairs = [(row["synonym"].strip(), row["field"].strip()) for row in csv.DictReader(fh)]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _key(text: str) -> str:
    folded = _NUMBERING.sub("", fold(text.replace("\n", " ")))
    return " ".join(_PUNCT.sub(" ", folded).split())


def header_field(text: str | None) -> str | None:
    """Given a header cell ("CƠ QUAN CHỦ TRÌ", "1- Mục tiêu/Chỉ tiêu"), return its field or None."""
    if not text or _letters(text) > MAX_KEY:
        return None                      # cheap: every letter stays in the key, so the key is too long
    key = _key(text)
    if not key or len(key) > MAX_KEY:      # a header cell is short; a sentence is a task
        return None
    words = f" {key} "
    # The head noun comes first: "Kinh phí (Đơn vị tính: đồng)" is a budget column, not a
    # statistics unit, so the earliest synonym wins and the longest breaks a tie.
    found = [(words.find(f" {synonym} "), -len(synonym), name) for synonym, name in synonyms()
             if f" {synonym} " in words]
    return min(found)[2] if found else None


def header_map(cells: list[str | None]) -> dict[int, str] | None:
    """Given a row's cells, return {column: field} when the row is a task-table header, else None."""
    if sum(1 for cell in cells if cell) < 3:
        return None                      # cheap: a header names three columns at least
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        name = header_field(cell)
        if name and name not in found.values():
            found[i] = name
    fields = set(found.values())
    if len(found) >= 3 and fields & _WHAT and fields & _WHO_WHEN:
        return found
    return None


def is_appendix_title(line: str) -> bool:
    """Given a line, say whether it is a phụ lục title ("PHỤ LỤC I", "Phụ lục: Khung nhiệm vụ")."""
    text = line.strip()
    return bool(text) and len(text) < 80 and bool(_APPENDIX.match(fold(text)))
