"""Real Word files from provincial offices (../shared/real, read in place): what each must give.

Expected counts are read off the documents by hand (see the comments), never computed.
The .doc tests need LibreOffice (`soffice`) and are skipped without it.
"""
from __future__ import annotations

import stat
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from parsers import doc as doc_parser
from parsers.doc import parse_doc
from parsers.docx import parse_docx
from parsers.errors import Corrupt, NotAPlan, UnsupportedFormat
from pipeline.batch.process import process_file
from tests.conftest import FIXTURES, REAL, SEED_FILES, seed_path

LAMDONG = "lamdong-kh-cchc-2026-2030.docx"
LAMDONG_DRAFT = "lamdong-kh-cchc-2026-2030-du-thao.docx"
needs_soffice = pytest.mark.skipif(doc_parser.find_soffice() is None,
                                   reason="LibreOffice (soffice) not installed: make setup-full")


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real file {name} not found in {REAL}")
    return path


def appendix(result):
    return [t for t in result.tasks if t.source_part == "appendix"]


@pytest.fixture(scope="module")
def lamdong():
    return process_file(real(LAMDONG), REAL)


@pytest.fixture(scope="module")
def lamdong_draft():
    return process_file(real(LAMDONG_DRAFT), REAL)


# --- Lâm Đồng, KH CCHC 2026-2030: the phụ lục "PHÂN CÔNG THỰC HIỆN NHIỆM VỤ …" ---------------
# Read off the document: I Cải cách thể chế STT 1-4; II Cải cách TTHC 1-12; III tổ chức bộ máy
# 1-5; IV chế độ công vụ 1-4; V tài chính công 1-6; VI chính quyền điện tử, chính quyền số 1-12;
# VII Công tác chỉ đạo, điều hành CCHC 1-13, where tasks 2, 3 and 5 each span two product rows.
# Areas by standard code (VII, chỉ đạo điều hành, is area 1):
LAMDONG_ROWS = {2: 4, 3: 12, 4: 5, 5: 4, 6: 6, 7: 12, 1: 16}
LAMDONG_TASKS = {2: 4, 3: 12, 4: 5, 5: 4, 6: 6, 7: 12, 1: 13}


@pytest.mark.parametrize("which", ["lamdong", "lamdong_draft"])
def test_lamdong_rows_and_tasks_per_area(which, request):
    rows = appendix(request.getfixturevalue(which))
    assert dict(Counter(r.area_code for r in rows)) == LAMDONG_ROWS
    assert dict(Counter(area for area, _ in {(r.area_code, r.stt) for r in rows})) == LAMDONG_TASKS
    # areas in the order the document prints them, I-VII, mapped by their heading text
    assert list(dict.fromkeys(r.area_code for r in rows)) == [2, 3, 4, 5, 6, 7, 1]
    assert [r.stt for r in rows if r.area_code == 1] == [
        "1", "2", "2", "3", "3", "4", "5", "5", "6", "7", "8", "09", "10", "11", "12", "13"]


def test_lamdong_every_row_has_lead_deadline_and_monitor(lamdong):
    rows = appendix(lamdong)
    for r in rows:
        assert r.content and r.lead_raw and r.timeline_raw and r.monitor_raw, r
        assert r.monitors, r
        assert r.table_index == 2 and r.page is not None
    # VI.8 ("Tiếp tục triển khai thực hiện tốt Quyết định số 1737…") is the only row with no product
    assert [(r.area_code, r.stt) for r in rows if not r.product] == [(7, "8")]
    assert [r.source_row for r in rows] == sorted(r.source_row for r in rows)
    assert [r.page for r in rows] == sorted(r.page for r in rows)


def test_lamdong_first_task(lamdong):
    first = appendix(lamdong)[0]
    assert (first.area_code, first.area_title, first.stt) == (2, "Cải cách thể chế", "1")
    assert first.task.startswith("Thực hiện việc đăng tải, cập nhật văn bản quy phạm pháp luật")
    assert first.lead_raw == "Sở Tư pháp" and first.partners_raw is None
    assert first.monitor_raw == "Sở Tư pháp" and first.monitors == ["Sở Tư pháp"]
    assert first.timeline_raw.startswith("Theo Điều 17 Nghị định số 52/2015/NĐ-CP")


