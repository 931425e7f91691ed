"""Task rows from a plan's running text: the "- " bullets of its tasks section.

Narrative plans (and the body of many plans) list their tasks as bullets under numbered
area headings of the section "NHIỆM VỤ …" ("III. NHIỆM VỤ VÀ GIẢI PHÁP" → "1. Công tác chỉ
đạo điều hành" → "- Tập trung chỉ đạo …"). Each bullet becomes a row with source_part body.
Lines wrapped by a PDF extraction are joined; web links and repeated bullets are dropped.
"""
from __future__ import annotations

import regex as re

from parsers.grid import BodyLine
from parsers.textclean import clean, fold, roman_value
from pipeline.areas import area_code

_SECTION = re.compile(r"^([IVX]+)\.\s+(.+)$")
_AREA = re.compile(r"^([1-9])\.\s+(\S.*)$")
_SUBAREA = re.compile(r"^(\d\.\d)\.?\s+(\S.*)$")
_BULLET = re.compile(r"^[-–•+]\s+(.*)$")
_LINK = re.compile(r"^(https?://|www\.)\S+$")
_JOIN_TIGHT = re.compile(r"\w-$")          # "26/CT-" + "TTg" → "26/CT-TTg"


def body_tasks(lines: list[BodyLine]):
    """Given body lines, return one RawTask per bullet under an area of the tasks section."""
    from pipeline.structure import RawTask

    tasks: list[RawTask] = []
    in_section = False
    area: tuple[int | None, str | None] = (None, None)
    subarea = None
    current: RawTask | None = None
    for line in lines:
        text = line.text.strip()
        if not text or _LINK.match(text):
            continue
        section = _SECTION.match(text)
        if section and roman_value(section[1]) and text.upper() == text:
            in_section = "nhiem vu" in fold(section[2]) and "muc tieu" not in fold(section[2])
            current, area, subarea = None, (None, None), None
            continue
        if not in_section:
            continue
        heading = _heading(text, area)
        if heading:
            kind, value = heading
            if kind == "area":
                area, subarea = value, None
            else:
                subarea = value
            current = None
            continue
        bullet = _BULLET.match(text)
        if bullet and area[1] is not None:
            current = RawTask("body", {"content": bullet[1]}, "", area[0], area[1], subarea,
                              line.page, line.line)
            tasks.append(current)
        elif current is not None:
            current.fields["content"] = _join(current.fields["content"], text)
    return _drop_repeats(tasks)


def _heading(text: str, area) -> tuple[str, object] | None:
    """Return ("area", (code, title)) or ("subarea", label) for a numbered heading line."""
    sub = _SUBAREA.match(text)
    if sub and area[0] is not None and len(text) < 160:
        return "subarea", f"{sub[1]} {clean(sub[2])}"
    m = _AREA.match(text)
    if not m or len(text) > 160:
        return None
    code, warnings = area_code(int(m[1]), m[2])
    if warnings and area[0] is not None and int(m[1]) != (area[0] or 0) + 1:
        return None                       # "2030 và …" wrapped text, not the next area
    return "area", (code, clean(m[2]))


def _join(before: str, after: str) -> str:
    if _JOIN_TIGHT.search(before):
        return before + after
    return f"{before} {after}"


def _drop_repeats(tasks):
    """A bullet printed twice in a row under the same area is one task (an extraction echo)."""
    kept = []
    for task in tasks:
        task.fields["content"] = clean(task.fields["content"])
        same = kept and kept[-1].area_code == task.area_code and kept[-1].fields == task.fields
        if same:
            kept[-1].warnings.append(f"repeated bullet at line {task.source_row} dropped")
        else:
            kept.append(task)
    return kept
