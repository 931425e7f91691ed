"""Turn a parser's grids into task rows: areas, merged cells, page-break continuations.

For each task table: find the header row by its words, then walk the rows keeping the
current area (lĩnh vực) and the row above, so that
- an area heading row ("I | CÔNG TÁC CHỈ ĐẠO…", "VI CẢI CÁCH TÀI CHÍNH CÔNG") sets the area,
- a sub-area row ("7.1 | Chính quyền số") sets the sub-area,
- a header row repeated at a page top is dropped,
- a fragment that only continues the row above across a page break is joined to it,
- a row whose leading cells were merged with the row above inherits mục tiêu / nhiệm vụ.
"""
from __future__ import annotations

import regex as re

from parsers.grid import Grid, GridRow
from parsers.headers import Columns, find_columns, header_map, same_header
from pipeline.rows.areas import area_code, split_heading
from pipeline.rows.raw import TASK_FIELDS, RawTask

INHERITED = ("objective", "task")      # cells a merged row takes from the row above
_SUBAREA = re.compile(r"^(\d\.\d)\.?$")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


def grid_tasks(grid: Grid) -> list[RawTask]:
    """Given one grid, return its task rows (none when it is not a task table)."""
    return table_tasks(grid)[0]


def table_tasks(grid: Grid) -> tuple[list[RawTask], list[str]]:
    """Given one grid, return its task rows and the document warnings its columns call for.

    A column read as chủ trì / thời gian from its cells, and a column kept as extra, are
    named in the warnings: no column is dropped without a word.
    """
    found = find_columns([row.cells for row in grid.rows])
    if found is None:
        return [], []
    header_at, found_columns = found
    columns = found_columns.fields
    header = grid.rows[header_at].cells
    tasks: list[RawTask] = []
    area: tuple[int | None, str | None] = (None, None)
    subarea: str | None = None
    after_break = False
    width = max([*columns, *found_columns.extra]) + 1
    for row in grid.rows[header_at + 1 :]:
        cells = row.cells + [""] * (width - len(row.cells))
        if header_map(cells) or same_header(cells, header) or _is_column_numbers(cells):
            after_break = True
            continue
        values = {name: cells[i] for i, name in columns.items()}
        heading = _area_heading(values, columns, cells)
        if heading:
            if heading[0] == "area":
                area, subarea = heading[1], None
            else:
                subarea = heading[1]
            after_break = False
            continue
        if not any(v for v in values.values()):
            continue
        shared: list[str] = []
        if row.spans:
            values, shared = _spread_spans(cells, row.spans, columns)
        extra = _extra_cells(cells, found_columns)
        prev = tasks[-1] if tasks else None
        if prev and _is_continuation(values, prev, after_break or row.after_page_break):
            _join(prev, values, row)
            _join_extra(prev, extra)
        else:
            tasks.append(_new_task(values, prev, row, grid, area, subarea))
            tasks[-1].warnings.extend(shared)
            tasks[-1].extra = extra
        after_break = False
    return tasks, found_columns.warnings(grid.table_index)


def _extra_cells(cells: list[str | None], columns: Columns) -> dict[str, str]:
    """Given a row's cells, return {header: text} of its filled extra columns."""
    return {header: cells[i] for i, header in columns.extra.items() if i < len(cells) and cells[i]}


def _join_extra(prev: RawTask, extra: dict[str, str]) -> None:
    for header, text in extra.items():
        before = prev.extra.get(header, "")
        prev.extra[header] = f"{before} {text}".strip() if before else text


def _is_column_numbers(cells: list[str | None]) -> bool:
    """A row "(1) (2) (3) …" under the header numbers the columns; it is not a task."""
    filled = [c for c in cells if c]
    return len(filled) >= 3 and all(_COLUMN_NUMBERS.match(c) for c in filled)


def _area_heading(values: dict[str, str | None], columns: dict[int, str], cells) -> tuple | None:
    """Return ("area", (code, title)) or ("subarea", label) when the row is a heading row."""
    filled = [c for c in cells if c]
    if not filled or len(filled) > 2:
        return None
    stt = (values.get("stt") or "").strip()
    first = filled[0].strip()
    title = filled[1].strip() if len(filled) == 2 else ""
    sub = _SUBAREA.match(stt)
    if sub and title:
        return "subarea", f"{sub[1]} {title}"
    parts = split_heading(first)
    if parts is None or (len(filled) == 2 and first != stt):
        return None
    numeral, inline_title = parts
    title = title or inline_title
    if not title or (inline_title and len(filled) == 2):
        return None
    code, _ = area_code(numeral, title)
    return "area", (code, title)


def _spread_spans(cells, spans: dict[int, int], columns: dict[int, str]) -> tuple[dict, list[str]]:
    """A task row's cell merged across columns (DOCX gridSpan) says the same for each field it covers."""
    cells = list(cells)
    shared = []
    for start, width in spans.items():
        covered = range(start + 1, min(start + width, len(cells)))
        if cells[start] and all(cells[c] == "" for c in covered):
            cells[start + 1 : start + width] = [cells[start]] * len(covered)
            names = [columns[c] for c in range(start, start + width) if c in columns]
            if len(names) > 1:
                shared.append(f"one merged cell gives {', '.join(names)}")
    return {name: cells[i] for i, name in columns.items()}, shared


def _starts_lower(text: str) -> bool:
    first = next((ch for ch in text if ch.isalnum() or ch in "-(" ), "")
    return bool(first) and (first.islower() or first in ")")


def _is_continuation(values: dict[str, str | None], prev: RawTask, after_break: bool) -> bool:
    """A row with no STT that only carries the rest of the row above's cells (page break).

    An STT merged with the row above (None: vMerge, rowspan) marks a row of the same task
    (another product, another hoạt động), never the rest of a broken row.
    """
    if values.get("stt") or ("stt" in values and values["stt"] is None):
        return False
    texts = [v for k, v in values.items() if v and k != "stt"]
    if not texts:
        return False
    if all(_starts_lower(t) for t in texts):
        return True
    return after_break and not values.get("lead") and not values.get("timeline")


def _join(prev: RawTask, values: dict[str, str | None], row: GridRow) -> None:
    for name, text in values.items():
        if text and name != "stt":
            before = prev.fields.get(name, "")
            prev.fields[name] = f"{before} {text}".strip() if before else text
    prev.warnings.append(f"continued at row {row.source_row}")


def _new_task(values, prev: RawTask | None, row: GridRow, grid: Grid, area, subarea) -> RawTask:
    stt = (values.get("stt") or "").strip()
    fields = {name: (values.get(name) or "") for name in TASK_FIELDS}
    warnings = list(row.warnings)
    merged = not stt and prev is not None and prev.area_code == area[0]
    if merged:
        stt = prev.stt
        for name in TASK_FIELDS:
            inherit = name in INHERITED and not fields[name]
            if inherit or values.get(name, "") is None:
                fields[name] = prev.fields.get(name, "")
    table_index = grid.table_index if row.table_index is None else row.table_index
    return RawTask("appendix", fields, stt, area[0], area[1], subarea, row.page, row.source_row,
                   table_index, warnings)
