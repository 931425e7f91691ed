"""Agency and deadline cells are read once per distinct text: the same rows, and nothing shared that can change."""
from __future__ import annotations

import dataclasses

import pytest

from pipeline.fields import normalize
from pipeline.fields.agencies import parse_agencies
from pipeline.fields.deadlines import parse_deadline
from pipeline.fields.normalize import task_row
from pipeline.rows.raw import RawTask

CELLS = {"content": "Rà soát thủ tục hành chính", "lead": "Sở Tư pháp", "partners": "Sở Nội vụ, UBND cấp xã",
         "timeline": "Quý II/2026"}


def test_a_repeated_cell_is_read_once_and_gives_the_same_row():
    normalize._agencies.cache_clear()
    normalize._deadline.cache_clear()
    first = task_row(RawTask("appendix", dict(CELLS)), "d", 1, 2026)
    second = task_row(RawTask("appendix", dict(CELLS)), "d", 2, 2026)
    assert first.model_dump(exclude={"row_no"}) == second.model_dump(exclude={"row_no"})
    assert normalize._agencies.cache_info().hits >= 3 and normalize._deadline.cache_info().hits == 1


def test_rows_from_remembered_cells_share_nothing_mutable():
    first = task_row(RawTask("appendix", dict(CELLS)), "d", 1, 2026)
    second = task_row(RawTask("appendix", dict(CELLS)), "d", 2, 2026)
    first.leads.append("Sở Tài chính")
    first.due_dates.clear()
    first.warnings.append("edited")
    assert second.leads == ["Sở Tư pháp"] and second.due_dates and "edited" not in second.warnings


@pytest.mark.parametrize("result", [parse_agencies("Sở Tư pháp"), parse_deadline("Quý II/2026", 2026)])
def test_what_is_remembered_cannot_change(result):
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)
    assert all(not isinstance(getattr(result, f.name), list | dict | set) for f in dataclasses.fields(result))


def test_the_memo_is_the_same_function_as_reading_afresh():
    for cell in ("Văn phòng UBND tỉnh; các sở, ban, ngành", "UBND các huyện", None, ""):
        assert normalize._agencies(cell) == parse_agencies(cell)
    for cell, year in (("Tháng 6/2026", 2026), ("Hằng năm", None), ("Quý IV", 2025)):
        assert normalize._deadline(cell, year) == parse_deadline(cell, year)
