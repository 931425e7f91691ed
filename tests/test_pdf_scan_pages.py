"""Scanned tables carried over pages (columns lined up, a misread header mended) and pages read within the file's caps."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from parsers.pdf.content import PageContent, PageTable
from parsers.pdf.scan.pages import (
    OCR_BASE_MB,
    PAGE_MB,
    carry_over,
    page_dpi,
    pages_at_once,
    repair_header,
    same_columns,
    workers,
)
from parsers.pdf.scan.tesseract import CHILD_MEMORY_MB
from parsers.pdf.stitch import group_rows, stitch_tables
from tests.conftest import ROOT

HEADER = ["STT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Chủ trì thực hiện"]
XS = [60.0, 100.0, 300.0, 450.0, 600.0, 760.0]


def table(page, rows, xs=XS, kind="ocr", cut=None):
    boxes = [[(xs[c], 100.0 + 20 * r, xs[c + 1], 120.0 + 20 * r) for c in range(len(xs) - 1)] for r in range(len(rows))]
    return PageTable(page, (xs[0], 100.0, xs[-1], 500.0), list(xs), [list(r) for r in rows], cut=cut, kind=kind,
                     spans=[{} for _ in rows], row_boxes=boxes if kind == "ocr" else [],
                     row_warnings=[["read by OCR (mean confidence 93%)"]] * len(rows) if kind == "ocr" else [])


def pages_of(*tables):
    return [PageContent(t.page, [t], [], scanned=t.kind == "ocr") for t in tables]


def stitched(pages):
    groups = stitch_tables([t for p in pages for t in p.tables])
    return groups, [group_rows(g) for g in groups]


def test_a_scanned_table_a_few_millimetres_off_on_the_next_page_is_one_table():
    first = table(1, [HEADER, ["I", "Cải cách thể chế", "", "", ""], ["1", "Thực hiện việc", "Văn bản", "2026", "Sở Tư pháp"]])
    shifted = [x + 7.5 for x in XS]                         # the second sheet lay 2.6 mm to the right
    second = table(2, [["STT", "Nhiệm vụ", "Sản phầm", "Thời gian hoàn thảnh", "Chủ trì thực hiện"],
                       ["2", "Định kỳ công bố", "Danh mục", "Hằng năm", "Sở Tư pháp"]], xs=shifted)
    pages = pages_of(first, second)
    before, _ = stitched(pages_of(table(1, first.rows), table(2, second.rows, xs=shifted)))
    assert len(before) == 2, "without carrying over, the scans do not stitch"
    carry_over(pages)
    groups, grids = stitched(pages)
    assert len(groups) == 1
    rows = grids[0]
    assert [r.cells[0] for r in rows] == ["STT", "I", "1", "2"], "the repeated header is dropped"
    assert rows[-1].page == 2 and rows[-1].boxes[4][0] == pytest.approx(shifted[4])
    assert rows[-1].warnings == ["read by OCR (mean confidence 93%)"]


def test_a_text_page_after_scanned_pages_lines_them_all_up_with_it():
    text_xs = [x - 4.0 for x in XS]
    pages = pages_of(table(1, [HEADER, ["1", "a", "b", "c", "d"]], xs=[x + 6 for x in XS]),
                     table(2, [HEADER, ["2", "a", "b", "c", "d"]], xs=[x + 1 for x in XS]),
                     table(3, [HEADER, ["3", "a", "b", "c", "d"]], xs=text_xs, kind="ruled"))
    carry_over(pages)
    assert [p.tables[0].xs for p in pages] == [text_xs] * 3
    assert len(stitch_tables([p.tables[0] for p in pages])) == 1


def test_other_columns_are_another_table():
    pages = pages_of(table(1, [HEADER, ["1", "a", "b", "c", "d"]]),
                     table(2, [HEADER, ["2", "a", "b", "c", "d"]], xs=[60.0, 100.0, 400.0, 450.0, 600.0, 760.0]))
    carry_over(pages)
    assert pages[1].tables[0].xs != XS and len(stitch_tables([p.tables[0] for p in pages])) == 2


@pytest.mark.parametrize(("xs", "same"), [
    ([70.0, 110.0, 310.0, 460.0, 610.0, 770.0], True),      # moved
    ([60.0, 103.0, 300.0, 452.0, 600.0, 761.0], True),      # a rule found a little off
    ([60.0, 130.0, 300.0, 450.0, 600.0, 760.0], False),     # another column
    ([60.0, 300.0, 450.0, 600.0, 760.0], False),
])
def test_same_columns(xs, same):
    assert same_columns(XS, xs) is same


@pytest.mark.parametrize(("cells", "expected"), [
    (["SITT", "Nhiệm vụ", "Sản phẩm", "Thời zian hoàn thành"], ["STT", "Nhiệm vụ", "Sản phẩm", "THOI GIAN HOAN THANH"]),
    (["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì"], ["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì"]),
])
def test_a_misread_header_is_mended(cells, expected):
    t = table(1, [cells, ["1", "Thực hiện", "Văn bản", "2026"]], xs=XS[:5])
    repair_header(t)
    assert t.rows[0] == expected and t.rows[1] == ["1", "Thực hiện", "Văn bản", "2026"]


def test_a_task_row_is_never_mended_into_a_header():
    rows = [["1", "Sở Tư pháp", "STTT", "Hằng năm"], ["2", "Thời gian", "Sản phẩm", "x"]]
    t = table(1, rows, xs=XS[:5])
    repair_header(t)
    assert t.rows == rows


def test_resolution_and_workers():
    assert page_dpi(842, 595) == 300                         # A4
    assert 150 <= page_dpi(2384, 1684) < 300                 # A1: read coarser, memory stays modest
    assert 1 <= workers() <= 4


@pytest.mark.parametrize(("headroom", "expected"), [
    (None, "all"),                            # no cap: as many as the cores
    (100_000, "all"),
    (OCR_BASE_MB + 2 * (PAGE_MB + CHILD_MEMORY_MB), 2),
    (OCR_BASE_MB + 2 * (PAGE_MB + CHILD_MEMORY_MB) - 1, 1),
    (100, 1),                                 # too little for one: one all the same (the cap refuses the file)
])
def test_pages_at_once_fit_the_file_s_memory_cap(headroom, expected, monkeypatch):
    monkeypatch.setenv("CCHC_OCR_WORKERS", "4")
    assert pages_at_once(headroom) == (4 if expected == "all" else expected)


def test_the_tesseract_runs_are_taken_out_of_the_cap_while_pages_are_read():
    """In a process of its own (it sets its RLIMIT_AS, as a batch worker's wall does)."""
    code = (
        "import resource\n"
        "from parsers.pdf.scan import pages\n"
        "size = pages._vm_size()\n"
        "cap = size + 1024 * 2**20\n"
        "resource.setrlimit(resource.RLIMIT_AS, (cap, resource.RLIM_INFINITY))\n"
        "with pages.within_the_file_cap() as at_once:\n"
        "    held = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "print(at_once, (cap - held) // 2**20, resource.getrlimit(resource.RLIMIT_AS)[0] == cap)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "CCHC_OCR_WORKERS": "4"})
    at_once, taken, restored = out.stdout.split()
    assert int(at_once) == pages_at_once(1024 - 1) and int(taken) == int(at_once) * CHILD_MEMORY_MB
    assert restored == "True"


def test_the_cpu_of_the_tesseract_runs_counts_in_the_file_s_cpu():
    """cpu_spent adds what the children (Tesseract's runs) used since the file began to the worker's own."""
    from parsers.pdf.scan.pages import _children_cpu, cpu_spent

    before = _children_cpu()
    own_before, _ = cpu_spent(_children_cpu())
    burn = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True, timeout=60)        # a child that spends 0.6 s
    used, cap = cpu_spent(before)
    assert used - own_before >= 0.55                  # the child's CPU is in the file's account
    assert cap == float("inf") or cap > 0
