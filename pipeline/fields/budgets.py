"""Parse a CCHC budget cell ("kinh phí") into an amount in VND and/or a funding basis.

Vietnamese writes "." between thousands and "," before decimals: "14.000.000", "1,5 tỷ".
Amounts that do not follow that pattern are reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.fields.deadlines import clean_cell, fold

# Vocabulary: basis -> folded phrases (regex fragments, single spaces between words).
# The first matching row wins; a cell with no amount and no match gets 'other' and a warning.
BASIS_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("none", (r"^\W*khong( co)?\W*$", "khong (co|phat sinh|can|su dung) kinh phi")),
    ("provincial_budget_plan", ("ke hoach ngan sach",)),
    ("allocated_estimate", ("du toan",)),
    ("recurrent_funds", ("(?<!khong )thuong xuyen", "khoan chi", "kinh phi hoat dong")),
    ("per_scheme", ("phuong an", "de an")),
)
BASES = tuple(name for name, _ in BASIS_PHRASES) + ("other",)

# Folded unit words -> multiplier in VND.
UNITS = {"ty": 10**9, "ti": 10**9, "trieu": 10**6, "tr": 10**6, "nghin": 10**3, "ngan": 10**3,
         "dong": 1, "vnd": 1, "d": 1}

_MAX_VND = 2**63 - 1  # what fits an int64 Parquet column
_NUMBER = re.compile(
    r"(?<![0-9.,])(?P<num>[0-9](?:[0-9.,]*[0-9])?)"
    r"(?: ?(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")(?!\w))?"
)
_WELL_FORMED = re.compile(r"(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
_NOT_MONEY_BEFORE = re.compile(r"(?:(?<!\w)(?:nam|so|thang|ngay|quy)|/) ?$")
_BASIS_PATTERNS = tuple(
    (name, re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")) for name, phrases in BASIS_PHRASES
)


@dataclass(frozen=True)
class Budget:
    amount_vnd: int | None = None
    basis: str | None = None  # one of BASES when the cell says how it is funded
    warnings: tuple[str, ...] = ()


def to_vnd(number: str, multiplier: int = 1) -> int | None:
    """Given a number written the Vietnamese way and a unit multiplier, return whole VND or None.

    None means malformed: bad thousands groups, a fraction of a đồng, or more than an int64 holds.
    """
    if len(number) > 40 or not _WELL_FORMED.fullmatch(number):
        return None
    whole, _, fraction = number.replace(".", "").partition(",")
    value, remainder = divmod(int(whole + fraction) * multiplier, 10 ** len(fraction))
    return None if remainder or value > _MAX_VND else value


def _is_money(folded: str, m: re.Match[str]) -> bool:
    """Given a number match, return False when it is a year, a document number, a date or a percentage."""
    if m["unit"]:
        return True
    after = folded[m.end():].lstrip()
    return not (_NOT_MONEY_BEFORE.search(folded, 0, m.start()) or after.startswith(("/", "%")))


def _amounts(text: str, folded: str, unit_vnd: int) -> tuple[dict[int, str], list[str], str]:
    """Given the cell, return ({amount: as written}, warnings, folded text with the amounts blanked)."""
    amounts: dict[int, str] = {}
    warnings: list[str] = []
    rest = folded
    for m in _NUMBER.finditer(folded):
        if not _is_money(folded, m):
            continue
        written = text[m.start():m.end()]
        value = to_vnd(m["num"], UNITS[m["unit"]] if m["unit"] else unit_vnd)
        if value is None:
            warnings.append(f"malformed amount: {written}")
        else:
            amounts.setdefault(value, written)
        rest = rest[:m.start()] + " " * len(written) + rest[m.end():]
    return amounts, warnings, rest


def _basis(folded: str) -> str | None:
    """Given folded text, return the first basis in the vocabulary that it mentions, else None."""
    text = " ".join(folded.split())
    return next((name for name, pattern in _BASIS_PATTERNS if pattern.search(text)), None)


def parse_budget(raw: str | None, *, unit_vnd: int = 1) -> Budget:
    """Given a budget cell, return a Budget with the amount in VND and/or the basis; never raises.

    `unit_vnd` scales numbers written without a unit (10**6 when the column header says "triệu đồng").
    Several different amounts in one cell give no amount and a warning.
    """
    text = clean_cell(raw)
    if not text:
        return Budget()
    folded = fold(text)
    amounts, warnings, rest = _amounts(text, folded, unit_vnd)
    amount = next(iter(amounts)) if len(amounts) == 1 else None
    if len(amounts) > 1:
        warnings.append("several amounts: " + "; ".join(amounts.values()))
    basis = _basis(rest)
    if basis is None and not amounts and not warnings:
        basis = "other"
        warnings.append(f"unclassified budget: {text}")
    return Budget(amount_vnd=amount, basis=basis, warnings=tuple(warnings))