def test_lamdong_task_over_two_product_rows(lamdong):
    rows = [r for r in appendix(lamdong) if r.area_code == 1 and r.stt == "2"]
    assert len(rows) == 2
    assert rows[0].task == rows[1].task
    assert rows[0].task.startswith("Tham mưu ban hành Kế hoạch kiểm tra công tác cải cách hành chính")
    assert rows[0].product.startswith("Kế hoạch kiểm tra cải cách hành chính hằng năm của tỉnh")
    assert rows[1].product.startswith("Kế hoạch tự kiểm tra cải cách hành chính hằng năm")
    assert (rows[0].lead_raw, rows[0].partners_raw) == ("Sở Nội vụ", "Các cơ quan, đơn vị, địa phương")
    assert (rows[1].lead_raw, rows[1].partners_raw) == ("Các cơ quan, đơn vị, địa phương", None)
    assert rows[0].monitor_raw == rows[1].monitor_raw == "Sở Nội vụ"
    assert rows[1].source_row == rows[0].source_row + 1


def test_lamdong_cells_merged_across_columns(lamdong):
    rows = appendix(lamdong)
    tthc5 = next(r for r in rows if r.area_code == 3 and r.stt == "5")
    assert tthc5.lead_raw == tthc5.partners_raw
    assert tthc5.lead_raw.startswith("Theo phân công tại Quyết định số 1441/QĐ-UBND")
    assert "one merged cell gives lead, partners" in tthc5.warnings
    first_vii = next(r for r in rows if r.area_code == 1)      # "Sở Nội vụ" spans phối hợp and theo dõi
    assert first_vii.partners_raw == first_vii.monitor_raw == "Sở Nội vụ"


def test_lamdong_metadata(lamdong):
    d = lamdong.document
    assert d.title == "Kế hoạch Cải cách hành chính nhà nước giai đoạn 2026 - 2030 của tỉnh Lâm Đồng"
    assert (d.issuer, d.issuer_level, d.province) == ("UBND tỉnh Lâm Đồng", "province", "Lâm Đồng")
    assert (d.plan_year, d.plan_period, d.plan_number) == (2026, "2026-2030", "/KH-UBND")
    assert d.source_format == "docx"


def test_lamdong_draft_and_final_differ_by_real_edits(lamdong, lamdong_draft):
    final = {(r.area_code, r.stt, r.product): r for r in appendix(lamdong)}
    draft = {(r.area_code, r.stt, r.product): r for r in appendix(lamdong_draft)}
    changed = {k for k in final.keys() & draft.keys() if final[k].task != draft[k].task}
    assert final.keys() != draft.keys() or changed
    iii2 = [r.task for r in (lamdong, lamdong_draft) for r in appendix(r) if r.area_code == 4 and r.stt == "2"]
    assert iii2[0].startswith("Rà soát, bảo đảm cơ cấu") and iii2[1].startswith("Rà soát, đảm bảo cơ cấu")


# --- documents with no task table ----------------------------------------------------------------

@pytest.mark.parametrize("name, skipped", [
    ("lamdong-kh-kiem-tra-cchc-2026.docx", 1),       # Phụ lục I: an inspection schedule
    ("lamdong-phu-luc-bao-cao-cchc-2025.docx", 9),   # nine statistics forms
    ("lamdong-kh-thi-dua-cchc-2026.docx", 0),        # narrative, letterhead and signature tables
])
def test_no_task_table(name, skipped):
    parsed = parse_docx(real(name))
    assert parsed.grids == []
    assert len([w for w in parsed.warnings if "no task header" in w]) == skipped
    with pytest.raises(NotAPlan, match="no task table") as caught:
        process_file(real(name), REAL)
    assert name in str(caught.value) and "\n" not in str(caught.value)


def test_inspection_schedule_is_named_in_the_warning():
    parsed = parse_docx(real("lamdong-kh-kiem-tra-cchc-2026.docx"))
    assert parsed.warnings == ["table 2 skipped: no task header (STT | Đơn vị được kiểm tra | Thời gian kiểm tra)"]


# --- Lào Cai: a task table without the seven areas -------------------------------------------------

