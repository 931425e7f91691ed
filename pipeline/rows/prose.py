"""Tasks a plan's (or a directive's, a conclusion's) prose assigns to an agency, with their lead.

Three ways offices write it, each read as a group of items (typed "a)", "1.", "- " or plain
paragraphs) that share one chủ trì and its phối hợp:
- an assignment line opens the group: "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan…:",
  "Giao Sở Nội vụ:", a heading "8.1. Sở Tài chính chủ trì, phối hợp các sở, ban, ngành";
- an agency heading opens it: "1. Văn phòng UBND tỉnh", "1.2. Công an tỉnh", "7. Trách nhiệm của
  các sở, ban, ngành…", "3.8. Đề nghị Ủy ban MTTQ tỉnh…"; in a tasks section also an inline
  "3.3. Bộ Chỉ huy quân sự tỉnh: Phối hợp với…";
- a closing line gives the items above it since their heading: "Đơn vị chủ trì: …; Đơn vị phối hợp: …".
Groups count in a section of tasks ("NHIỆM VỤ…", "GIẢI PHÁP…", "PHÂN CÔNG…"), and in "TỔ CHỨC THỰC
HIỆN" / "TRÁCH NHIỆM…" when the document has tasks elsewhere: an inspection or emulation plan
whose only duties sit there is still no plan of tasks. Items carry no lĩnh vực (see
`narrative.py` for the bullets under CCHC areas, which take the lead of the group they sit in).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from parsers.cellroles import names_agency
from parsers.grid import BodyLine
from parsers.textutil.clean import clean, fold, roman_value
from pipeline.rows.raw import RawTask

_LABEL = re.compile(r"^(?P<label>[IVX]+\.|\d+(?:\.\d+)*\.?(?=\s)|\d+\)|[a-zđ]\)|[-–•+*])\s*(?P<text>.*)$", re.S)
# Linear time on any line (tests/test_regex_linear.py): a lazy name ends only after a non-blank
# ((?<=\S)), and the blanks around the punctuation are taken possessively (*+), never re-split.
_OPENER = re.compile(r"^(?:(?:giao|đề nghị|yêu cầu)\s+)?(?P<lead>.+?)(?<=\S)\s+chủ\s*trì\s*+,?\s*+(?:(?:phối\s*hợp|cùng)"
                     r"(?:\s+với)?\s+(?P<partners>.+?)(?<=\S))?\s*+:?\s*+$", re.I | re.S)
_GIVEN = re.compile(r"^giao\s++(?P<lead>.+?)(?<=\S)\s*+:\s*+$", re.I | re.S)
_CLOSER = re.compile(r"^(?:đơn vị|cơ quan)\s+chủ\s*trì\s*:\s*(?P<lead>.+?)(?:\s*[;.]\s*(?:đơn vị|cơ quan)\s+phối\s*hợp"
                     r"\s*:\s*(?P<partners>.+?))?\s*[.;]?\s*$", re.I | re.S)
_NOTE = re.compile(r"^(?:lãnh đạo|người)\s+(?:phụ trách|chỉ đạo|theo dõi)\s*:", re.I)
_INLINE = re.compile(r"^(?P<lead>[^:]{3,160}?):\s+(?P<text>\p{Lu}.+)$", re.S)
_INLINE_GIAO = re.compile(r"\bgiao\s+(?P<lead>\p{Lu}.{2,80}?)\s+chủ\s*trì\b")
_DIRECTS = re.compile(r"\s+chỉ đạo\b")          # "Bộ Chỉ huy quân sự tỉnh chỉ đạo lực lượng …": who directs
_LEAD_INS = re.compile(r"^(?:giao|đề nghị|yêu cầu|trách nhiệm của|nhiệm vụ của)\s+", re.I)
_DEADLINE = re.compile(r"(?:hoàn thành|xong|chậm nhất|trước ngày|thời hạn)[^.;()]*?\d{4}"
                       r"|chậm nhất (?:vào )?ngày \d{1,2} (?:hằng|hàng) tháng"
                       r"|(?:định kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:tuần|tháng|quý|năm)", re.I)
_ENDS = ("noi nhan", "tren day la", "tran trong", "kt. ", "tm. ")
_CLOSING_REMARK = ("yeu cau", "tren day", "trong qua trinh", "de nghi", "giao ")
# "Căn cứ Luật …", "Căn cứ Kế hoạch của UBND tỉnh, …": a cited document as the basis, a preamble's opening
BASIS = re.compile(r"^can cu (?:vao )?(?:cac )?(?:luat|bo luat|nghi dinh|nghi quyet|quyet dinh|thong tu|chi thi|"
                   r"ke hoach|cong van|van ban|chuong trinh|de an|thong bao|huong dan)\b")
MAX_HEADING = 200             # a heading is short; a longer numbered line is a paragraph
ITEM_DEPTH = 9                # an unlabelled paragraph sits below every heading

TASKS, DUTIES, OTHER = "tasks", "duties", "other"


def label_depth(label: str) -> float:
    """Given an item label ("II.", "1.", "1.2.", "a)", "-", "+"), return how deep it sits (0 = section)."""
    if label.endswith(".") and roman_value(label):
        return 0
    if label[0].isdigit():
        return 4 if label.endswith(")") else label.rstrip(".").count(".") + 1
    return {")": 5, "-": 6, "–": 6, "•": 6, "+": 7, "*": 8}.get(label[-1], 6)


def section_kind(title: str) -> str:
    """Given a roman section's title, return tasks, duties or other."""
    words = fold(title)
    if "to chuc thuc hien" in words or words.startswith("trach nhiem"):
        return DUTIES
    if any(w in words for w in ("nhiem vu", "giai phap", "phan cong")) and "muc tieu" not in words:
        return TASKS
    return OTHER


