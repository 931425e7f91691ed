"""The DOCX parser on small Word documents built here: merges, numbering, lists, split and
nested tables, layout tables, legacy fonts, and files that are not readable Word packages."""
from __future__ import annotations

import shutil
import zipfile

import pytest
from lxml import etree

from parsers.docx import assemble as docx_assemble
from parsers.docx import package as docx_package
from parsers.docx import parse_docx
from parsers.docx.numbering import Numbering, Styles, format_number
from parsers.docx.wordml import W
from parsers.errors import Corrupt, Encrypted
from pipeline.fields.metadata import read_metadata
from pipeline.rows.document import file_tasks
from tests.conftest import FIXTURES
from tests.fixtures.build_docx_fixtures import (
    BULLET_NUM,
    HEADING_NUM,
    append_xml,
    new_document,
    paragraph_xml,
    save,
    table_xml,
)

DOCX = FIXTURES / "docx"
HEADER = ["STT", "Nội dung", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời gian"]


def cells(*texts, **props) -> list[dict]:
    return [{"text": t, **props} for t in texts]


def write(tmp_path, blocks, name="plan.docx"):
    """Given blocks (paragraph text, or ("table", rows, n_cols)), write a DOCX and return its path."""
    document = new_document()
    for block in blocks:
        if isinstance(block, str):
            append_xml(document, paragraph_xml(block))
        elif block[0] == "xml":
            append_xml(document, block[1])
        else:
            _, rows, n_cols = block
            append_xml(document, table_xml(rows, n_cols, {0}, {0}))
            append_xml(document, paragraph_xml(""))
    path = tmp_path / name
    save(document, path)
    return path


def task_table(*rows) -> tuple:
    return ("table", [cells(*HEADER)] + [list(r) for r in rows], len(HEADER))


# --- numbering ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n, fmt, expected", [
    (3, "upperRoman", "III"), (7, "upperRoman", "VII"), (9, "lowerRoman", "ix"), (4, "lowerLetter", "d"),
    (27, "lowerLetter", "aa"), (2, "upperLetter", "B"), (5, "decimalZero", "05"), (12, "decimal", "12"),
    (3, "none", ""),
])
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected


def numbering(levels: str, nums: str) -> Numbering:
    xml = (f'<w:numbering xmlns:w="{W[1:-1]}"><w:abstractNum w:abstractNumId="1">{levels}'
           f"</w:abstractNum>{nums}</w:numbering>")
    return Numbering(etree.fromstring(xml), Styles(None))


def lvl(ilvl, fmt, text, start=1, extra=""):
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


HEADINGS = lvl(0, "upperRoman", "%1.") + lvl(1, "decimal", "%2.") + lvl(2, "lowerLetter", "%3)")


