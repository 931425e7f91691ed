"""Document metadata from header blocks, and sidecar files."""
from __future__ import annotations

from datetime import date

import pytest

from parsers.grid import BodyLine, ParsedFile
from pipeline.batch.process import process_file
from pipeline.fields.metadata import issuer_level, read_metadata


def parsed(head: list[str], appendix_head: list[str] | None = None) -> ParsedFile:
    return ParsedFile("txt", [], [BodyLine(t, i + 1) for i, t in enumerate(head)], appendix_head or [])


def test_decision_header():
    meta = read_metadata(parsed([
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Số: 125/KH-UBND", "Lâm Đồng, ngày 05 tháng 01 năm 2026",
        "KẾ HOẠCH", "Cải cách hành chính nhà nước giai đoạn 2026-2030", "Căn cứ Luật …",
        "Thực hiện Kế hoạch số 520/KH-UBND ngày 24/12/2021 của UBND tỉnh",
    ]))
    assert meta.plan_number == "125/KH-UBND"
    assert meta.issued_date == date(2026, 1, 5)
    assert (meta.plan_year, meta.plan_period) == (2026, "2026-2030")
    assert meta.province == "Lâm Đồng"


def test_blank_number_and_day():
    meta = read_metadata(parsed([], ["PHỤ LỤC KẾ HOẠCH CCHC NĂM 2026",
                                     "(Kèm theo Kế hoạch số: /KH-SNgV ngày /4/2026 của Sở Ngoại vụ)"]))
    assert meta.plan_number == "/KH-SNgV" and meta.issued_date is None
    assert (meta.issuer, meta.issuer_level, meta.plan_year) == ("Sở Ngoại vụ", "department", 2026)


@pytest.mark.parametrize("issuer, level", [
    ("UBND tỉnh Hà Tĩnh", "province"), ("Ủy ban nhân dân tỉnh", "province"), ("UBND xã Cẩm Xuyên", "commune"),
    ("UBND phường Bắc Hà", "commune"), ("Sở Nội vụ", "department"), ("Văn phòng UBND tỉnh", "department"),
    ("Ban Quản lý Khu kinh tế tỉnh", "department"), (None, "unknown"), ("Công ty ABC", "unknown"),
])
def test_issuer_level(issuer, level):
    assert issuer_level(issuer) == level


def test_sidecar_fills_and_overrides_with_warning(tmp_path, seed_results):
    from tests.conftest import seed_path

    plan = tmp_path / "plan.txt"
    plan.write_bytes(seed_path("004").read_bytes())
    (tmp_path / "plan.txt.meta.toml").write_text(
        'province = "Hà Tĩnh"\nplan_year = 2027\nissued_date = "2025-12-20"\n', encoding="utf-8")
    doc = process_file(plan, tmp_path).document
    assert (doc.province, doc.plan_year, doc.issued_date) == ("Hà Tĩnh", 2027, date(2025, 12, 20))
    assert any("plan_year" in w and "2026" in w for w in doc.warnings)      # the text said 2026
    assert not any("province" in w for w in doc.warnings)                     # the text was silent


def test_bad_sidecar_is_an_error_naming_it(tmp_path):
    from parsers.errors import ParseError
    from tests.conftest import seed_path

    plan = tmp_path / "plan.txt"
    plan.write_bytes(seed_path("000").read_bytes())
    (tmp_path / "plan.txt.meta.toml").write_text('colour = "blue"\n', encoding="utf-8")
    with pytest.raises(ParseError, match=r"plan\.txt\.meta\.toml: unknown sidecar keys: colour"):
        process_file(plan, tmp_path)
