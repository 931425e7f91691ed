"""Agency and deadline cells are read once per distinct text: the same rows, and nothing shared that can change."""
from __future__ import annotations

import dataclasses

import pytest

from pipeline.fields import normalize
from pipeline.fields.agencies.roles import read_who
from pipeline.fields.deadlines import parse_deadline
from pipeline.fields.normalize import task_row, who_of
from pipeline.rows.raw import RawTask

CELLS = {"content": "Rà soát thủ tục hành chính", "lead": "Sở Tư pháp", "partners": "Sở Nội vụ, UBND cấp xã",
         "timeline": "Quý II/2026"}


def test_a_repeated_cell_is_read_once_and_gives_the_same_row():
    normalize._who.cache_clear()
    normalize._deadline.cache_clear()
    first = task_row(RawTask("appendix", dict(CELLS)), "d", 1, 2026)
    second = task_row(RawTask("appendix", dict(CELLS)), "d", 2, 2026)
    assert first.model_dump(exclude={"row_no"}) == second.model_dump(exclude={"row_no"})
    assert normalize._who.cache_info().hits == 1 and normalize._deadline.cache_info().hits == 1


def test_rows_from_remembered_cells_share_nothing_mutable():
    first = task_row(RawTask("appendix", dict(CELLS)), "d", 1, 2026)
    second = task_row(RawTask("appendix", dict(CELLS)), "d", 2, 2026)
    first.leads.append("Sở Tài chính")
    first.due_dates.clear()
    first.warnings.append("edited")
    assert second.leads == ["Sở Tư pháp"] and second.due_dates and "edited" not in second.warnings


def test_a_remembered_deadline_cannot_change():
    result = parse_deadline("Quý II/2026", 2026)
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)
    assert all(not isinstance(getattr(result, f.name), list | dict | set) for f in dataclasses.fields(result))


def test_a_remembered_who_is_handed_out_as_a_copy():
    cells = ("Sở Tư pháp (chủ trì), Sở Nội vụ", None, "UBND tỉnh")
    first = who_of(*cells)
    for f in dataclasses.fields(first):
        value = getattr(first, f.name)
        if isinstance(value, list):
            value.append("edited")
        elif isinstance(value, dict):
            value["edited"] = "edited"
    assert who_of(*cells) == read_who(*cells) != first


def test_the_memo_is_the_same_function_as_reading_afresh():
    for cells in (("Văn phòng UBND tỉnh; các sở, ban, ngành", "UBND các huyện", None), (None, "", None),
                  ("Chủ trì: Sở Nội vụ. Phối hợp: Sở Tài chính", "Chủ trì: Sở Nội vụ. Phối hợp: Sở Tài chính", None),
                  ("Theo phân công tại Quyết định số 1441/QĐ-UBND", None, None)):
        assert who_of(*cells) == read_who(*cells)
    for cell, year in (("Tháng 6/2026", 2026), ("Hằng năm", None), ("Quý IV", 2025)):
        assert normalize._deadline(cell, year) == parse_deadline(cell, year)
