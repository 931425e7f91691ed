"""Recognise a task table's header row by synonyms, never by position; and a phụ lục title.

Synonyms live in `schemas/header_synonyms.csv` (written as offices print them, compared
accent-folded) so an analyst can add "Đơn vị thực hiện" without touching code. A column whose
header names no field takes its role from its cells (`parsers.cellroles`: names → chủ trì,
dates → thời gian, amounts → kinh phí); a column that takes no role is kept as an extra column.
`find_columns` is the one decision "this table is a task table, with these columns".
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import regex as re

from parsers.cellroles import cell_role, column_role, header_blocks_role, header_blocks_table
from parsers.textutil.clean import fold, one_line

# Fields a task table must show to count as one: something that says what to do and something
# that says who or when (or, with a third column, what comes out).
_WHAT = {"objective", "task", "activity", "content"}
_WHO_WHEN = {"lead", "partners", "timeline"}
_OUTPUT = {"product"}
_NUMBERING = re.compile(r"^\(?\d+\)?\s*[-.)]\s*")   # "1- Mục tiêu", "(2) Nhiệm vụ"
_PUNCT = re.compile(r"[^\p{L}\p{N}/ ]+")
_APPENDIX = re.compile(r"^phu luc\b")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")      # "(1) (2) (3)": the row that numbers the columns
HEADER_SEARCH_ROWS = 5        # a task table's header sits in its first rows
MIN_SYNONYM_SHARE = 0.5       # a two-column header's cells are mostly their synonym ("Người thực hiện")
SAMPLE_ROWS = 40              # rows below the header read to infer an unknown column's role


@cache
def synonyms() -> list[tuple[str, str]]:
    """Return (folded synonym, field) pairs, longest synonym first."""
    path = resources.files("schemas") / "header_synonyms.csv"
    with path.open(encoding="utf-8") as fh:
        pairs = {(_key(row["synonym"]), row["field"].strip()) for row in csv.DictReader(fh)}
    return sorted(pairs, key=lambda p: (-len(p[0]), p))


def _key(text: str) -> str:
    folded = _NUMBERING.sub("", fold(text.replace("\n", " ")))
    return " ".join(_PUNCT.sub(" ", folded).split())


def header_field(text: str | None) -> str | None:
    """Given a header cell ("CƠ QUAN CHỦ TRÌ", "1- Mục tiêu/Chỉ tiêu"), return its field or None."""
    if not text:
        return None
    key = _key(text)
    if not key or len(key) > 60:           # a header cell is short; a sentence is a task
        return None
    words = f" {key} "
    # The head noun comes first: "Kinh phí (Đơn vị tính: đồng)" is a budget column, not a
    # statistics unit, so the earliest synonym wins and the longest breaks a tie.
    found = [(words.find(f" {synonym} "), -len(synonym), name) for synonym, name in synonyms()
             if f" {synonym} " in words]
    return min(found)[2] if found else None


def _named_fields(cells: list[str | None]) -> dict[int, str]:
    """Given a row's cells, return {column: field} for the cells a synonym names (first column wins)."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        name = header_field(cell)
        if name and name not in found.values():
            found[i] = name
    return found


def _is_task_table(fields: set[str], columns: int) -> bool:
    """Say whether fields make a task table: a what column and a who/when one (or a third with a product)."""
    if not fields & _WHAT:
        return False
    return bool(fields & _WHO_WHEN) or (columns >= 3 and bool(fields & _OUTPUT))


def header_map(cells: list[str | None]) -> dict[int, str] | None:
    """Given a row's cells, return {column: field} when the row is a task-table header by its words alone, else None.

    Three named columns at least: a row of two short cells inside a table is too weak a sign
    that the header repeats (see `find_columns` for the table decision, which reads the cells).
    """
    found = _named_fields(cells)
    if len(found) >= 3 and _is_task_table(set(found.values()), len(found)):
        return found
    return None


