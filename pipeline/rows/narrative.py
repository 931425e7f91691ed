"""Task rows from a plan's running text: the "- " bullets of its tasks section.

Narrative plans (and the body of many plans) list their tasks as bullets under numbered
area headings of the section "NHIỆM VỤ …" ("III. NHIỆM VỤ VÀ GIẢI PHÁP" → "1. Công tác chỉ
đạo điều hành" → "- Tập trung chỉ đạo …"). Each bullet becomes a row with source_part body.
Lines wrapped by a PDF extraction are joined; web links and repeated bullets are dropped.
"""
from __future__ import annotations

import regex as re

from parsers.grid import BodyLine
from parsers.textutil.clean import clean, fold, roman_value
from pipeline.rows.areas import area_by_title
from pipeline.rows.prose import is_assignment_line
from pipeline.rows.raw import RawTask

_SECTION = re.compile(r"^([IVX]+)\.\s+(.+)$")
_AREA = re.compile(r"^([1-9])\.\s+(\S.*)$")
_SUBAREA = re.compile(r"^(\d\.\d)\.?\s+(\S.*)$")
_BULLET = re.compile(r"^([-–•+])\s+(.*)$")
_LETTERED = re.compile(r"^([a-zđ]\))\s+(\S.*)$")
_NOT_TASKS = ("muc tieu", "chi tieu", "yeu cau")      # "a) Mục tiêu": targets, not tasks
_LINK = re.compile(r"^(https?://|www\.)\S+$")
_JOIN_TIGHT = re.compile(r"\w-$")          # "26/CT-" + "TTg" → "26/CT-TTg"


MIN_AREAS = 3     # a tasks section organised by CCHC areas names at least this many of them


def body_tasks(lines: list[BodyLine]):
    """Given body lines, return one RawTask per bullet under an area of a tasks section."""
    tasks = []
    for section in _task_sections(lines):
        found = _section_tasks(section)
        # A plan on another subject ("3. Công tác quy hoạch khoáng sản") may name one CCHC
        # area by chance; only a section laid out by the CCHC areas gives area rows.
        if len({t.area_code for t in found}) >= MIN_AREAS:
            tasks += found
    return _drop_repeats(tasks)


def _task_sections(lines: list[BodyLine]) -> list[list[BodyLine]]:
    """Return the lines of each roman-numbered section whose heading says NHIỆM VỤ (not MỤC TIÊU)."""
    sections: list[list[BodyLine]] = []
    inside = False
    for line in lines:
        text = line.text.strip()
        section = _SECTION.match(text)
        if section and roman_value(section[1]) and text.upper() == text:
            title = fold(section[2])
            inside = "nhiem vu" in title and "muc tieu" not in title
            if inside:
                sections.append([])
        elif inside and text and not _LINK.match(text):
            sections[-1].append(line)
    return sections


def _section_tasks(lines: list[BodyLine]):
    """Given one tasks section, return a RawTask per bullet (or lettered item) under an area."""
    tasks: list[RawTask] = []
    area: tuple[int | None, str | None] = (None, None)
    subarea = None
    current: RawTask | None = None
    skipping = False
    for line in lines:
        text = line.text.strip()
        heading = _heading(text, area)
        if heading or (_AREA.match(text) and len(text) < 120):
            kind, value = heading or ("area", (None, None))     # a numbered heading of no area ends one
            if kind == "area":
                area, subarea, skipping = value, None, False
            else:
                subarea = value
            current = None
            continue
        lettered = _LETTERED.match(text)
        if lettered and len(lettered[2]) < 40:                 # "a) Mục tiêu" / "b) Nhiệm vụ"
            skipping, current = fold(lettered[2]).startswith(_NOT_TASKS), None
            continue
        bullet = _BULLET.match(text) or lettered
        if bullet and not skipping and area[0] is not None:
            current = RawTask("body", {"content": bullet[2]}, bullet[1], area[0], area[1], subarea,
                              line.page, line.line)
            tasks.append(current)
        elif bullet or is_assignment_line(text):               # "Giao Sở X chủ trì…:" opens the next items
            current = None
        elif current is not None:
            current.fields["content"] = _join(current.fields["content"], text)
    return tasks


def _heading(text: str, area) -> tuple[str, object] | None:
    """Return ("area", (code, title)) or ("subarea", label) for a numbered heading line.

    An area heading must say which area it is ("2. Cải cách thủ tục hành chính"): plans
    number their areas in their own order, and other plans' numbered paragraphs are not areas.
    """
    sub = _SUBAREA.match(text)
    if sub and area[0] is not None and len(text) < 160:
        return "subarea", f"{sub[1]} {clean(sub[2])}"
    m = _AREA.match(text)
    if not m or len(text) > 160:
        return None
    code = area_by_title(m[2])
    return ("area", (code, clean(m[2]))) if code else None


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
