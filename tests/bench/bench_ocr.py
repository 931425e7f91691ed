"""Scanned plans: the Lâm Đồng 2026–2030 plan's phụ lục read by OCR from every scan rendition.

Each rendition of `tests/fixtures/scans/build.py` (150, 200, 300 dpi; skew up to ±2°, blur,
JPEG, grey paper, seals and signatures over cells, a page sideways or upside down) is
built into the cache (outside the repository) and read through the whole path in a
process of its own; its phụ lục rows are compared with the text path's rows of the same
pages (`tests/fixtures/scans/compare.py`). Then the whole 30-page plan scanned, and a file
mixing text and scanned pages. Figures: rows found, rows with the right area and STT, mean
similarity of nội dung / chủ trì / thời gian, share of rows whose deadlines and leads are
equal once normalized, seconds per page (wall, and CPU of this process and its Tesseract
children), peak memory, and the CPU ratio to the text path over the same pages, measured in
the same run. Needs Tesseract with Vietnamese data and ../shared/real.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import time

from tests.fixtures.scans import build
from tests.fixtures.scans.compare import compare

WHOLE = tuple(range(1, 31))
MIXED_SCANNED = (1, 2, 13, 14)       # the signed first pages and two phụ lục pages scanned, the rest text
SIMILAR, AGREE = 0.95, 0.90          # the acceptance bars of issue 17


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(path: str) -> dict:
    """Given a PDF, return its phụ lục rows, document metadata, wall and CPU seconds and peak memory.

    Runs in a process of its own, so that CPU and memory are this file's alone (peak memory is
    this process's; Tesseract's children, ~100 MB each, are not in it).
    """
    from pathlib import Path

    from pipeline.batch.process import process_file

    start, cpu = time.perf_counter(), _cpu()
    result = process_file(Path(path), Path(path).parent)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    doc = result.document
    return {"rows": [t for t in result.tasks if t.source_part == "appendix"], "wall": wall, "cpu": cpu,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "metadata": (doc.issuer, doc.plan_period, doc.plan_number, doc.province)}


def in_a_process(path) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(measure, (str(path),))


def line(label: str, pages: int, got: dict, want: dict) -> tuple[str, bool]:
    """Return one rendition's report line and whether it meets the acceptance bars."""
    f = compare(got["rows"], want["rows"])
    sim = f.similarity
    ok = (f.found == f.paired == f.expected == f.area_stt_right and min(sim.values()) >= SIMILAR
          and f.deadline_lead_equal >= AGREE)
    ratio = (got["cpu"] / pages) / max(want["cpu"] / pages, 1e-6)
    text = (f"{label:<24}{pages:>3} p  rows {f.found:>2}/{f.expected}  area+STT {f.area_stt_right:>2}/{f.expected}  "
            f"nội dung {sim['content']:.3f}  chủ trì {sim['lead_raw']:.3f}  thời gian {sim['timeline_raw']:.3f}  "
            f"deadline+lead {100 * f.deadline_lead_equal:5.1f}%  {got['wall'] / pages:4.2f} s/p wall  "
            f"{got['cpu'] / pages:4.2f} s/p CPU (×{ratio:.0f} text)  peak {got['rss_mb']:.0f} MB  "
            f"load {os.getloadavg()[0]:.1f}  {'ok' if ok else 'BELOW THE BAR'}")
    return text + "".join(f"\n      {w}" for w in f.wrong[:8]), ok


def main() -> None:
    from parsers.pdf.ocr import ocr_available
    from parsers.pdf.scan.pages import workers

    if not build.PLAN.exists():
        print(f"skipped: the real plan is not at {build.PLAN}")
        return
    if not ocr_available():
        print("skipped: Tesseract with Vietnamese data (or OpenCV) is not installed (make setup-ocr)")
        return
    print(f"renditions cached in {build.cache_dir()}; {workers()} pages read at once")
    pages = len(build.PHU_LUC)
    truth = in_a_process(build.text_pages())
    print(f"{'text path (truth)':<24}{pages:>3} p  rows {len(truth['rows'])}  {truth['wall'] / pages:.2f} s/p wall  "
          f"{truth['cpu'] / pages:.2f} s/p CPU")
    results, walls = [], []
    for name, wear in build.RENDITIONS.items():
        got = in_a_process(build.rendition(name))
        text, ok = line(f"{name} ({wear.dpi} dpi)", pages, got, truth)
        print(text, flush=True)
        results.append(ok)
        walls.append(got["wall"] / pages)
    whole_truth = in_a_process(build.text_pages(WHOLE))
    got = in_a_process(build.rendition("worn-200", WHOLE))
    text, ok = line("whole plan worn-200", len(WHOLE), got, whole_truth)
    print(f"{text}\n      metadata {got['metadata']} (text path {whole_truth['metadata']})")
    mixed = in_a_process(build.mixed("worn-200", scanned=MIXED_SCANNED, pages=WHOLE))
    text, ok_mixed = line(f"mixed: pages {', '.join(map(str, MIXED_SCANNED))} scanned", len(WHOLE), mixed, whole_truth)
    print(f"{text}\n      metadata {mixed['metadata']}")
    ok = ok and got["metadata"] == whole_truth["metadata"]
    ok_mixed = ok_mixed and mixed["metadata"] == whole_truth["metadata"]
    print(f"wall seconds depend on the machine's load (2 cores shared): CPU seconds per page ÷ {workers()} pages at "
          f"once is what an idle machine gives")
    print(f"acceptance (every rendition: all rows with area and STT, similarity ≥ {SIMILAR}, deadline+lead ≥ "
          f"{100 * AGREE:.0f}%): {sum(results)}/{len(results)} renditions; whole plan {'ok' if ok else 'NO'}; "
          f"mixed {'ok' if ok_mixed else 'NO'}; slowest {max(walls):.2f} s/page wall (bar 5 s)")


if __name__ == "__main__":
    main()
