"""A parsed file's task rows: its phụ lục tables first, then the tasks of its body."""
from __future__ import annotations

from parsers.grid import ParsedFile
from parsers.textutil.clean import fold
from pipeline.rows.narrative import body_tasks
from pipeline.rows.raw import RawTask
from pipeline.rows.tables import grid_tasks


def file_tasks(parsed: ParsedFile) -> list[RawTask]:
    """Given a parsed file, return its task rows: phụ lục tables first, then body bullets.

    A report (báo cáo) proposes tasks under "ĐỀ XUẤT NHIỆM VỤ, GIẢI PHÁP"; those bullets
    are not a plan's tasks, so a report gives only its task tables (if any).
    """
    tasks = [t for grid in parsed.grids for t in grid_tasks(grid)]
    if is_report(parsed):
        return tasks
    return tasks + body_tasks(parsed.body)


def is_report(parsed: ParsedFile) -> bool:
    """Given a parsed file, say whether its document-type line reads BÁO CÁO and none KẾ HOẠCH."""
    kinds = {fold(line.text) for line in parsed.body[:12]}
    return "bao cao" in kinds and "ke hoach" not in kinds
