"""The Word package's parts, read from the zip by `parsers.docx.opc`, are the ones python-docx's package reader gives."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from parsers.docx.opc import parts_by_type, rels_name
from parsers.docx.package import RT_NUMBERING, RT_OFFICE_DOCUMENT, RT_STYLES
from tests.conftest import FIXTURES, REAL

WANTED = {RT_OFFICE_DOCUMENT, RT_STYLES, RT_NUMBERING}
DOCX_FILES = sorted(FIXTURES.rglob("*.docx")) + sorted(REAL.glob("*.docx"))
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def python_docx_parts(path: Path) -> dict[str, tuple[str, bytes]]:
    from docx.opc.pkgreader import PackageReader

    parts = {reltype: (content_type, blob)
             for _, content_type, reltype, blob in PackageReader.from_file(str(path)).iter_sparts()}
    return {k: v for k, v in parts.items() if k in WANTED}


def readable(path: Path) -> bool:
    """Say whether the file gets past `check_package` (what `open_package` is ever given)."""
    from parsers.docx.package import check_package
    from parsers.errors import ParseError

    try:
        check_package(path)
    except ParseError:
        return False
    return True


@pytest.mark.parametrize("path", [p for p in DOCX_FILES if readable(p)], ids=lambda p: p.name)
def test_the_parts_are_python_docxs(path):
    try:
        want = python_docx_parts(path)
    except (KeyError, zipfile.BadZipFile, ValueError) as exc:
        with pytest.raises(type(exc)):
            parts_by_type(path, PARSER, WANTED)
        return
    assert parts_by_type(path, PARSER, WANTED) == want


@pytest.mark.parametrize("partname, rels", [
    ("/", "/_rels/.rels"), ("/word/document.xml", "/word/_rels/document.xml.rels"),
])
def test_a_parts_relationships_sit_beside_it(partname, rels):
    assert rels_name(partname) == rels


def test_a_part_named_but_missing_is_an_error(tmp_path):
    source = FIXTURES / "docx" / "seed-000.docx"
    target = tmp_path / "missing-styles.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            if name != "word/styles.xml":
                dst.writestr(name, src.read(name))
    with pytest.raises(KeyError):
        parts_by_type(target, PARSER, WANTED)


def test_the_parse_path_leaves_python_docx_unimported():
    import subprocess
    import sys

    code = ("import sys; from parsers.docx import parse_docx; parse_docx(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m == 'docx' or m.startswith('docx.')))")
    done = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "docx" / "seed-000.docx")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
