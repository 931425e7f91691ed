"""Read a PDF's scanned pages side by side, then make their tables stitch as a text layer's do.

read_scans: each page rendered at DPI (one at a time: PDFium is not thread-safe) and read
by `page.read_scan` in a small pool of threads (the work is OpenCV and Tesseract child
processes, both outside the GIL), at most `workers()` pages in memory at once, fewer when
the file's memory cap (a batch worker's RLIMIT_AS) has no room for them: the Tesseract runs
of the pages in flight are counted inside that cap, and their CPU inside its CPU cap →
carry_over: a table first on its page that continues the last table of the page before
(scanned or not) takes that table's column edges when its columns have the same widths
(a scan sits a few millimetres off on each page) and, when its first row reads as that
table's header with a misread letter or two, that header's exact text; so that
`parsers.pdf.stitch` joins them, drops the repeated header, joins a row cut by the page
break and carries lĩnh vực and STT on, exactly as for a text layer.
"""
from __future__ import annotations

import difflib
import os
import resource
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from parsers.headers import header_field, header_map, synonyms
from parsers.pdf.content import PageContent, PageTable
from parsers.pdf.scan.page import ScanPage, read_scan
from parsers.pdf.scan.tesseract import CHILD_MEMORY_MB, TesseractFailed
from parsers.textutil.clean import fold, one_line

DPI = 300                    # pages are read at this resolution (a coarser scan is enlarged to it)
MIN_DPI = 150
MAX_PIXELS = 12_000_000      # a larger page (A3, a poster) is read at a lower resolution: memory stays modest
MAX_WORKERS = 4
PAGE_MB = 224                # address space a page in flight takes this process at DPI (measured ~210 MB)
OCR_BASE_MB = 160            # … and reading pages side by side at all: a thread's malloc arena and stack, PDFium
SAME_WIDTH = 0.025           # share of the table's width by which a column may differ and still be the same
HEADER_LIKE = 0.8            # similarity of a row's text to the header above which it is that header
CELL_LIKE = 0.75             # similarity of a header cell to a known column name above which it is that name


