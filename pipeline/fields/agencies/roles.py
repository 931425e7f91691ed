"""Who does a task, from the chủ trì / phối hợp cells as printed: one cell may say both roles.

"Chủ trì: X. Phối hợp: Y", "X chủ trì; Y phối hợp" and "X (chủ trì), Y" fill leads and partners;
the role printed beside an agency ("(chủ trì, phối hợp kiểm tra)") is kept by its name; staff
listed one per line are people, not unknown agencies; and "Theo phân công tại Quyết định …"
cites the document that assigns the task: a reference, not an agency. `read_who` is the entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from parsers.cellroles import names_people
from parsers.textutil.clean import fold
from pipeline.fields.agencies.matcher import Agency, parse_agencies

_UNIT = r"(?:(?:cơ quan|đơn vị|bộ phận)\s+)?"
_LABELLED = re.compile(rf"^\W*{_UNIT}chủ\s*trì(?:\s+thực\s+hiện)?\s*:\s*(?P<lead>.+?)"
                       rf"(?:(?:[.;,]|\n)\W*{_UNIT}phối\s*hợp(?:\s+thực\s+hiện)?\s*:\s*(?P<partners>.+))?$",
                       re.I | re.S)
_CITED = re.compile(r"^\W*theo\s+(?:sự\s+)?phân\s+công\s+(?:tại|của|theo)\s+(?P<ref>.+?)\W*$", re.I | re.S)
_CITED_DOCUMENT = re.compile(r"^\W*theo\s+(?P<ref>(?:quyết định|kế hoạch|phương án|văn bản|công văn|thông báo)"
                             r"\s+(?:số\s+)?\d.+?)\W*$", re.I | re.S)
LEAD_MARK, PARTNER_MARK = "chu tri", "phoi hop"


@dataclass
class Who:
    """The agencies of a task row by role, as read from its cells."""

    leads: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    monitors: list[str] = field(default_factory=list)
    lead_roles: dict[str, str] = field(default_factory=dict)
    partner_roles: dict[str, str] = field(default_factory=dict)
    assigned_by: str | None = None
    warnings: list[str] = field(default_factory=list)


def cited_assignment(text: str | None) -> str | None:
    """Given a who cell ("Theo phân công tại Quyết định số 1441/QĐ-UBND …"), return the cited document, else None."""
    m = _CITED.match(text or "") or _CITED_DOCUMENT.match(text or "")
    return " ".join(m["ref"].split()) if m else None


def split_labelled(text: str | None) -> tuple[str, str | None] | None:
    """Given "Chủ trì: X. Phối hợp: Y" (or "- Chủ trì: X\\n- Phối hợp: Y"), return (X, Y or None), else None."""
    m = _LABELLED.match((text or "").strip())
    if not m:
        return None
    return m["lead"].strip(" .;,\n"), (m["partners"] or "").strip(" .;,\n") or None


def _people_or_agencies(text: str | None, role: str, who: Who) -> list[Agency]:
    """Given a cell, return its agencies (staff names one per line as agencies of their own, no warning)."""
    if not text:
        return []
    if names_people(text):
        names = [ln.strip(" -+•;,.") for ln in text.split("\n") if ln.strip(" -+•;,.")]
        return [Agency(name, name, None, False, None) for name in names]
    parsed = parse_agencies(text)
    who.warnings += [f"{role}: {w}" for w in parsed.warnings]
    return list(parsed.agencies)


def _marked(agency: Agency) -> str | None:
    """Given an agency, return chu tri / phoi hop when the role beside it says so, else None."""
    role = fold(agency.qualifier or "")
    return next((mark for mark in (LEAD_MARK, PARTNER_MARK) if role.startswith(mark)), None)


def _by_role(agencies: list[Agency]) -> tuple[list[Agency], list[Agency]]:
    """Given a chủ trì cell's agencies, return (leads, partners) by the roles printed beside them.

    "X chủ trì; Y phối hợp": X leads, Y takes part. "X (chủ trì), Y": X leads and the unmarked Y
    takes part. With no role printed, every agency of the cell leads.
    """
    marks = [_marked(a) for a in agencies]
    if LEAD_MARK in marks:
        return ([a for a, m in zip(agencies, marks, strict=True) if m == LEAD_MARK],
                [a for a, m in zip(agencies, marks, strict=True) if m != LEAD_MARK])
    return ([a for a, m in zip(agencies, marks, strict=True) if m != PARTNER_MARK],
            [a for a, m in zip(agencies, marks, strict=True) if m == PARTNER_MARK])


def _names(agencies: list[Agency]) -> list[str]:
    return list(dict.fromkeys(a.name for a in agencies))


def _roles(agencies: list[Agency]) -> dict[str, str]:
    return {a.name: a.qualifier for a in agencies if a.qualifier}


def read_who(lead: str | None, partners: str | None, monitor: str | None = None) -> Who:
    """Given a row's chủ trì, phối hợp and theo dõi cells as printed, return its agencies by role."""
    who = Who()
    merged = bool(lead) and lead == partners            # one cell across chủ trì and phối hợp
    cited = cited_assignment(lead)
    if cited:
        who.assigned_by = cited
        who.warnings.append(f"lead: a cited document assigns it, not an agency: {cited}")
        lead, partners = None, None if merged else partners
    labelled = split_labelled(lead)
    if labelled:
        lead, more = labelled
        partners = more if merged or not partners else f"{partners}; {more}" if more else partners
        who.warnings.append("lead: chủ trì and phối hợp read from one cell")
    leads, moved = _by_role(_people_or_agencies(lead, "lead", who))
    if moved:
        who.warnings.append(f"lead: roles read from the cell: phối hợp {', '.join(_names(moved))}")
    taking_part = moved + _people_or_agencies(partners, "partners", who)
    who.leads, who.partners = _names(leads), _names(taking_part)
    who.lead_roles, who.partner_roles = _roles(leads), _roles(taking_part)
    who.monitors = _names(_people_or_agencies(monitor, "monitor", who))
    return who
