"""Body bullets of a plan's tasks section (pipeline/narrative.py) on small inputs and real plans."""
from __future__ import annotations

from collections import Counter

import pytest

from parsers.grid import BodyLine
from pipeline.rows.narrative import body_tasks
from tests.conftest import REAL


def lines(*texts: str) -> list[BodyLine]:
    return [BodyLine(t, i + 1) for i, t in enumerate(texts)]


SECTION = ["II. NHIỆM VỤ, GIẢI PHÁP", "1. Cải cách thể chế", "- Rà soát văn bản", "quy phạm pháp luật.",
           "2. Cải cách thủ tục hành chính", "a) Mục tiêu", "- 100% TTHC được công khai", "b) Nhiệm vụ",
           "- Công bố TTHC", "3. Cải cách tài chính công", "- Tự chủ tài chính", "III. KINH PHÍ", "- Không phải nhiệm vụ"]


def test_bullets_areas_and_targets_skipped():
    tasks = body_tasks(lines(*SECTION))
    assert [(t.area_code, t.fields["content"]) for t in tasks] == [
        (2, "Rà soát văn bản quy phạm pháp luật."), (3, "Công bố TTHC"), (6, "Tự chủ tài chính")]


def test_a_section_naming_fewer_than_three_areas_gives_no_rows():
    other_subject = ["II. NHIỆM VỤ, GIẢI PHÁP", "1. Công tác tuyên truyền về khoáng sản", "- Tuyên truyền",
                     "2. Hoàn thiện cơ chế và cải cách thủ tục hành chính", "- Rà soát TTHC khoáng sản",
                     "3. Công tác quy hoạch khoáng sản", "- Lập quy hoạch"]
    assert body_tasks(lines(*other_subject)) == []


def test_targets_section_is_not_tasks():
    assert body_tasks(lines("I. MỤC TIÊU, NHIỆM VỤ", "1. Cải cách thể chế", "- x", "2. Thể chế", "- y")) == []


@pytest.mark.parametrize("name, expected", [
    # Lâm Đồng 2026–2030: section II lists per area "a) Mục tiêu" (targets, skipped) and
    # "b) Nhiệm vụ" bullets; area 7 "Công tác chỉ đạo, điều hành" has lettered items a)–g).
    ("lamdong-kh-cchc-2026-2030.docx", {1: 7, 2: 4, 3: 12, 4: 4, 5: 4, 6: 6, 7: 11}),
    # Lào Cai: a plan on mineral management; its sections are not the CCHC areas.
    ("laocai-kh-khoang-san-ct11-2026.docx", {}),
])
def test_real_plans(name, expected):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    from parsers.docx import parse_docx

    tasks = body_tasks(parse_docx(path).body)
    assert dict(Counter(t.area_code for t in tasks)) == expected
