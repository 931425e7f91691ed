"""The tables an analyst reads, with the Vietnamese headers they say: one spec for the workbook, the
CSV files and the HTML report alike.

A column is (key in the report's rows, header, width in characters, kind); kind says how a value is
shown: text, int, score (0–1, three decimals), date, status, role, area.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.reports.data import ROMAN

STATUS_LABELS = {"covered": "Đã có", "weak": "Chưa rõ", "missing": "Thiếu", "reviewed": "Đã rà soát"}
ROLE_LABELS = {"lead": "Chủ trì", "partner": "Phối hợp"}
BAND_LABELS = {"strong": "Khớp", "weak": "Khớp yếu", "none": "Không khớp", "reviewed": "Đã rà soát"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    """One table of the report: its name, title and columns, and the report rows it shows."""

    name: str            # file and sheet-part name (ascii)
    title: str           # what the analyst reads above it
    source: str          # the report key its rows come from
    columns: tuple[Column, ...]


SUMMARY = Table("summary", "Tổng hợp theo đơn vị", "departments", (
    Column("name", "Đơn vị", 34),
    Column("assigned", "Nhiệm vụ được giao", 12, "int"),
    Column("covered", "Đã có", 9, "int"),
    Column("weak", "Chưa rõ", 9, "int"),
    Column("missing", "Thiếu", 9, "int"),
    Column("extra", "Dòng ngoài khung", 12, "int"),
    Column("late", "Trễ hạn", 9, "int"),
    Column("rows", "Số dòng của kế hoạch", 12, "int"),
    Column("source_file", "Tệp", 40),
))
COVERAGE = Table("coverage", "Mức độ bao phủ nhiệm vụ của khung", "coverage", (
    Column("task_code", "Mã nhiệm vụ", 10),
    Column("area_code", "Lĩnh vực", 8, "area"),
    Column("framework_task", "Nhiệm vụ (khung)", 60),
    Column("framework_due_end", "Hạn (khung)", 12, "date"),
    Column("assigned_as", "Vai trò", 10, "role"),
    Column("status", "Tình trạng", 11, "status"),
    Column("department_stt", "STT của đơn vị", 12),
    Column("department_content", "Dòng tương ứng của đơn vị", 60),
    Column("score", "Điểm", 8, "score"),
))
MISSING = Table("missing", "Nhiệm vụ được giao nhưng chưa có trong kế hoạch", "missing", (
    Column("task_code", "Mã nhiệm vụ", 10),
    Column("area_code", "Lĩnh vực", 8, "area"),
    Column("framework_task", "Nhiệm vụ (khung)", 70),
    Column("framework_due_end", "Hạn (khung)", 12, "date"),
    Column("assigned_as", "Vai trò", 10, "role"),
    Column("direct", "Giao đích danh", 10),
    Column("best_score", "Điểm cao nhất", 9, "score"),
))
EXTRA = Table("extra", "Dòng của kế hoạch không có trong khung", "extra", (
    Column("area_code", "Lĩnh vực", 8, "area"),
    Column("department_stt", "STT", 10),
    Column("department_content", "Nội dung", 70),
    Column("department_due_end", "Hạn", 12, "date"),
    Column("nearest_task_code", "Nhiệm vụ gần nhất", 12),
    Column("nearest_score", "Điểm", 8, "score"),
))
LATE = Table("late", "Dòng có hạn muộn hơn hạn của khung", "late", (
    Column("department_stt", "STT", 10),
    Column("department_content", "Nội dung", 55),
    Column("task_code", "Mã nhiệm vụ", 10),
    Column("framework_content", "Nhiệm vụ (khung)", 45),
    Column("department_due_end", "Hạn của đơn vị", 12, "date"),
    Column("framework_due_end", "Hạn (khung)", 12, "date"),
    Column("days_late", "Số ngày muộn", 9, "int"),
))
MATCHES = Table("matches", "Từng dòng của đơn vị và nhiệm vụ khung tương ứng", "matches", (
    Column("department_stt", "STT", 10),
    Column("area_code", "Lĩnh vực", 8, "area"),
    Column("department_content", "Nội dung của đơn vị", 60),
    Column("task_code", "Mã nhiệm vụ", 10),
    Column("framework_content", "Nhiệm vụ (khung)", 60),
    Column("match_band", "Mức khớp", 11, "band"),
    Column("score", "Điểm", 8, "score"),
))
DEPARTMENT_TABLES = (COVERAGE, MISSING, EXTRA, LATE)


def shown(column: Column, value):
    """Given a column and a row's value, return what the analyst reads (labels in Vietnamese)."""
    if value is None:
        return ""
    if column.kind == "status":
        return STATUS_LABELS.get(value, value)
    if column.kind == "role":
        return ROLE_LABELS.get(value, value)
    if column.kind == "band":
        return BAND_LABELS.get(value, value)
    if column.kind == "area":
        return ROMAN.get(value, value)
    if isinstance(value, bool):
        return "có" if value else "không"
    return value


def department_rows(report: dict, table: Table, department_doc_id: str) -> list[dict]:
    """Given a report, a table and a department, return that department's rows of the table."""
    return [r for r in report[table.source] if r.get("department_doc_id") == department_doc_id]
