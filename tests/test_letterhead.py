"""The issuer from the letterhead (pipeline/fields/letterhead.py) and the metadata it feeds (metadata.py)."""
from __future__ import annotations

import pytest

from parsers.grid import BodyLine, ParsedFile
from pipeline.fields.letterhead import display_name, read_letterhead
from pipeline.fields.metadata import provinces, read_metadata

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def parsed(lines: list[str]) -> ParsedFile:
    return ParsedFile("docx", [], [BodyLine(t, 1) for t in lines])


@pytest.mark.parametrize("lines, issuer, level, province, number, year", [
    (["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /TB-UBND", *MOTTO, "Lâm Đồng, ngày tháng 01 năm 2026",
      "THÔNG BÁO", "Kết luận tại Hội nghị đánh giá năm 2025 và triển khai nhiệm vụ năm 2026"],
     "UBND tỉnh Lâm Đồng", "province", "Lâm Đồng", "/TB-UBND", 2026),
    # a layout table read row by row: the letterhead's lines alternate with the motto's
    (["UBND TỈNH LÀO CAI", MOTTO[0], "SỞ CÔNG THƯƠNG", MOTTO[1], "Số: /KH-SCT", "Lào Cai, ngày tháng 4 năm 2026",
      "KẾ HOẠCH", "Kiểm tra, cấp Giấy chứng nhận huấn luyện kỹ thuật an toàn"],
     "Sở Công Thương", "department", "Lào Cai", "/KH-SCT", 2026),
    # a PDF line runs the letterhead and the motto together
    (["UBND TỈNH LÂM ĐỒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc",
      "Số: /BC-SNV", "Lâm Đồng, ngày tháng 11 năm 2025", "BÁO CÁO", "Tình hình thực hiện các chỉ số"],
     "Sở Nội vụ", "department", "Lâm Đồng", "/BC-SNV", 2025),
    (["UBND TỈNH QUẢNG TRỊ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 12/KH-SKHCN", "Quảng Trị, ngày 05 tháng 01 năm 2026",
      "KẾ HOẠCH", "Cải cách hành chính năm 2026"],
     "Sở Khoa học và Công nghệ", "department", "Quảng Trị", "12/KH-SKHCN", 2026),
])
def test_the_letterhead_gives_issuer_level_province_number_and_year(lines, issuer, level, province, number, year):
    meta = read_metadata(parsed(lines))
    assert (meta.issuer, meta.issuer_level, meta.province, meta.plan_number, meta.plan_year) == (
        issuer, level, province, number, year)
    assert meta.warnings == []


def test_a_letterhead_the_dictionary_does_not_know_is_kept_and_warned():
    meta = read_metadata(parsed(["CÔNG TY ĐIỆN LỰC LÀO CAI", *MOTTO, "Số: 7/KH-PCLC", "KẾ HOẠCH", "An toàn điện"]))
    assert meta.issuer == "Công ty điện lực lào cai" and meta.issuer_level == "unknown"
    assert meta.warnings == ["issuer 'Công ty điện lực lào cai' not recognised: its level (province, department, "
                             "commune) is unknown"]


def test_no_issuer_at_all_is_warned():
    meta = read_metadata(parsed(["KẾ HOẠCH", "Cải cách hành chính năm 2026", "I. MỤC ĐÍCH"]))
    assert meta.issuer is None
    assert meta.warnings == ["issuer unknown: no letterhead, 'của …' line or sidecar names it"]


def test_units_top_to_bottom():
    head = read_letterhead(["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số: /KH-SCT", "KẾ HOẠCH", "SỞ KHÁC"])
    assert (head.units, head.parent, head.issuer) == (("UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG"), "UBND TỈNH LÀO CAI",
                                                      "SỞ CÔNG THƯƠNG")


@pytest.mark.parametrize("unit, name", [
    ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "UBND tỉnh Lâm Đồng"), ("UBND XÃ LẠC DƯƠNG", "UBND xã Lạc Dương"),
    ("UỶ BAN NHÂN DÂN THÀNH PHỐ HUẾ", "UBND thành phố Huế"), ("SỞ NỘI VỤ", "Sở nội vụ"),
])
def test_display_name(unit, name):
    assert display_name(unit, provinces()) == name


def test_a_sidecar_naming_the_issuer_settles_the_warning():
    from pipeline.fields.sidecar import apply_sidecar

    meta = read_metadata(parsed(["KẾ HOẠCH", "Cải cách hành chính năm 2026"]))
    assert meta.warnings == ["issuer unknown: no letterhead, 'của …' line or sidecar names it"]
    apply_sidecar(meta, {"issuer": "Sở Nội vụ"})
    assert (meta.issuer, meta.issuer_level, meta.warnings) == ("Sở Nội vụ", "department", [])