def workers() -> int:
    """Return how many pages are read at once: the cores this process may use, at most MAX_WORKERS."""
    if os.environ.get("CCHC_OCR_WORKERS", "").isdigit():
        return max(1, int(os.environ["CCHC_OCR_WORKERS"]))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:                      # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def pages_at_once(headroom_mb: float | None) -> int:
    """Given the address space (MiB) the file may still take (None: no cap), return how many pages to read at once.

    A page in flight costs this process PAGE_MB and its Tesseract run CHILD_MEMORY_MB, both
    out of the same cap; at least one page is always read (a cap too small for it refuses the file).
    """
    if headroom_mb is None:
        return workers()
    fit = int((headroom_mb - OCR_BASE_MB) // (PAGE_MB + CHILD_MEMORY_MB))
    return max(1, min(workers(), fit))


@contextmanager
def within_the_file_cap() -> Iterator[int]:
    """Hold this process to its memory cap less what the Tesseract runs may take; yield how many pages to read at once.

    A batch worker reads a file under a soft RLIMIT_AS (`pipeline.batch.wall`); the runs are
    child processes, which the limit does not see, so their CHILD_MEMORY_MB each is taken out
    of it while the pages are read, and put back after.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    size = _vm_size()
    if soft == resource.RLIM_INFINITY or size is None:
        yield workers()
        return
    at_once = pages_at_once((soft - size) / 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (max(size, soft - at_once * CHILD_MEMORY_MB * 2**20), hard))
    try:
        yield at_once
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _vm_size() -> int | None:
    """Return this process's address space in bytes (None where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:")), None)
    except (OSError, ValueError, IndexError):
        return None


def cpu_spent(children_before: float) -> tuple[float, float]:
    """Given the CPU seconds this process's children had used, return (CPU used counting the children since, cap)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    used = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime - children_before
    soft = resource.getrlimit(resource.RLIMIT_CPU)[0]
    return used, float("inf") if soft == resource.RLIM_INFINITY else float(soft)


def _children_cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def page_dpi(width: float, height: float) -> int:
    """Given a page's size in points, return the resolution it is read at."""
    pixels = (width / 72 * DPI) * (height / 72 * DPI)
    if pixels <= MAX_PIXELS:
        return DPI
    return max(MIN_DPI, int(DPI * (MAX_PIXELS / pixels) ** 0.5))


def render(pdf, number: int) -> tuple[np.ndarray, int]:
    """Given a PDFium document and a 1-based page number, return the page's RGB pixels and their resolution."""
    page = pdf[number - 1]
    dpi = page_dpi(*page.get_size())
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
    pixels = bitmap.to_numpy()[..., :3].copy()
    page.close()
    return pixels, dpi


def read_scans(path: Path, numbers: list[int]) -> dict[int, ScanPage]:
    """Given a PDF and the numbers of its scanned pages, return each page as OCR reads it."""
    import pypdfium2 as pdfium

    found: dict[int, ScanPage] = {}
    children = _children_cpu()
    pdf = pdfium.PdfDocument(str(path))
    try:
        with within_the_file_cap() as at_once:
            if at_once == 1:                 # one at a time: in this thread (a pool thread costs its arena)
                for number in numbers:
                    pixels, dpi = render(pdf, number)
                    future = _done(read_scan, pixels, number, dpi)
                    del pixels
                    _collect({future: number}, found, [future], children)
            else:
                read_side_by_side(pdf, numbers, at_once, found, children)
    finally:
        pdf.close()
    return found


def read_side_by_side(pdf, numbers: list[int], at_once: int, found: dict[int, ScanPage], children: float) -> None:
    """Read the pages in a pool of `at_once` threads, rendering each only when a thread is free for it."""
    with ThreadPoolExecutor(at_once, thread_name_prefix="cchc-ocr") as pool:
        pending: dict[Future, int] = {}
        try:
            for number in numbers:
                while len(pending) >= at_once:
                    _collect(pending, found, wait(pending, return_when=FIRST_COMPLETED).done, children)
                pixels, dpi = render(pdf, number)
                pending[pool.submit(read_scan, pixels, number, dpi)] = number
                del pixels
            _collect(pending, found, wait(pending).done, children)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _done(fn, *args) -> Future:
    """Return a finished future of fn(*args): a page read in this thread is collected as a pool's are."""
    future: Future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


def _collect(pending: dict[Future, int], found: dict[int, ScanPage], done, children: float) -> None:
    """Move the finished pages from pending into found; raise what a page raised, naming it, or when CPU ran out."""
    for future in done:
        number = pending.pop(future)
        try:
            found[number] = future.result()
        except TesseractFailed as exc:
            raise TesseractFailed(f"page {number}: {exc}") from None
        except Exception as exc:            # OpenCV's "Insufficient memory" is the file's cap, as numpy's is
            if "memory" in str(exc).lower() and type(exc).__name__ == "error":
                raise MemoryError(f"page {number}: {exc}") from None
            raise
    used, cap = cpu_spent(children)
    if used >= cap:
        raise TesseractFailed(f"the file's CPU time ran out, Tesseract's runs counted ({used:.0f} s)")


# --- carrying a table over pages -----------------------------------------------------------------


def carry_over(pages: list[PageContent]) -> None:
    """Given all pages in order, make each scanned table that continues the page before (or the next) line up with it."""
    for table in (t for p in pages for t in p.tables if t.kind == "ocr"):
        repair_header(table)
    header: list[str | None] | None = None
    chain: list[PageTable] = []              # scanned tables lined up one after another, to move together
    for before_page, page in zip(pages, pages[1:], strict=False):
        if not (before_page.tables and page.tables):
            chain = []
            continue
        before, after = before_page.tables[-1], page.tables[0]
        header = _header_of(before) or header
        if "ocr" not in (before.kind, after.kind) or not _adjoin(before, after) or not same_columns(before.xs, after.xs):
            chain = []
            continue
        if after.kind == "ocr":
            after.xs = list(before.xs)
            chain = (chain or ([before] if before.kind == "ocr" else [])) + [after]
            if header and after.rows and _like(after.rows[0], header):
                after.rows[0] = list(header)
        else:                                # a text page carries on scanned ones: they take its edges
            for table in chain or [before]:
                table.xs = list(after.xs)
            chain = []


def _adjoin(before: PageTable, after: PageTable) -> bool:
    return after.page == before.page + 1 and before.at_bottom and after.at_top


def same_columns(xs: list[float], other: list[float]) -> bool:
    """Given two tables' column edges, say whether their columns have the same widths (wherever they sit)."""
    if len(xs) != len(other) or len(xs) < 2:
        return False
    tolerance = SAME_WIDTH * (xs[-1] - xs[0])
    widths = np.diff(xs) - np.diff(other)
    return bool(np.all(np.abs(widths) <= tolerance))


def _header_of(table: PageTable) -> list[str | None] | None:
    return next((list(r) for r in table.rows[:6] if header_map(r)), None)


def _like(row: list[str | None], header: list[str | None]) -> bool:
    """Say whether a row reads as the header, but for a few misread letters."""
    if len(row) != len(header):
        return False
    a, b = _text(row), _text(header)
    return bool(b) and difflib.SequenceMatcher(None, a, b).ratio() >= HEADER_LIKE


def _text(row: list[str | None]) -> str:
    return " | ".join(fold(one_line(c or "")) for c in row)


def repair_header(table: PageTable) -> None:
    """Given an OCR table, mend a header row whose column names have a misread letter ("SITT", "Thời zian").

    Only a row that already reads as a header but for those cells, or becomes one when
    they are mended, is touched; a mended cell takes the known name's folded spelling.
    """
    for i, row in enumerate(table.rows[:3]):
        mended = [_known_name(c) if c and not header_field(c) else c for c in row]
        if mended != row and header_map(mended) and len(header_map(mended)) > len(header_map(row) or {}):
            table.rows[i] = mended
            return
        if header_map(row):
            return


def _known_name(cell: str) -> str:
    """Given a header cell no column name fits, return the known name it nearly spells, else the cell."""
    key = fold(one_line(cell))
    best = max(synonyms(), key=lambda s: difflib.SequenceMatcher(None, key, s[0]).ratio())
    return best[0].upper() if difflib.SequenceMatcher(None, key, best[0]).ratio() >= CELL_LIKE else cell
