"""What a cell's text is, when its column's header names no field: who (an agency or a person),
when (a date, a quarter, a recurring term) or how much (an amount); and whether a heading of a
plan's prose names an agency.

The words come from `schemas/cell_roles.toml`; the tests read one cell of each kind per entry.
Every check is on the accent-folded text, so "QUÝ II/2026" and "Quý II/2026" read alike.
"""
from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex as re

from parsers.textutil.clean import fold, nfc

MIN_SHARE = 0.6              # a column takes a role when at least this share of its filled cells show it
MIN_CELLS = 2                # …and at least this many (a one-row table: its one cell)
MAX_CELL_CHARS = 160         # a longer cell is a sentence: it names no role

_TIMELINE = re.compile(
    r"\b(?:quy [ivx1-4]+\b|thang ?\d{1,2}\b|nam 20\d\d|\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?(?:19|20)\d\d"
    r"|\d{1,2}/20\d\d|(?:hang|moi) (?:nam|thang|quy|tuan)|dinh ky|thuong xuyen|lien tuc|ca nam"
    r"|(?:truoc|den|tu|trong) ngay|6 thang|giai doan 20\d\d|20\d\d ?[-–] ?20\d\d|^(?:19|20)\d\d$)")
_AMOUNT = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)? ?(?:trieu|ty|nghin|dong|vnd)\b"
                     r"|^(?:ngan sach|nguon|kinh phi|xa hoi hoa|von)\b")
_WORD = re.compile(r"[\p{L}/]+")
_PUNCT = re.compile(r"[^\p{L}\p{N}/ ]+")


@dataclass(frozen=True)
class Vocabulary:
    agency_heads: tuple[str, ...]
    named_heads: tuple[str, ...]
    lead_ins: tuple[str, ...]
    titles: frozenset[str]
    family_names: frozenset[str]
    not_a_role: tuple[str, ...]
    not_a_task_table: tuple[str, ...]


@cache
def vocabulary() -> Vocabulary:
    """Return the words of schemas/cell_roles.toml, folded, longest first where order matters."""
    text = resources.files("schemas").joinpath("cell_roles.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)

    def words(items: list[str], key=fold) -> tuple[str, ...]:
        return tuple(sorted({key(w) for w in items}, key=len, reverse=True))

    # Agency words keep their accents: folded, "Bảo vệ" would read as "Báo" and "Đại" as "Đài".
    return Vocabulary(words(data["agency"]["heads"], lower), words(data["agency"]["named_heads"], lower),
                      words(data["agency"]["lead_ins"], lower),
                      frozenset(words(data["person"]["titles"], lower)),
                      frozenset(words(data["person"]["family_names"], lower)),
                      words(data["header"]["not_a_role"]), words(data["header"]["not_a_task_table"]))


def lower(text: str) -> str:
    """Given text, return it NFC, in lower case, spaces collapsed: accents kept."""
    return " ".join(nfc(text).lower().split())


def _starts_with(text: str, words: tuple[str, ...]) -> str | None:
    """Given lower-case text, return the first of the words it starts with (as a whole word), else None."""
    return next((w for w in words if text.startswith(w) and not text[len(w):len(w) + 1].isalnum()), None)


def _key(text: str | None) -> str:
    """Given a header cell, return its folded words on one line, punctuation as spaces."""
    return " ".join(_PUNCT.sub(" ", fold((text or "").replace("\n", " "))).split())


def names_agency(text: str) -> bool:
    """Given a cell or heading ("Sở Nội vụ", "Các sở, ban, ngành", "Đề nghị Công an tỉnh"), say whether it starts with an agency."""
    words = lower(text).lstrip("-+•* ")
    lead_in = _starts_with(words, vocabulary().lead_ins)
    if lead_in:
        words = words[len(lead_in):].lstrip()
    if not text.lstrip("-+•* ")[:1].isupper():
        return False
    if _starts_with(words, vocabulary().agency_heads):
        return True
    head = _starts_with(words, vocabulary().named_heads)
    if head is None:
        return False
    rest = text.lstrip("-+•* ")[len(lead_in or ""):].lstrip()[len(head):].lstrip()
    return rest[:1].isupper()


def names_person(text: str) -> bool:
    """Given one line ("Đỗ Mạnh Cường", "Ông Nguyễn Văn A"), say whether it is a person's name."""
    words = text.split()
    if words and lower(words[0]).rstrip(":") in vocabulary().titles:
        words = words[1:]
    if not 2 <= len(words) <= 5 or not all(_WORD.fullmatch(w) and w[0].isupper() and w[1:].islower() for w in words):
        return False
    return lower(words[0]) in vocabulary().family_names


def names_people(text: str) -> bool:
    """Given a cell, say whether every line of it is a person's name (staff listed one per line)."""
    lines = [ln.strip(" -+•;,.") for ln in text.split("\n") if ln.strip(" -+•;,.")]
    return bool(lines) and all(names_person(ln) for ln in lines)


def cell_role(text: str | None) -> str | None:
    """Given a cell's text, return budget, timeline or lead when it reads as one, else None."""
    text = (text or "").strip()
    if not text or len(text) > MAX_CELL_CHARS:
        return None
    folded = fold(text)
    if _AMOUNT.search(folded):
        return "budget"
    if _TIMELINE.search(folded):
        return "timeline"
    if names_people(text) or all(names_agency(ln) for ln in text.split("\n") if ln.strip()):
        return "lead"
    return None


def column_role(cells: list[str | None]) -> str | None:
    """Given a column's cells (header excluded), return the role most of them show, or None."""
    filled = [c for c in cells if c and c.strip()]
    if not filled:
        return None
    roles = Counter(cell_role(c) for c in filled)
    role, count = max(((r, n) for r, n in roles.items() if r), key=lambda p: p[1], default=(None, 0))
    enough = count >= min(MIN_CELLS, len(filled))
    return role if role and enough and count >= MIN_SHARE * len(filled) else None


def header_blocks_role(header: str | None) -> bool:
    """Given a header cell ("Đơn vị góp ý"), say whether it names a column about something else than doing."""
    words = f" {_key(header)} "
    return any(f" {w} " in words for w in vocabulary().not_a_role)


def header_blocks_table(header: str | None) -> bool:
    """Given a header cell ("Nội dung góp ý"), say whether its table holds comments on a draft, not tasks."""
    words = f" {_key(header)} "
    return any(f" {w} " in words for w in vocabulary().not_a_task_table)
