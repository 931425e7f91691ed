"""Files are read as what their bytes say (parsers/registry.py), with a warning when the name says otherwise."""
from __future__ import annotations

import shutil
import zipfile

import pytest

from parsers import doc as doc_parser
from parsers import registry
from parsers.errors import Corrupt
from pipeline.batch.process import process_file
from tests.conftest import FIXTURES, seed_path

DOCX = FIXTURES / "docx"
PDF = FIXTURES / "pdf"
needs_soffice = pytest.mark.skipif(doc_parser.find_soffice() is None,
                                   reason="LibreOffice (soffice) not installed: make setup-full")
PROVENANCE = {"doc_id", "page", "table_index", "source_row", "warnings"}


def same_rows(a, b) -> bool:
    return [r.model_dump(exclude=PROVENANCE) for r in a.tasks] == [r.model_dump(exclude=PROVENANCE) for r in b.tasks]


@pytest.mark.parametrize("source, name, kind, says", [
    (DOCX / "seed-000.docx", "plan.doc", "docx", "named .doc but its bytes are a Word .docx package: read as DOCX"),
    (PDF / "000.pdf", "plan.txt", "pdf", "named .txt but its bytes are a PDF: read as PDF"),
    (PDF / "000.pdf", "plan.docx", "pdf", "named .docx but its bytes are a PDF: read as PDF"),
    (None, "plan.pdf", "txt", "named .pdf but its bytes are plain text: read as TXT"),
])
def test_a_file_is_read_as_what_its_bytes_say(tmp_path, source, name, kind, says):
    source = source or seed_path("000")
    target = tmp_path / name
    shutil.copy(source, target)
    assert registry.sniff_file(target) == registry.Sniffed(kind, says)
    got, expected = process_file(target, tmp_path), process_file(source, source.parent)
    assert got.document.warnings[0] == says and got.tasks and same_rows(got, expected)


@pytest.mark.parametrize("name, kind", [("plan.docx", "docx"), ("plan.pdf", "pdf"), ("plan.txt", "txt")])
def test_a_file_that_is_what_its_name_says_gets_no_warning(tmp_path, name, kind):
    source = {"docx": DOCX / "seed-000.docx", "pdf": PDF / "000.pdf", "txt": seed_path("000")}[kind]
    shutil.copy(source, tmp_path / name)
    assert registry.sniff_file(tmp_path / name) == registry.Sniffed(kind, None)


def test_bytes_of_no_known_kind_still_fail_naming_the_file(tmp_path):
    other_zip = tmp_path / "plan.doc"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("content.xml", "<x/>")
    with pytest.raises(Corrupt, match="not a DOC file"):
        registry.sniff_file(other_zip)
    junk = tmp_path / "plan.pdf"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(Corrupt, match="not a PDF file"):
        registry.sniff_file(junk)


@pytest.mark.parametrize("start, kind", [
    (b"{\\rtf1\\ansi ", "rtf"), (b"<!DOCTYPE html><html><body>", "html"), (b"<html xmlns:w='urn'>", "html"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n<html>", "html"),
    ("Kế hoạch cải cách hành chính".encode(), "txt"), (b"\xff\xfeK\x00", "txt"), (b"%PDF-1.7", "pdf"),
    (b"\x00\x01\x02binary", None),
])
def test_content_kind(tmp_path, start, kind):
    assert registry.content_kind(tmp_path / "x", start) == kind


RTF = ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 "
       "K\\u7870?HO\\u7840?CH\\par II. NHI\\u7878?M V\\u7908?, GI\\u7842?I PH\\u193?P\\par "
       "Giao S\\u7903? N\\u7897?i v\\u7909?:\\par a) R\\u224? so\\u225?t v\\u259?n b\\u7843?n quy ph\\u7841?m.\\par}")
HTML = ("<html><head><meta charset='utf-8'></head><body><p>KẾ HOẠCH</p><table border='1'>"
        "<tr><td>STT</td><td>Nội dung</td><td>Chủ trì</td><td>Thời gian</td></tr>"
        "<tr><td>1</td><td>Rà soát văn bản</td><td>Sở Tư pháp</td><td>Quý II/2026</td></tr></table></body></html>")


@needs_soffice
@pytest.mark.parametrize("content, label", [(RTF, "RTF"), (HTML, "a web page (HTML)")])
def test_rtf_and_html_saved_as_doc_go_through_libreoffice(tmp_path, content, label):
    path = tmp_path / "plan.doc"
    path.write_text(content, encoding="utf-8")
    result = process_file(path, tmp_path)
    assert result.document.warnings[:2] == [f"named .doc but its bytes are {label}: converted with LibreOffice",
                                            "converted from .doc with LibreOffice"]
    (row,) = result.tasks
    assert row.leads == (["Sở Nội vụ"] if label == "RTF" else ["Sở Tư pháp"])