def test_numbering_counts_levels_and_restarts_deeper_ones():
    num = numbering(HEADINGS, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    sequence = [(0,), (1,), (1,), (2,), (2,), (0,), (1,), (2,)]
    assert [num.label("5", s[0]) for s in sequence] == ["I. ", "1. ", "2. ", "a) ", "b) ", "II. ", "1. ", "a) "]


def test_numbering_lists_sharing_a_definition_continue_unless_restarted():
    nums = ('<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="7"><w:abstractNumId w:val="1"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    num = numbering(HEADINGS, nums)
    assert [num.label(n, 0) for n in ("5", "5", "6", "7", "7")] == ["I. ", "II. ", "III. ", "I. ", "II. "]


def test_numbering_legal_no_restart_bullets_and_unknown_ids():
    levels = (lvl(0, "upperRoman", "%1.") + lvl(1, "decimal", "%1.%2.", extra='<w:isLgl/><w:lvlRestart w:val="0"/>')
              + lvl(2, "bullet", "•"))
    num = numbering(levels, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    assert num.label("5", 0) == "I. "
    assert num.label("5", 1) == "1.1. "
    assert num.label("5", 0) == "II. "
    assert num.label("5", 1) == "2.2. "          # lvlRestart 0: level 2 goes on counting
    assert num.label("5", 2) == "- "
    assert num.label("99", 0) == "" and num.label("0", 0) == "" and num.label("5", 8) == ""


def test_start_value_and_text_without_number():
    levels = lvl(0, "decimal", "Điều %1.", start=3) + lvl(1, "none", "")
    num = numbering(levels, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    assert [num.label("5", 0), num.label("5", 0), num.label("5", 1)] == ["Điều 3. ", "Điều 4. ", ""]


# --- paragraphs and cells ------------------------------------------------------------------------

def test_numbered_headings_keep_their_labels(tmp_path):
    path = write(tmp_path, [
        ("xml", paragraph_xml("MỤC TIÊU, YÊU CẦU", num=(HEADING_NUM, 0))),
        ("xml", paragraph_xml("Mục tiêu", num=(HEADING_NUM, 1))),
        ("xml", paragraph_xml("Cụ thể hóa mục tiêu", style="ListBullet")),
        ("xml", paragraph_xml("NHIỆM VỤ TRỌNG TÂM", num=(HEADING_NUM, 0))),
        ("xml", paragraph_xml("Cải cách thể chế", num=(HEADING_NUM, 1))),
        ("xml", paragraph_xml("Rà soát văn bản", num=(HEADING_NUM, 2))),
    ])
    assert [b.text for b in parse_docx(path).body] == [
        "I. MỤC TIÊU, YÊU CẦU", "1. Mục tiêu", "- Cụ thể hóa mục tiêu", "II. NHIỆM VỤ TRỌNG TÂM",
        "1. Cải cách thể chế", "a) Rà soát văn bản"]


def test_cell_bullet_list_line_breaks_and_paragraphs(tmp_path):
    bullets = "".join(paragraph_xml(t, num=(BULLET_NUM, 0)) for t in ("Sở Nội vụ", "Các phòng thuộc Sở"))
    row = [*cells("1", "Ban hành\nkế hoạch", "Kế hoạch"), {"xml": paragraph_xml("Văn\nphòng")},
           {"xml": bullets}, {"xml": paragraph_xml("Quý I/2026\tQuý II/2026")}]
    path = write(tmp_path, [("table", [cells(*HEADER), row], 6)])
    assert parse_docx(path).grids[0].rows[1].cells == [
        "1", "Ban hành\nkế hoạch", "Kế hoạch", "Văn\nphòng", "- Sở Nội vụ\n- Các phòng thuộc Sở",
        "Quý I/2026 Quý II/2026"]


def test_section_row_spanning_all_columns_and_vertical_merges(tmp_path):
    path = write(tmp_path, ["PHỤ LỤC", task_table(
        [{"text": "I. CẢI CÁCH THỂ CHẾ", "span": 6}],
        cells("1", "Rà soát văn bản", "Báo cáo", "Sở Tư pháp", "", "Quý I/2026"),
        [{"text": "2", "vmerge": "restart"}, {"text": "Tham mưu ban hành kế hoạch", "vmerge": "restart"},
         *cells("Kế hoạch kiểm tra", "Sở Nội vụ", "Các sở", "Tháng 01")],
        [{"text": "", "vmerge": "continue"}, {"text": "", "vmerge": "continue"},
         *cells("Kế hoạch tự kiểm tra", "Các sở", "", "Tháng 02")],
    )])
    rows = parse_docx(path).grids[0].rows
    assert rows[1].cells == ["I. CẢI CÁCH THỂ CHẾ", "", "", "", "", ""] and rows[1].spans == {0: 6}
    assert rows[4].cells[:2] == [None, None] and rows[4].source_row == 5 and rows[4].table_index == 0
    tasks = file_tasks(parse_docx(path))
    assert [(t.area_code, t.stt, t.fields["content"], t.fields["product"]) for t in tasks] == [
        (2, "1", "Rà soát văn bản", "Báo cáo"),
        (2, "2", "Tham mưu ban hành kế hoạch", "Kế hoạch kiểm tra"),
        (2, "2", "Tham mưu ban hành kế hoạch", "Kế hoạch tự kiểm tra")]
    assert tasks[2].fields["partners"] == ""      # an empty cell is not merged: nothing inherited


def test_numbered_section_rows_in_the_table(tmp_path):
    from tests.fixtures.build_docx_fixtures import AREA_NUM

    area = [{"text": "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "span": 6, "num": (AREA_NUM, 0)}]
    path = write(tmp_path, [task_table(area, cells("1", "Công bố TTHC", "", "VP", "", "2026"), area,
                                       cells("1", "Niêm yết TTHC", "", "VP", "", "2026"))])
    tasks = file_tasks(parse_docx(path))
    # Word prints "I." and "II." before the headings: the second heading is area 3 by its words
    assert [(t.area_code, t.area_title) for t in tasks] == [(3, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")] * 2
    assert parse_docx(path).grids[0].rows[3].cells[0] == "II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"


def test_one_merged_cell_over_lead_and_partners_gives_both(tmp_path):
    row = [*cells("5", "Triển khai Quyết định 1441", "TTHC", "Tháng 6"),
           {"text": "Theo phân công tại Quyết định số 1441", "span": 2}]
    header = cells("STT", "Nhiệm vụ", "Sản phẩm", "Thời gian", "Chủ trì", "Phối hợp")
    path = write(tmp_path, [("table", [header, row], 6)])
    task = file_tasks(parse_docx(path))[0]
    assert task.fields["lead"] == task.fields["partners"] == "Theo phân công tại Quyết định số 1441"
    assert "one merged cell gives lead, partners" in task.warnings


def test_header_printed_over_two_rows(tmp_path):
    top = [{"text": "STT", "vmerge": "restart"}, {"text": "Nội dung", "vmerge": "restart"},
           {"text": "Cơ quan thực hiện", "span": 2}, {"text": "Thời gian", "vmerge": "restart"}]
    below = [{"text": "", "vmerge": "continue"}, {"text": "", "vmerge": "continue"},
             *cells("Chủ trì", "Phối hợp"), {"text": "", "vmerge": "continue"}]
    path = write(tmp_path, [("table", [top, below, cells("1", "Rà soát TTHC", "Văn phòng", "Các sở", "Quý II")], 5)])
    grid = parse_docx(path).grids[0]
    assert grid.rows[0].cells == ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"]
    task = file_tasks(parse_docx(path))[0]
    assert (task.fields["lead"], task.fields["partners"], task.fields["timeline"]) == ("Văn phòng", "Các sở", "Quý II")


def test_spacer_rows_are_dropped(tmp_path):
    path = write(tmp_path, [task_table(cells("1", "Rà soát", "", "VP", "", "2026"), cells(*[""] * 6),
                                       cells("2", "Kiểm tra", "", "VP", "", "2026"))])
    assert [r.cells[0] for r in parse_docx(path).grids[0].rows] == ["STT", "1", "2"]


# --- which tables, and the text around them ------------------------------------------------------

def test_letterhead_and_unrelated_tables_feed_the_body_not_the_grids(tmp_path):
    letterhead = ("table", [cells("UBND TỈNH LÂM ĐỒNG\nSỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                            cells("Số: 125/KH-SNV", "Lâm Đồng, ngày 05 tháng 01 năm 2026")], 2)
    contacts = ("table", [cells("STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"), cells("1", "Sở Y tế", "Tháng 8")], 3)
    path = write(tmp_path, [letterhead, "KẾ HOẠCH", "Cải cách hành chính năm 2026 của Sở Nội vụ", contacts,
                            "PHỤ LỤC", "NHIỆM VỤ NĂM 2026", task_table(cells("1", "Rà soát", "", "VP", "", "2026"))])
    parsed = parse_docx(path)
    assert len(parsed.grids) == 1 and parsed.grids[0].table_index == 2
    assert [b.text for b in parsed.body][:4] == ["UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                "Số: 125/KH-SNV"]
    assert "Sở Y tế" in [b.text for b in parsed.body] and parsed.appendix_head == ["NHIỆM VỤ NĂM 2026"]
    meta = read_metadata(parsed)
    assert (meta.plan_number, meta.issued_date.isoformat(), meta.plan_year) == ("125/KH-SNV", "2026-01-05", 2026)


def test_task_table_nested_in_a_layout_table_is_found(tmp_path):
    inner = table_xml([cells(*HEADER), cells("1", "Rà soát TTHC", "Báo cáo", "VP", "", "2026")], 6, {0}, {0})
    outer = f'<w:tbl><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid><w:tr><w:tc><w:p/>{inner}<w:p/></w:tc></w:tr></w:tbl>'
    path = write(tmp_path, [("xml", outer)])
    parsed = parse_docx(path)
    assert [r.cells[1] for g in parsed.grids for r in g.rows] == ["Nội dung", "Rà soát TTHC"]
    assert parsed.grids[0].table_index == 1


def test_table_nested_in_a_task_cell_joins_the_cell(tmp_path):
    inner = table_xml([cells("Sở Tư pháp", "chủ trì"), cells("Sở Nội vụ", "phối hợp")], 2, set(), set())
    row = [*cells("1", "Rà soát", ""), {"xml": paragraph_xml("VP") + inner + "<w:p/>"}, *cells("", "2026")]
    path = write(tmp_path, [("table", [cells(*HEADER), row], 6)])
    assert parse_docx(path).grids[0].rows[1].cells[3] == "VP\nSở Tư pháp\nchủ trì\nSở Nội vụ\nphối hợp"


def test_split_tables_are_stitched_when_nothing_stands_between(tmp_path):
    first = task_table(cells("1", "Rà soát văn bản quy phạm pháp luật", "", "VP", "", "2026"))
    repeated = task_table(cells("2", "Kiểm tra", "", "VP", "", "2026"))
    bare = ("table", [cells("", "thuộc lĩnh vực quản lý", "", "", "", "")], 6)
    narrow = ("table", [cells("Nơi nhận:", "GIÁM ĐỐC")], 2)
    parsed = parse_docx(write(tmp_path, [first, repeated, bare, narrow]))
    assert len(parsed.grids) == 1
    rows = parsed.grids[0].rows
    assert [r.table_index for r in rows] == [0, 0, 1, 1, 2] and rows[4].after_page_break
    tasks = file_tasks(parsed)
    assert [t.fields["content"] for t in tasks] == ["Rà soát văn bản quy phạm pháp luật", "Kiểm tra thuộc lĩnh vực quản lý"]
    assert tasks[1].table_index == 1 and any("continued at row 1" in w for w in tasks[1].warnings)


def test_text_between_tables_keeps_them_apart(tmp_path):
    parsed = parse_docx(write(tmp_path, [task_table(cells("1", "Rà soát", "", "VP", "", "2026")),
                                         "PHỤ LỤC II", task_table(cells("1", "Kiểm tra", "", "VP", "", "2026"))]))
    assert len(parsed.grids) == 2


def test_the_body_goes_on_after_a_task_table_set_in_it(tmp_path):
    lines = ["KẾ HOẠCH", "Cải cách hành chính năm 2026", "III. NHIỆM VỤ VÀ GIẢI PHÁP",
             "1. Cải cách thể chế", "- Rà soát văn bản quy phạm pháp luật"]
    after = ["2. Cải cách thủ tục hành chính", "- Công bố thủ tục hành chính kịp thời",
             "3. Cải cách tài chính công", "- Giao quyền tự chủ cho đơn vị sự nghiệp"]
    table = task_table(cells("1", "Rà soát TTHC", "", "VP", "", "2026"))
    parsed = parse_docx(write(tmp_path, [*lines, table, *after, "PHỤ LỤC", "Ghi chú của phụ lục"]))
    texts = [b.text for b in parsed.body]
    assert texts[-len(after):] == after and "Ghi chú của phụ lục" not in texts
    body = [t for t in file_tasks(parsed) if t.source_part == "body"]
    assert [(t.area_code, t.fields["content"]) for t in body] == [
        (2, "Rà soát văn bản quy phạm pháp luật"), (3, "Công bố thủ tục hành chính kịp thời"),
        (6, "Giao quyền tự chủ cho đơn vị sự nghiệp")]


def test_table_after_the_phu_luc_that_is_no_task_table_is_reported(tmp_path):
    schedule = ("table", [cells("STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"), cells("1", "Sở Y tế", "Tháng 8"),
                          cells("2", "Sở Xây dựng", "Tháng 7")], 3)
    parsed = parse_docx(write(tmp_path, ["KẾ HOẠCH", "PHỤ LỤC I", schedule]))
    assert parsed.grids == [] and [b.text for b in parsed.body] == ["KẾ HOẠCH"]
    assert file_tasks(parsed) == []


@pytest.mark.parametrize("header", [
    ["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Ghi chú"],
    ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"],
])
def test_statistics_forms_are_not_task_tables(header):
    from parsers.headers import header_map

    assert header_map(header) is None


# --- legacy fonts -------------------------------------------------------------------------------

def test_tcvn3_runs_come_out_as_unicode():
    path = FIXTURES / "legacy" / "tcvn3_sample.docx"
    expected = (FIXTURES / "legacy" / "expected_docx.txt").read_text(encoding="utf-8").splitlines()
    parsed = parse_docx(path)
    got = [b.text for b in parsed.body] + [c for g in parsed.grids for r in g.rows for c in r.cells]
    assert got == expected


def test_legacy_font_from_the_paragraph_style(tmp_path):
    from parsers.textutil.legacy import unicode_to_tcvn3

    document = new_document()
    style = document.styles["Normal"]
    style.font.name = ".VnTime"
    append_xml(document, paragraph_xml(unicode_to_tcvn3("Kế hoạch cải cách hành chính")))
    path = tmp_path / "legacy.docx"
    save(document, path)
    assert [b.text for b in parse_docx(path).body] == ["Kế hoạch cải cách hành chính"]


# --- files that are not readable Word packages ---------------------------------------------------

@pytest.mark.parametrize("name, error, says", [
    ("truncated.docx", Corrupt, "truncated"),
    ("encrypted.docx", Encrypted, "password-protected"),
    ("not-word.docx", Corrupt, "not a Word document"),
    ("zip-bomb.docx", Corrupt, "word/document.xml would inflate to 300 MB, over the 200 MB limit"),
])
def test_bad_files_give_one_line_naming_the_file(name, error, says):
    path = DOCX / name
    with pytest.raises(error) as caught:
        parse_docx(path)
    message = str(caught.value)
    assert says in message and str(path) in message and "\n" not in message


def test_encrypted_fixture_is_an_ole_container_with_an_encrypted_package():
    data = (DOCX / "encrypted.docx").read_bytes()
    assert data.startswith(docx_package.OLE_MAGIC) and docx_package.ENCRYPTED_STREAM in data


def test_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.docx"
    shutil.copy(DOCX / "seed-000.docx", path)
    monkeypatch.setattr(docx_package, "MAX_PART_BYTES", 10_000)
    monkeypatch.setattr(docx_assemble, "open_package", lambda p: pytest.fail("opened a zip bomb"))
    with pytest.raises(Corrupt, match=r"word/document.xml would inflate to \d+ KB, over the 10 KB limit"):
        parse_docx(path)


def test_damaged_xml_is_corrupt(tmp_path):
    path = tmp_path / "bad-xml.docx"
    with zipfile.ZipFile(DOCX / "seed-000.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    with pytest.raises(Corrupt, match="damaged Word package"):
        parse_docx(path)


def test_ingest_records_bad_docx_files_and_carries_on(tmp_path):
    from pipeline.batch.run import ingest

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(DOCX / "seed-000.docx", raw / "good.docx")
    bad = ["truncated.docx", "encrypted.docx", "not-word.docx", "zip-bomb.docx"]
    for name in bad:
        shutil.copy(DOCX / name, raw / name)
    report = ingest(raw, tmp_path / "out", tmp_path / "cchc.duckdb")
    assert [d.source_file for d in report.documents] == ["good.docx"]
    assert report.documents[0].task_count == 24
    reasons = {f.source_file: f.error for f in report.failures}
    assert sorted(reasons) == sorted(bad)
    for name, reason in reasons.items():
        assert name in reason and "\n" not in reason, reason


def test_encrypted_fixture_opens_with_its_password():
    msoffcrypto = pytest.importorskip("msoffcrypto")
    import io

    office = msoffcrypto.OfficeFile(io.BytesIO((DOCX / "encrypted.docx").read_bytes()))
    office.load_key(password="cchc")
    out = io.BytesIO()
    office.decrypt(out)
    assert out.getvalue() == (DOCX / "seed-000.docx").read_bytes()
