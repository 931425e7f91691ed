"""What a framework's report holds, read from the marts: one plain dict per framework, the same for
the workbook, the CSV files and the HTML report, so the three can never disagree.

Every number comes from a mart (`coverage`, `missing_assignments`, `extra_tasks`, `deadline_conflicts`,
`alignment`); nothing here scores or decides. Dates become ISO strings, so the dict is JSON as it is.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

# lĩnh vực I–VII of Nghị quyết 76/NQ-CP, as the report and the workbook name them
AREA_NAMES = {
    1: "Chỉ đạo điều hành",
    2: "Cải cách thể chế",
    3: "Cải cách thủ tục hành chính",
    4: "Cải cách tổ chức bộ máy",
    5: "Cải cách chế độ công vụ",
    6: "Cải cách tài chính công",
    7: "Chính quyền điện tử, chính quyền số",
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}
STATUSES = ("covered", "weak", "missing")

FRAMEWORKS_SQL = """
SELECT DISTINCT f.doc_id, f.plan_number, f.title, f.issuer, f.province, f.plan_year, f.source_file
FROM stg_plan_frameworks p JOIN documents f ON f.doc_id = p.framework_doc_id
ORDER BY f.province NULLS LAST, f.plan_year NULLS LAST, f.plan_number NULLS LAST, f.doc_id
"""
DEPARTMENTS_SQL = """
SELECT p.department_doc_id AS doc_id, p.department_agency AS name, d.issuer, d.source_file, d.plan_number,
       (SELECT count(*) FROM stg_department_rows r WHERE r.department_doc_id = p.department_doc_id) AS rows
FROM stg_plan_frameworks p JOIN documents d ON d.doc_id = p.department_doc_id
WHERE p.framework_doc_id = ?
ORDER BY p.department_agency, d.source_file
"""
COVERAGE_SQL = """
SELECT department_doc_id, department, task_code, area_code, framework_task, framework_due_end, assigned_as,
       assigned_via, status, department_stt, department_content, score
FROM coverage WHERE framework_doc_id = ?
ORDER BY department, area_code NULLS LAST, task_code
"""
MISSING_SQL = """
SELECT department_doc_id, department, task_code, area_code, framework_task, framework_due_end, assigned_as, direct,
       best_score
FROM missing_assignments WHERE framework_doc_id = ?
ORDER BY department, framework_due_end NULLS LAST, task_code
"""
LATE_SQL = """
SELECT c.department_doc_id, c.department, c.department_stt, c.department_content, c.task_code, c.framework_content,
       c.department_due_end, c.framework_due_end, c.days_late, c.score
FROM deadline_conflicts c JOIN stg_plan_frameworks p ON p.department_doc_id = c.department_doc_id
WHERE p.framework_doc_id = ?
ORDER BY c.department, c.days_late DESC, c.department_row_no
"""
EXTRA_SQL = """
SELECT e.department_doc_id, e.department, e.area_code, e.department_stt, e.department_content, e.department_due_end,
       e.nearest_task_code, e.nearest_score
FROM extra_tasks e JOIN stg_plan_frameworks p ON p.department_doc_id = e.department_doc_id
WHERE p.framework_doc_id = ?
ORDER BY e.department, e.area_code NULLS LAST, e.department_row_no
"""
MATCHES_SQL = """
SELECT a.department_doc_id, p.department_agency AS department, a.department_row_no, a.department_area_code AS area_code,
       a.department_stt, a.department_content, a.task_code, a.framework_content, a.score, a.match_band
FROM alignment a JOIN stg_plan_frameworks p ON p.department_doc_id = a.department_doc_id
WHERE p.framework_doc_id = ? AND a.level = 'nhiem_vu' AND a.rank = 1
ORDER BY department, a.department_row_no
"""


def _plain(value):
    """Given a value from DuckDB, return it as JSON would hold it (dates as ISO strings)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> list[dict]:
    """Given a query and its parameters, return its rows as dicts of plain values."""
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def frameworks(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Return every framework some department plan is compared with."""
    return rows(con, FRAMEWORKS_SQL)


def framework_report(con: duckdb.DuckDBPyConnection, framework: dict) -> dict:
    """Given a framework (a row of `frameworks`), return everything its report shows."""
    fid = framework["doc_id"]
    report = {
        "framework": framework,
        "areas": [{"code": c, "roman": ROMAN[c], "name": n} for c, n in AREA_NAMES.items()],
        "departments": rows(con, DEPARTMENTS_SQL, fid),
        "coverage": rows(con, COVERAGE_SQL, fid),
        "missing": rows(con, MISSING_SQL, fid),
        "late": rows(con, LATE_SQL, fid),
        "extra": rows(con, EXTRA_SQL, fid),
        "matches": rows(con, MATCHES_SQL, fid),
    }
    _count(report)
    return report


def _count(report: dict) -> None:
    """Add each department's counts (covered, weak, missing, extra, late) and its counts per lĩnh vực."""
    for dept in report["departments"]:
        mine = [c for c in report["coverage"] if c["department_doc_id"] == dept["doc_id"]]
        dept["assigned"] = len(mine)
        for status in STATUSES:
            dept[status] = sum(c["status"] == status for c in mine)
        dept["extra"] = sum(e["department_doc_id"] == dept["doc_id"] for e in report["extra"])
        dept["late"] = sum(e["department_doc_id"] == dept["doc_id"] for e in report["late"])
        dept["by_area"] = {str(a): {s: sum(c["status"] == s and c["area_code"] == a for c in mine) for s in STATUSES}
                           for a in [*AREA_NAMES, None]}


def framework_label(framework: dict) -> str:
    """Given a framework, return the short name its files are called by ("3369-QĐ-UBND", else its file's stem)."""
    number = (framework.get("plan_number") or "").strip().strip("/")
    base = number or Path(framework["source_file"]).stem
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in base.replace("/", "-"))
    return safe.strip("-.") or framework["doc_id"]


def pick(con: duckdb.DuckDBPyConnection, wanted: str | None) -> list[dict]:
    """Given a framework named by plan number, file name or doc_id (None: all), return the matching frameworks."""
    found = frameworks(con)
    if wanted is None:
        return found
    return [f for f in found if wanted in (f["doc_id"], f["plan_number"], f["source_file"], Path(f["source_file"]).name,
                                          framework_label(f))]