def test_laocai_tasks_without_area():
    result = process_file(real("laocai-kh-khoang-san-ct11-2026.docx"), REAL)
    rows = appendix(result)
    # Phụ lục "MỘT SỐ NHIỆM VỤ TRỌNG TÂM …": TT 1-14 under a "(1) (2) (3) (4) (5)" row
    assert [r.stt for r in rows] == [str(i) for i in range(1, 15)]
    assert {r.area_code for r in rows} == {None} and {r.area_title for r in rows} == {None}
    first = rows[0]
    assert first.task.startswith("Tổ chức quán triệt sâu rộng Chỉ thị")
    assert first.lead_raw == "Các Sở, ban, ngành; UBND các xã, phường"
    assert (first.timeline_raw, first.due_end) == ("Xong trong Quý II/2026", date(2026, 6, 30))
    assert rows[9].lead_raw == "Thuế tỉnh" and rows[10].lead_raw == "Công an tỉnh"
    assert result.document.province == "Lào Cai"


# --- .doc through LibreOffice ------------------------------------------------------------------------

@needs_soffice
@pytest.mark.parametrize("name, lines", [
    ("lamdong-kh-thi-dua-cchc-2026-du-thao.doc", ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /KH-UBND"]),
    ("lamdong-to-trinh-kh-cchc-2026.doc", ["UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "Số: /TTr-SNV"]),
])
def test_real_doc_files_convert_and_hold_no_task_table(name, lines):
    parsed = parse_doc(real(name))
    body = [b.text for b in parsed.body]
    assert body[: len(body)] and all(line in body for line in lines)
    assert parsed.grids == [] and parsed.warnings[0] == "converted from .doc with LibreOffice"
    with pytest.raises(NotAPlan, match="no task table"):
        process_file(real(name), REAL)


@needs_soffice
def test_seed_doc_gives_the_text_rows():
    path = FIXTURES / "docx" / "seed-000.doc"
    if not path.exists():
        pytest.skip("seed-000.doc not built (needs soffice at build time)")
    got = process_file(path, path.parent)
    expected = process_file(seed_path("000"), seed_path("000").parent)
    drop = {"doc_id", "page", "table_index", "source_row", "warnings"}
    assert [r.model_dump(exclude=drop) for r in got.tasks] == [r.model_dump(exclude=drop) for r in expected.tasks]
    assert got.document.source_format == "docx" and len(SEED_FILES) == 5


def test_doc_without_libreoffice_names_the_file_and_the_package(monkeypatch, tmp_path):
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    monkeypatch.setattr(doc_parser, "find_soffice", lambda: None)
    with pytest.raises(UnsupportedFormat) as caught:
        parse_doc(path)
    message = str(caught.value)
    assert str(path) in message and "libreoffice-writer" in message and "\n" not in message


def fake_soffice(tmp_path: Path, script: str) -> str:
    exe = tmp_path / "soffice"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


def test_conversion_timeout_kills_libreoffice(tmp_path):
    path = tmp_path / "slow.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(508))
    exe = fake_soffice(tmp_path, "sleep 30")
    workdir = tmp_path / "work"
    workdir.mkdir()
    with pytest.raises(Corrupt, match="did not convert it within 0.5 s"):
        doc_parser.convert_to_docx(path, workdir, exe, timeout=0.5)


def test_conversion_without_output_is_corrupt(tmp_path, monkeypatch):
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(508))
    monkeypatch.setattr(doc_parser, "find_soffice",
                        lambda: fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2"))
    with pytest.raises(Corrupt, match=r"could not convert it \(Error: source file could not be loaded\)"):
        parse_doc(path)


@needs_soffice
def test_fixtures_rewritten_by_libreoffice_give_the_same_rows(tmp_path):
    """LibreOffice writes its own numbering, merges and tables: the rows must not change."""
    import subprocess

    names = ["seed-001.docx", "seed-003.docx"]
    sources = [FIXTURES / "docx" / n for n in names]
    subprocess.run([doc_parser.find_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"),
                    *map(str, sources)], check=True, capture_output=True, timeout=300)
    drop = {"doc_id", "page", "table_index", "source_row", "warnings"}
    for source in sources:
        rewritten = process_file(tmp_path / "out" / source.name, tmp_path / "out")
        original = process_file(source, source.parent)
        assert [r.model_dump(exclude=drop) for r in rewritten.tasks] == \
            [r.model_dump(exclude=drop) for r in original.tasks]
