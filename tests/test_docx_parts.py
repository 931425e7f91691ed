"""The Word package's parts, read from the zip through their relationships and bounded
(`parsers.docx.package`), are the ones python-docx's package reader gives; python-docx stays off the parse path."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from parsers.docx.package import RT_NUMBERING, RT_OFFICE_DOCUMENT, RT_STYLES, open_package
from tests.conftest import FIXTURES, REAL

PARTS = {"document": RT_OFFICE_DOCUMENT, "styles": RT_STYLES, "numbering": RT_NUMBERING}
DOCX_FILES = sorted(FIXTURES.rglob("*.docx")) + sorted(REAL.glob("*.docx"))


def python_docx_parts(path: Path) -> dict[str, bytes | None]:
    from docx.opc.pkgreader import PackageReader

    blobs = {reltype: blob for _, _, reltype, blob in PackageReader.from_file(str(path)).iter_sparts()}
    return {name: blobs.get(reltype) for name, reltype in PARTS.items()}


def readable(path: Path) -> bool:
    """Say whether the file gets past `check_package` (what `open_package` is ever given)."""
    from parsers.docx.package import check_package
    from parsers.errors import ParseError

    try:
        check_package(path)
    except ParseError:
        return False
    return True


def _canonical(xml) -> bytes | None:
    return None if xml is None else etree.tostring(xml, method="c14n")


@pytest.mark.parametrize("path", [p for p in DOCX_FILES if readable(p)], ids=lambda p: p.name)
def test_the_parts_are_python_docxs(path):
    try:
        want = python_docx_parts(path)
    except Exception:  # noqa: BLE001 - a package python-docx cannot read: nothing to compare with
        pytest.skip("python-docx cannot read this package")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    got = open_package(path)
    for name in PARTS:
        blob = want[name]
        assert _canonical(getattr(got, name)) == _canonical(etree.fromstring(blob, parser) if blob else None), name


def test_the_parse_path_leaves_python_docx_unimported():
    import subprocess
    import sys

    code = ("import sys; from parsers.docx import parse_docx; parse_docx(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m == 'docx' or m.startswith('docx.')))")
    done = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "docx" / "seed-000.docx")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
