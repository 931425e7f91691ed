"""The seed plans as real Word files: each DOCX built from a seed gives the text parser's rows.

The DOCX fixtures (tests/fixtures/docx/, built by tests/fixtures/build_docx_fixtures.py from the
seed texts) carry real Word structures: vMerge, gridSpan section rows, split tables with repeated
or missing headers, Word numbering for headings and bullet lists. The seed tests of
tests/test_text_seeds.py run again here over them: `seed_results` is overridden below, once for
the plain DOCX files and once with the nasty variants.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from parsers.docx import parse_docx
from parsers.plaintext import parse_text
from pipeline.batch.process import process_file
from tests.conftest import FIXTURES, SEED_FILES, seed_path
from tests.test_text_seeds import (  # noqa: F401  (collected here: the same tests, over DOCX)
    test_000_fields,
    test_001_body_bullets,
    test_001_html_removed_and_area_in_one_cell,
    test_001_merged_activity_row_inherits,
    test_001_page_break_continuations_are_joined,
    test_002_bullets,
    test_003_every_activity_code,
    test_003_every_task_code_with_its_area,
    test_003_fields,
    test_003_header_block_printed_twice_gives_no_rows,
    test_003_subareas_and_no_page_noise,
    test_every_appendix_row_has_area_and_content,
    test_narrative_only_plans_have_no_appendix,
    test_row_numbers_follow_document_order,
    test_rows_per_area,
)

DOCX = FIXTURES / "docx"
PLAIN = {key: f"seed-{key}.docx" for key in SEED_FILES}
VARIANTS = {**PLAIN, "000": "seed-000-layout.docx", "001": "seed-001-split.docx"}
ALL_FIXTURES = [("000", "seed-000.docx"), ("000", "seed-000-layout.docx"), ("001", "seed-001.docx"),
                ("001", "seed-001-split.docx"), ("002", "seed-002.docx"), ("003", "seed-003.docx"),
                ("004", "seed-004.docx")]
# Where a row came from differs by format (line vs table row); what it says must not.
PROVENANCE = {"doc_id", "page", "table_index", "source_row", "warnings"}
METADATA = ("title", "issuer", "issuer_level", "province", "plan_year", "plan_period", "plan_number",
            "issued_date")


def fixture_path(name: str) -> Path:
    path = DOCX / name
    if not path.exists():
        pytest.skip(f"{name} not built: run tests/fixtures/build_docx_fixtures.py")
    return path


@pytest.fixture(scope="module", params=["plain", "variants"])
def seed_results(request):
    """The seeds' DOCX twins through the pipeline: {"000": FileResult, ...} (overrides conftest)."""
    names = PLAIN if request.param == "plain" else VARIANTS
    return {key: process_file(fixture_path(name), DOCX) for key, name in names.items()}


@pytest.fixture(scope="module")
def text_results():
    return {key: process_file(seed_path(key), seed_path(key).parent) for key in SEED_FILES}


@pytest.mark.parametrize("key, name", ALL_FIXTURES)
def test_docx_rows_equal_text_rows(text_results, key, name):
    docx_rows = process_file(fixture_path(name), DOCX).tasks
    text_rows = text_results[key].tasks
    assert len(docx_rows) == len(text_rows)
    for text_row, docx_row in zip(text_rows, docx_rows, strict=True):
        expected, got = text_row.model_dump(exclude=PROVENANCE), docx_row.model_dump(exclude=PROVENANCE)
        assert got == expected, {k: (expected[k], got[k]) for k in expected if expected[k] != got[k]}
        def joins(row):
            return sum(w.startswith("continued at row") for w in row.warnings)

        assert joins(docx_row) == joins(text_row)


@pytest.mark.parametrize("key, name", [(k, n) for k, n in ALL_FIXTURES if "layout" not in n])
def test_docx_metadata_equals_text_metadata(text_results, key, name):
    document = process_file(fixture_path(name), DOCX).document
    expected = text_results[key].document
    assert {f: getattr(document, f) for f in METADATA} == {f: getattr(expected, f) for f in METADATA}
    assert document.source_format == "docx"


@pytest.mark.parametrize("key", ["000", "001", "003", "004"])
def test_docx_grid_cells_equal_text_grid(key):
    """Cell by cell, the data rows of the Word tables read as the text parser read the seed."""
    text_rows = [r.cells for r in parse_text(seed_path(key)).grids[0].rows]
    docx_rows = [r.cells for g in parse_docx(fixture_path(PLAIN[key])).grids for r in g.rows]
    width = max(len(r) for r in text_rows)

    def data(rows):
        from parsers.headers import header_map

        return [list(r) + [""] * (width - len(r)) for r in rows if not header_map(r)]

    expected, got = data(text_rows), data(docx_rows)
    if key == "001":      # a lone further hoạt động row is vMerged in Word, blank in the text
        got = [[c if c is not None else "" for c in r] for r in got]
    assert got == expected


def _xml(name: str) -> str:
    with zipfile.ZipFile(fixture_path(name)) as z:
        return z.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("name, must_hold", [
    ("seed-003.docx", ['<w:vMerge w:val="restart"/>', "<w:vMerge/>", "<w:gridSpan "]),
    ("seed-000.docx", ["<w:gridSpan ", "<w:tblHeader/>", "<w:br/>"]),
    ("seed-000-layout.docx", ['<w:numId w:val="92"/>', "Điện thoại"]),
    ("seed-001.docx", ['<w:numId w:val="90"/>', '<w:numId w:val="91"/>', 'w:val="ListBullet"',
                       '<w:vMerge w:val="restart"/>', '<w:br w:type="page"/>']),
    ("seed-004.docx", ["Kinh phí (đồng)", "Ghi chú"]),
])
def test_fixtures_hold_the_word_structures_they_claim(name, must_hold):
    xml = _xml(name)
    for piece in must_hold:
        assert piece in xml, piece


@pytest.mark.parametrize("name, tables, headed", [
    ("seed-001.docx", 9, 9),          # split at each repeated header, the header typed again
    ("seed-001-split.docx", 9, 1),    # split with no header: rows continue across tables
    ("seed-000-layout.docx", 3, 1),   # a letterhead and an unrelated table before the task table
])
def test_split_tables_are_one_grid(name, tables, headed):
    import docx

    from parsers.headers import header_map

    word_tables = docx.Document(str(fixture_path(name))).tables
    assert len(word_tables) == tables
    assert sum(bool(header_map([c.text for c in t.rows[0].cells])) for t in word_tables) == headed
    parsed = parse_docx(fixture_path(name))
    assert len(parsed.grids) == 1
    if name == "seed-001-split.docx":
        assert sum(r.after_page_break for r in parsed.grids[0].rows) == tables - 1


@pytest.mark.parametrize("key", ["000", "003"])
def test_committed_fixtures_are_what_the_builder_makes(tmp_path, key):
    from tests.fixtures.build_docx_fixtures import build_seed

    seed_path(key)
    build_seed(key, tmp_path / "rebuilt.docx")
    assert (tmp_path / "rebuilt.docx").read_bytes() == fixture_path(PLAIN[key]).read_bytes()
