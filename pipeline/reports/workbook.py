"""`cchc export`: an Excel workbook per framework, or CSV files Excel opens with their Vietnamese intact.

Workbook: a summary sheet (one row per department plan) and, per department, a sheet with its
coverage of the framework's nhiệm vụ, the ones it misses, its rows the framework lacks and its
deadlines later than the framework's. Every block is an Excel table (filter buttons, banded rows),
the first header row is frozen, columns have widths that read and long text wraps.
CSV: the same tables, UTF-8 with a byte-order mark (without it Excel reads the bytes as cp1252).
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from pipeline.reports.tables import DEPARTMENT_TABLES, SUMMARY, Column, Table, department_rows, shown

MAX_SHEET_NAME = 31            # Excel's limit
_DEPARTMENT_COLUMN = Column("department", "Đơn vị", 30)   # first column of a CSV holding every department
_BAD_SHEET_CHARS = set('[]:*?/\\')


def sheet_name(name: str, taken: set[str]) -> str:
    """Given a department's name and the sheet names used so far, return a valid, unique sheet name."""
    clean = "".join("-" if ch in _BAD_SHEET_CHARS else ch for ch in name).strip("' ") or "Đơn vị"
    base = clean[:MAX_SHEET_NAME]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def cell_value(column, value):
    """Given a column and a value, return what goes in the cell (real dates, numbers, labels)."""
    if column.kind == "date" and isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return shown(column, value)


def write_workbook(report: dict, path: Path) -> Path:
    """Given a framework's report, write its .xlsx workbook at path; return the path."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "dd/mm/yyyy", "remove_timezone": True})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "top": book.add_format({"valign": "top"}),
        "date": book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"}),
        "score": book.add_format({"num_format": "0.000", "valign": "top"}),
    }
    framework = report["framework"]
    taken = {"tổng hợp"}
    summary = book.add_worksheet("Tổng hợp")
    summary.write(0, 0, f"Khung: {framework.get('plan_number') or framework['source_file']} — "
                        f"{framework.get('title') or ''}".strip(" —"), formats["title"])
    _table(book, summary, 2, SUMMARY, report["departments"], formats, "t_summary")
    summary.freeze_panes(3, 0)
    _widths(summary, [SUMMARY])
    for i, dept in enumerate(report["departments"]):
        sheet = book.add_worksheet(sheet_name(dept["name"] or dept["source_file"], taken))
        sheet.write(0, 0, f"{dept['name']} so với khung {framework.get('plan_number') or ''}".strip(), formats["title"])
        sheet.write(1, 0, f"Tệp: {dept['source_file']}", formats["note"])
        row = 3
        for k, table in enumerate(DEPARTMENT_TABLES):
            sheet.write(row, 0, table.title, formats["title"])
            end = _table(book, sheet, row + 1, table, department_rows(report, table, dept["doc_id"]), formats,
                         f"t_{table.name}_{i}")
            if k == 0:
                sheet.freeze_panes(row + 2, 0)
            row = end + 3
        _widths(sheet, DEPARTMENT_TABLES)
    book.close()
    return path


def _widths(sheet, tables) -> None:
    """Give each column the widest width any of the sheet's stacked tables asks for it."""
    widest: dict[int, int] = {}
    for table in tables:
        for i, c in enumerate(table.columns):
            widest[i] = max(widest.get(i, 0), c.width)
    for i, width in widest.items():
        sheet.set_column(i, i, width)


def _table(book, sheet, first_row: int, table: Table, rows: list[dict], formats: dict, name: str) -> int:
    """Write one table (header at first_row) as an Excel table; return its last row."""
    data = [[cell_value(c, r.get(c.key)) for c in table.columns] for r in rows]
    if not data:
        data = [["(không có)"] + [""] * (len(table.columns) - 1)]
    columns = []
    for c in table.columns:
        fmt = {"date": formats["date"], "score": formats["score"]}.get(c.kind)
        fmt = fmt or (formats["wrap"] if c.width >= 30 else formats["top"])
        columns.append({"header": c.header, "format": fmt})
    last = first_row + len(data)
    sheet.add_table(first_row, 0, last, len(table.columns) - 1,
                    {"data": data, "columns": columns, "name": name, "style": "Table Style Light 9"})
    return last


def write_csv(report: dict, folder: Path, label: str) -> list[Path]:
    """Given a framework's report, write its tables as CSV files (UTF-8 with BOM) in folder; return them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in (SUMMARY, *DEPARTMENT_TABLES):
        path = folder / f"{label}-{table.name}.csv"
        columns = table.columns if table is SUMMARY else (_DEPARTMENT_COLUMN, *table.columns)
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow([c.header for c in columns])
            for r in report[table.source]:
                out.writerow([shown(c, r.get(c.key)) for c in columns])
        written.append(path)
    return written