@dataclass
class Group:
    """Items sharing one chủ trì and phối hợp; `depth`: a line this shallow or shallower ends it."""

    lead: str | None
    partners: str | None
    depth: float
    items: list[RawTask] = field(default_factory=list)
    note: str | None = None
    last_labelled: bool = False


@dataclass
class _Walk:
    kind: str = TASKS
    heading_depth: float = 0
    group: Group | None = None
    pending: Group | None = None          # items under a heading, waiting for a closing line
    wrapped: bool = False                 # the line being read runs on into the next one
    found: list[tuple[str, RawTask]] = field(default_factory=list)


def prose_tasks(lines: list[BodyLine], has_other_tasks: bool = False) -> list[RawTask]:
    """Given body lines, return the tasks its prose assigns, each with its lead, partners and printed label."""
    return assigned_tasks(lines, has_other_tasks)[0]


def assigned_tasks(lines: list[BodyLine], has_other_tasks: bool = False) -> tuple[list[RawTask], list[str]]:
    """Given body lines, return the tasks its prose assigns and the document warnings for what it left out.

    `has_other_tasks`: the document gives tasks elsewhere (a phụ lục, area bullets, groups of a
    tasks section), so the duties of its "Tổ chức thực hiện" count too. An item that opens by citing
    a document ("Căn cứ Kế hoạch …") states a legal basis, the way a preamble does: it is left out,
    and said so.
    """
    walk = _Walk(kind=TASKS if not any(_is_section(ln.text) for ln in lines) else OTHER)
    texts = [clean(line.text).replace("\n", " ") for line in lines]
    for line, text, nxt in zip(lines, texts, _next_texts(texts), strict=True):
        if not text:
            continue
        if fold(text).startswith(_ENDS):             # the signature block: nothing until the next section
            _close(walk)
            walk.kind = OTHER
            continue
        walk.wrapped = nxt[:1].islower() and not _LABEL.match(nxt)   # a line the next one continues: no heading
        _read_line(walk, text, line)
    _close(walk)
    others = has_other_tasks or any(kind == TASKS for kind, _ in walk.found)
    kept = [task for kind, task in walk.found if kind == TASKS or (kind == DUTIES and others)]
    basis = [t for t in kept if BASIS.match(fold(t.fields["content"]))]
    warnings = [f"assigned item at line {t.source_row} left out: it opens with 'Căn cứ <a document>' (a legal basis)"
                for t in basis]
    return [t for t in kept if t not in basis], warnings


def _next_texts(texts: list[str]) -> list[str]:
    """Given the lines' texts, return for each the next non-empty text after it ("" at the end)."""
    out, nxt = [], ""
    for text in reversed(texts):
        out.append(nxt)
        nxt = text or nxt
    return out[::-1]


def _is_section(text: str) -> bool:
    m = _LABEL.match(text.strip())
    return bool(m) and label_depth(m["label"]) == 0 and m["text"].upper() == m["text"]


def _read_line(walk: _Walk, text: str, line: BodyLine) -> None:
    m = _LABEL.match(text)
    label, body = (m["label"], m["text"].strip()) if m else ("", text)
    depth = label_depth(label) if label else ITEM_DEPTH
    if depth == 0 and _is_section(text):
        _close(walk)
        walk.kind, walk.heading_depth = section_kind(body), 0
        return
    if walk.kind == OTHER:
        return
    group = walk.group
    if group and depth <= group.depth:
        _close(walk)
        group = None
    if _opens(walk, label, body, depth, line):
        return
    closer = _CLOSER.match(body) if not label else None
    if closer:
        _close_pending(walk, closer["lead"], closer["partners"])
        return
    if _NOTE.match(body):
        target = walk.group or walk.pending
        if target:
            target.note = body
        return
    if label and depth <= 3 and group is None:       # a topic heading: items below it wait for a closing line
        _close(walk)
        walk.heading_depth = depth
        walk.pending = Group(None, None, depth)
        return
    _add_item(walk.group or walk.pending, label, body, line)


