"""A parsed file's task rows: its phụ lục tables first, then the tasks of its body."""
from __future__ import annotations

from parsers.grid import ParsedFile
from parsers.textutil.clean import fold
from pipeline.rows.narrative import body_tasks
from pipeline.rows.prose import assigned_tasks
from pipeline.rows.raw import RawTask
from pipeline.rows.tables import table_tasks

# What an assigned item gives the area bullet it also is: who leads it and who takes part.
ASSIGNED_FIELDS = ("lead", "partners", "note", "timeline")


def file_tasks(parsed: ParsedFile) -> list[RawTask]:
    """Given a parsed file, return its task rows: phụ lục tables first, then the body's tasks.

    The body's tasks are the bullets under the CCHC areas of its tasks section and the items its
    prose assigns to an agency (`prose.py`), in document order; an area bullet that is also an
    assigned item is one row, with its area and its lead. What the tables' columns left to a
    guess (a role read from the cells, a column kept as extra) is added to `parsed.warnings`,
    which become the document's warnings. A report (báo cáo) proposes tasks under "ĐỀ XUẤT
    NHIỆM VỤ, GIẢI PHÁP"; those are not a plan's tasks, so a report gives only its task tables.
    """
    tasks: list[RawTask] = []
    for grid in parsed.grids:
        rows, warnings = table_tasks(grid)
        tasks += rows
        parsed.warnings += [w for w in warnings if w not in parsed.warnings]
    if is_report(parsed):
        return tasks
    bullets = body_tasks(parsed.body)
    assigned, left_out = assigned_tasks(parsed.body, has_other_tasks=bool(tasks or bullets))
    parsed.warnings += left_out
    return tasks + merge_body(bullets, assigned)


def merge_body(bullets: list[RawTask], assigned: list[RawTask]) -> list[RawTask]:
    """Given area bullets and assigned items, return the body's rows in document order, each line once."""
    by_line = {(t.page, t.source_row): t for t in assigned}
    for bullet in bullets:
        item = by_line.pop((bullet.page, bullet.source_row), None)
        if item is not None:
            bullet.fields.update({k: v for k, v in item.fields.items() if k in ASSIGNED_FIELDS and v})
            bullet.stt = bullet.stt or item.stt
            bullet.warnings += item.warnings
    rest = list(by_line.values())
    return sorted(bullets + rest, key=lambda t: (t.page or 0, t.source_row or 0))


def is_report(parsed: ParsedFile) -> bool:
    """Given a parsed file, say whether its document-type line reads BÁO CÁO and none KẾ HOẠCH."""
    kinds = {fold(line.text) for line in parsed.body[:12]}
    return "bao cao" in kinds and "ke hoach" not in kinds