@dataclass(frozen=True)
class Columns:
    """A task table's columns: fields named by the header or read from the cells, and extra columns."""

    fields: dict[int, str]                                   # column → field
    inferred: dict[int, str] = field(default_factory=dict)   # column → field read from its cells (a guess)
    extra: dict[int, str] = field(default_factory=dict)      # column → header of a column no field takes
    headers: dict[int, str] = field(default_factory=dict)    # column → its header text, on one line

    def warnings(self, table: int | None = None) -> list[str]:
        """Return the document warnings these columns call for: roles guessed, columns kept aside."""
        where = f"table {table}: " if table is not None else ""
        out = [f"{where}column '{self.headers[c]}' read as {name} from its cells (header not recognised)"
               for c, name in sorted(self.inferred.items())]
        out += [f"{where}column '{text}' kept in extra (header not recognised)" for _, text in sorted(self.extra.items())]
        return out


def table_columns(header: list[str | None], below: list[list[str | None]]) -> Columns | None:
    """Given a candidate header row and the rows under it, return the table's Columns, or None when no task table.

    A column a synonym names keeps that field; an unnamed one takes the role its cells show
    (a second who-column becomes phối hợp); a column left without a role is kept as extra.
    """
    if any(header_blocks_table(c) for c in header):
        return None
    named = _named_fields(header)
    if not set(named.values()) & _WHAT:
        return None                        # what to do is always named: it is never guessed
    if header_map(header) is None and not _reads_as_header(header, named):
        return None
    fields, inferred = dict(named), {}
    for i, cell in enumerate(header):
        if i in fields or not (cell or "").strip() or header_blocks_role(cell) or _COLUMN_NUMBER.match(cell.strip()):
            continue
        role = column_role([row[i] if i < len(row) else None for row in below[:SAMPLE_ROWS]])
        if role == "lead" and "lead" in fields.values():
            role = "partners"
        if role and role not in fields.values():
            fields[i] = inferred[i] = role
    if not _is_task_table(set(fields.values()), len(fields)):
        return None
    headers = {i: one_line(c) for i, c in enumerate(header) if (c or "").strip()}
    extra = {i: text for i, text in headers.items() if i not in fields}
    return Columns(fields, inferred, extra, headers)


def _reads_as_header(header: list[str | None], named: dict[int, str]) -> bool:
    """Say whether a row with fewer than three named columns is a header, not a data row that names one.

    Two named columns at least, each cell mostly its synonym, and no other cell that reads as a
    value (a number, a date, an amount): "Rà soát chức năng, nhiệm vụ | Sở Nội vụ | Quý III" is a task row.
    """
    if len(named) < 2 or any(_synonym_share(header[i]) < MIN_SYNONYM_SHARE for i in named):
        return False
    others = [c for i, c in enumerate(header) if i not in named and (c or "").strip()]
    return not any(_key(c).replace(" ", "").isdigit() or cell_role(c) in ("timeline", "budget") for c in others)


def _synonym_share(text: str | None) -> float:
    """Given a header cell, return the share of its words the longest synonym in it covers."""
    key = _key(text or "")
    words = f" {key} "
    return max((len(s) / len(key) for s, _ in synonyms() if f" {s} " in words), default=0.0) if key else 0.0


def find_columns(rows: list[list[str | None]], search: int = HEADER_SEARCH_ROWS) -> tuple[int, Columns] | None:
    """Given a table's rows (cell lists), return (header row index, Columns) of its task header, or None."""
    for i, cells in enumerate(rows[:search]):
        columns = table_columns(cells, rows[i + 1 :])
        if columns is not None:
            return i, columns
    return None


def same_header(cells: list[str | None], header: list[str | None]) -> bool:
    """Given a row and the table's header row, say whether the row repeats the header (a page top)."""
    def key(row):
        return [_key(c or "") for c in row if (c or "").strip()]
    return bool(key(cells)) and key(cells) == key(header)


def is_appendix_title(line: str) -> bool:
    """Given a line, say whether it is a phụ lục title ("PHỤ LỤC I", "Phụ lục: Khung nhiệm vụ")."""
    text = line.strip()
    return bool(text) and len(text) < 80 and bool(_APPENDIX.match(fold(text)))