def _opens(walk: _Walk, label: str, body: str, depth: float, line: BodyLine) -> bool:
    """Open a group when the line assigns the items below it; return True when it did."""
    heading = (bool(label) and depth <= 3 and len(body) <= MAX_HEADING and not body.endswith((".", ";"))
               and not walk.wrapped)
    assigned = _assignment(body) if (heading or (not label and body.endswith(":"))) else None
    if assigned is None and heading and names_agency(body):
        assigned = (_lead_text(body), None)
    if assigned is None and label and depth <= 3 and walk.kind == TASKS:
        inline = _INLINE.match(body)
        if inline and names_agency(inline["lead"]) and len(inline["lead"].split()) <= 20:
            _close(walk)
            item = Group(_lead_text(inline["lead"]), None, depth)
            _add_item(item, label, inline["text"], line)
            walk.group = item
            return True
    if assigned is None:
        return False
    _close(walk)
    base = depth if label else walk.heading_depth + 0.5
    walk.group = Group(assigned[0].strip(" ,:"), (assigned[1] or "").strip(" ,:") or None, base)
    return True


def _assignment(body: str) -> tuple[str, str | None] | None:
    """Given an assignment line ("Giao Sở Tư pháp chủ trì, phối hợp với …:"), return (lead, partners), else None."""
    m = _OPENER.match(body)
    if m and (names_agency(m["lead"]) or fold(body).startswith("giao ")):
        return _LEAD_INS.sub("", m["lead"]), m["partners"]
    given = _GIVEN.match(body)
    if given:
        return _without_trailing_note(given["lead"]), None
    return None


def _without_trailing_note(name: str) -> str:
    """Given "Sở Nội vụ (cơ quan thường trực)", return "Sở Nội vụ": from the first "(" of a name ending in ")"."""
    stripped = name.rstrip()
    if stripped.endswith(")") and "(" in stripped:
        return stripped[: stripped.index("(")].rstrip()
    return name


def is_assignment_line(text: str) -> bool:
    """Given a body line, say whether it opens or closes a group of assigned items (never a task's text)."""
    text = text.strip()
    return bool(_CLOSER.match(text)) or (text.endswith(":") and _assignment(text) is not None)


def _lead_text(text: str) -> str:
    """Given a heading's agency text, return it without lead-in words and a trailing "chỉ đạo …"."""
    text = _LEAD_INS.sub("", text.strip().rstrip(":"))
    return _DIRECTS.split(text)[0].strip(" ,")


def _add_item(group: Group | None, label: str, body: str, line: BodyLine) -> None:
    """Append an item to the group, or join a paragraph that only continues the item before it."""
    if group is None or not body:
        return
    last = group.items[-1] if group.items else None
    if not label and body.startswith("(") and body.endswith(")"):
        return                                       # "(Một số nhiệm vụ … có Phụ lục kèm theo)": a note
    continues = last is not None and not label and (body[0].islower() or group.last_labelled)
    if continues and not fold(body).startswith(_CLOSING_REMARK):
        last.fields["content"] = f"{last.fields['content']} {body}"
        return
    if last is not None and not label and group.last_labelled:
        return                                       # a closing remark after the items: not a task
    stt = label if label else ""
    group.items.append(RawTask("body", {"content": body}, stt, None, None, None, line.page, line.line))
    group.last_labelled = bool(label)


def _close_pending(walk: _Walk, lead: str, partners: str | None) -> None:
    """A closing line: the items waiting under their heading get its lead and partners."""
    group = walk.pending or walk.group
    if group is None:
        return
    group.lead, group.partners = lead, partners
    _emit(walk, group)
    walk.pending = walk.group = None


def _close(walk: _Walk) -> None:
    if walk.group is not None:
        _emit(walk, walk.group)
    walk.group = walk.pending = None


def _emit(walk: _Walk, group: Group) -> None:
    """Give the group's items their lead, partners, note and deadline text; keep them as found."""
    if not group.lead:
        return
    for task in group.items:
        content = " ".join(task.fields["content"].split())
        inline = _INLINE_GIAO.search(content)
        lead = inline["lead"].strip() if inline and names_agency(inline["lead"]) else group.lead
        task.fields.update(content=content, lead=lead, partners=group.partners or "")
        if inline and lead != group.lead:
            task.warnings.append(f"lead named in the item: {lead} (the group's is {group.lead})")
        if group.note:
            task.fields["note"] = group.note
        deadline = "; ".join(m[0] for m in _DEADLINE.finditer(content))
        if deadline:
            task.fields["timeline"] = deadline
            task.warnings.append(f"timeline read from the item's text: {deadline}")
        walk.found.append((walk.kind, task))
