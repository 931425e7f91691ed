"""Type a structured task row: codes, content, agencies, deadlines, budgets.

Every normalized field keeps its raw text beside it; what cannot be read becomes a
warning on the row, never a silent guess.
"""
from __future__ import annotations

import regex as re

from parsers.textutil.clean import clean
from pipeline.fields.agencies.roles import read_who
from pipeline.fields.budgets import parse_budget
from pipeline.fields.deadlines import parse_deadline
from pipeline.rows.raw import RawTask
from schemas.models import TaskRow

_LEADING_CODE = re.compile(r"^\s*(\d+\.\d+)\.?\s+")


def codes(text: str, digit: str) -> list[str]:
    """Given a cell, return the "digit.n" codes that start it or one of its items, in order."""
    found = re.findall(rf"(?:^|[\s;.])({digit}\.\d+)\.?(?=\s)", text)
    return list(dict.fromkeys(found))


def split_code(text: str, digit: str) -> tuple[str | None, str]:
    """Given "2.17. Đảm bảo …", return ("2.17", "Đảm bảo …"); (None, text) without a code."""
    m = _LEADING_CODE.match(text)
    if m and m[1].split(".")[0] == digit:
        return m[1], text[m.end():]
    return None, text


def task_row(raw: RawTask, doc_id: str, row_no: int, plan_year: int | None) -> TaskRow:
    """Given a structured row and its document's id and year, return the typed TaskRow."""
    f = {name: clean(value) for name, value in raw.fields.items()}
    warnings = list(raw.warnings)
    objective_code, objective = split_code(f.get("objective", ""), "1")
    task_code, task = split_code(f.get("task", ""), "2")
    _, activity = split_code(f.get("activity", ""), "3")
    content = activity or task or f.get("content") or objective
    who = read_who(f.get("lead") or None, f.get("partners") or None, f.get("monitor") or None)
    warnings += who.warnings
    deadline = parse_deadline(f.get("timeline") or None, plan_year)
    budget = parse_budget(f.get("budget") or None)
    warnings += list(deadline.warnings) + list(budget.warnings)
    if not content:
        warnings.append("row has no content text")
    return TaskRow(
        doc_id=doc_id, row_no=row_no, source_part=raw.source_part,
        area_code=raw.area_code, area_title=raw.area_title, subarea=raw.subarea,
        stt=raw.stt or None,
        objective=objective or None, objective_code=objective_code,
        task=task or None, task_code=task_code, task_codes=codes(f.get("task", ""), "2"),
        activity=activity or None, activity_codes=codes(f.get("activity", ""), "3"),
        content=content or "", product=f.get("product") or None,
        lead_raw=f.get("lead") or None, leads=who.leads,
        partners_raw=f.get("partners") or None, partners=who.partners,
        lead_roles=who.lead_roles, partner_roles=who.partner_roles, assigned_by=who.assigned_by,
        monitor_raw=f.get("monitor") or None, monitors=who.monitors,
        timeline_raw=f.get("timeline") or None, due_start=deadline.due_start, due_end=deadline.due_end,
        due_dates=list(deadline.all_due), recurrence=deadline.recurrence,
        timeline_condition=deadline.condition,
        budget_raw=f.get("budget") or None, budget_vnd=budget.amount_vnd, budget_basis=budget.basis,
        note=f.get("note") or None, page=raw.page, table_index=raw.table_index,
        source_row=raw.source_row, extra={k: clean(v) for k, v in raw.extra.items()}, warnings=warnings,
    )
