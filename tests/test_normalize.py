"""Typed fields on the seeds: every deadline, budget and agency cell is read or flagged."""
from __future__ import annotations

import pytest

from parsers.textutil.clean import clean
from pipeline.fields.normalize import codes, split_code


@pytest.mark.parametrize("text, digit, expected", [
    ("2.30. Đẩy mạnh cung cấp DVC 2.31. Nâng cao tỷ lệ", "2", ["2.30", "2.31"]),
    ("3.1. Các sở 3.2. Sở Nội vụ tổng hợp 3.3. Trình", "3", ["3.1", "3.2", "3.3"]),
    ("3.8 Xây dựng báo cáo", "3", ["3.8"]),
    ("Theo Nghị định 130/2005/NĐ-CP", "2", []),
    ("Tỷ lệ 2.5 lần", "2", ["2.5"]),        # a bare number with a following space reads as a code: only used on code columns
])
def test_codes(text, digit, expected):
    assert codes(text, digit) == expected


@pytest.mark.parametrize("text, digit, expected", [
    ("2.17. Đảm bảo về thẩm quyền", "2", ("2.17", "Đảm bảo về thẩm quyền")),
    ("2.3 Sửa đổi Bộ tiêu chí", "2", ("2.3", "Sửa đổi Bộ tiêu chí")),
    ("1.1. 100% các sở", "2", (None, "1.1. 100% các sở")),
    ("Tối thiểu 35% cơ quan", "1", (None, "Tối thiểu 35% cơ quan")),
])
def test_split_code(text, digit, expected):
    assert split_code(text, digit) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Cải cách\u00a0hành  chính", "Cải cách hành chính"),
    ("Ca\u0309i ca\u0301ch", "Cải cách"),                      # decomposed (NFD) → NFC
    ("A &amp; B <i>nghiêng</i>", "A & B nghiêng"),
    ("<ul><li>một</li><li>hai</li></ul>", "- một\n- hai"),
])
def test_clean(raw, expected):
    assert clean(raw) == expected


def all_rows(seed_results):
    return [t for r in seed_results.values() for t in r.tasks]


def test_every_deadline_is_read(seed_results):
    for t in all_rows(seed_results):
        if t.timeline_raw:
            assert t.due_end or t.recurrence or t.timeline_condition, t.timeline_raw


def test_every_budget_is_read_or_flagged(seed_results):
    for t in all_rows(seed_results):
        if t.budget_raw:
            flagged = any("malformed amount" in w for w in t.warnings)
            assert t.budget_vnd is not None or t.budget_basis or flagged, t.budget_raw


def test_every_agency_is_canonical_or_flagged(seed_results):
    for t in all_rows(seed_results):
        for name, raw, names in (("lead", t.lead_raw, t.leads), ("partners", t.partners_raw, t.partners)):
            if raw:
                assert names, raw
                unknown = [w for w in t.warnings if w.startswith(f"{name}: unknown agency")]
                assert len(names) >= 1 and (not unknown or all(u.split(": ", 2)[-1] for u in unknown))


def test_framework_agencies_collapse_to_one_spelling(seed_results):
    framework = seed_results["003"].tasks
    names = {n for t in framework for n in t.leads + t.partners}
    # variants in the source: "Sở KHCN", "Sở Khoa học và Công nghệ.", "Sở Sở Khoa học và Công nghệ"
    assert "Sở Khoa học và Công nghệ" in names
    assert not any(n in names for n in ("Sở KHCN", "Sở Khoa học và Công nghệ.", "Sở Sở Khoa học và Công nghệ"))
    doubled = [t for t in framework if t.lead_raw and t.lead_raw.startswith("Sở Sở")]
    assert doubled and all(any("doubled word" in w for w in t.warnings) for t in doubled)


def test_plan_year_fills_deadlines_without_year(seed_results):
    row = next(t for t in seed_results["001"].tasks if t.timeline_raw == "Quý III, IV")
    assert (row.due_start.isoformat(), row.due_end.isoformat()) == ("2025-07-01", "2025-12-31")


def test_deadline_year_against_plan_year_is_warned(seed_results):
    row = next(t for t in seed_results["004"].tasks if t.timeline_raw == "Quý I/2025")
    assert row.due_end.isoformat() == "2025-03-31"
    assert any("2025" in w and "plan year" in w for w in row.warnings)
