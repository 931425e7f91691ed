"""PDF tables: our parser on each reader (PDFium, pdfplumber) vs pdfplumber's bare `page.extract_tables()` vs Camelot.

One run over the same pages: the PDF fixtures rendered from the seeds (ruled and borderless,
built by `tests/fixtures/pdf/build.py`) and, when `../shared/real` is there, the Lâm Đồng
2026–2030 plan rendered by LibreOffice (30 pages) and a 300-page PDF made of it here, at
bench time, by repeating its pages ten times with pypdfium2 (in a temporary folder, never
committed). Each method's rows (all its tables, page after page) are compared with the
expected rows: the cells written into the Word table (`<fixture>.rows.json`), or the real
plan's DOCX table read with python-docx (ten times over for the 300-page file).

Figures: CPU seconds (the best of a few runs; the machine is shared, so the acceptance is a
ratio measured in this same run), pages per CPU second, cell accuracy (expected cells found
equal, text compared with whitespace collapsed and a merged cell taken as empty) and rows
right (expected rows found with every cell equal, in order). Acceptance (issue 15): our
parser on PDFium at least TARGET_RATIO times faster than bare extract_tables on the 30- and
300-page files, with the same rows as on the reference reader. Camelot is measured only
when it imports (`pip install camelot-py`; not a dependency of the project).
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "pdf"
REAL = HERE.parent.parent.parent / "shared" / "real"
FILES = ["000", "001", "003", "004", "000-borderless", "004-borderless"]
LAMDONG = "lamdong-kh-cchc-2026-2030"
LONG = "lamdong × 10 (300 pages)"
REPEAT_LONG = 10             # copies of the 30-page plan in the long file
WINDOW = 6                   # rows ahead searched when aligning a method's rows with the expected ones
TARGET_RATIO = 4.0           # our parser on PDFium ≥ this many times faster than bare extract_tables


def expected_rows(name: str, scratch: Path | None = None) -> tuple[Path, list[list[str | None]]] | None:
    """Given a benchmark file name, return its PDF and the rows a reader should find, or None.

    The long file is written into `scratch` (the real plan's pages over and over).
    """
    if name in (LAMDONG, LONG):
        pdf, docx = REAL / f"{LAMDONG}.rendered.pdf", REAL / f"{LAMDONG}.docx"
        if not (pdf.exists() and docx.exists()):
            return None
        if name == LONG:
            return repeated_pdf(pdf, scratch / "long.pdf", REPEAT_LONG), docx_table_rows(docx) * REPEAT_LONG
        return pdf, docx_table_rows(docx)
    data = json.loads((FIXTURES / f"{name}.rows.json").read_text(encoding="utf-8"))
    return FIXTURES / f"{name}.pdf", [data["header"]] + data["rows"]


def repeated_pdf(source: Path, target: Path, times: int) -> Path:
    """Given a PDF, write one holding its pages `times` over at target and return it."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(source))
    out = pypdfium2.PdfDocument.new()
    for _ in range(times):
        out.import_pages(pdf)
    out.save(str(target))
    return target


def docx_table_rows(path: Path) -> list[list[str | None]]:
    """Given a Word file, return the rows of its largest table: merged-below cells None, spans ""."""
    import docx
    from docx.oxml.ns import qn

    from parsers.textutil.clean import clean

    tables = docx.Document(str(path)).tables
    table = max(tables, key=lambda t: len(t.rows))
    rows = []
    for tr in table._tbl.tr_lst:
        cells: list[str | None] = []
        for tc in tr.tc_lst:
            props = tc.tcPr
            span = props.gridSpan.val if props is not None and props.gridSpan is not None else 1
            merged = props is not None and props.vMerge is not None and props.vMerge.val != "restart"
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
            cells.append(None if merged else clean(text))
            cells += [""] * (span - 1)
        rows.append(cells)
    return rows


def ours(path: Path, reader: str = "pdfium") -> list[list[str | None]]:
    from parsers.pdf import parse_pdf

    parsed = parse_pdf(path, ocr=False, reader=reader)
    return [row.cells for grid in parsed.grids for row in grid.rows]


def ours_reference(path: Path) -> list[list[str | None]]:
    return ours(path, "pdfplumber")


def bare_pdfplumber(path: Path) -> list[list[str | None]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [row for page in pdf.pages for table in page.extract_tables() for row in table]


def camelot_lattice(path: Path) -> list[list[str | None]]:
    import camelot

    tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
    return [list(row) for table in tables for row in table.df.values.tolist()]


def _norm(cell: str | None) -> str:
    return " ".join((cell or "").split())


def score(got: list[list[str | None]], want: list[list[str | None]]) -> tuple[int, int, int, int]:
    """Return (equal cells, expected cells, rows right, expected rows), aligning rows in order."""
    got_n = [[_norm(c) for c in row] for row in got]
    equal_cells = rows_right = 0
    j = 0
    for row in want:
        target = [_norm(c) for c in row]
        best, best_at = 0, None
        for k in range(j, min(j + WINDOW, len(got_n))):
            same = sum(a == b for a, b in zip(got_n[k], target, strict=False)) if len(got_n[k]) == len(target) else 0
            if same > best:
                best, best_at = same, k
        if best_at is not None and best >= max(1, len([c for c in target if c]) // 2):
            equal_cells += best
            rows_right += best == len(target)
            j = best_at + 1
    return equal_cells, sum(len(r) for r in want), rows_right, len(want)


def measure(method, path: Path, repeat: int = 1) -> tuple[float, list]:
    """Return (CPU seconds for one run, rows) for a method on a file: the best of `repeat` runs."""
    best, rows = None, []
    for _ in range(repeat):
        start = time.process_time()
        rows = method(path)
        took = time.process_time() - start
        best = took if best is None else min(best, took)
    return best, rows


OURS, REFERENCE, BARE = "ours (PDFium reader)", "ours (pdfplumber reader)", "pdfplumber extract_tables"


def main() -> None:
    import pdfplumber

    methods = [(OURS, ours), (REFERENCE, ours_reference), (BARE, bare_pdfplumber)]
    try:
        import camelot  # noqa: F401

        methods.append(("camelot lattice", camelot_lattice))
    except ImportError as exc:
        print(f"camelot: not measured ({exc.name or exc} is not installed here; `pip install camelot-py`)")
    ours(FIXTURES / "000.pdf")                  # imports and caches warmed before anything is timed
    bare_pdfplumber(FIXTURES / "000.pdf")
    totals = {name: [0.0, 0, 0, 0, 0, 0] for name, _ in methods}    # seconds, pages, cells, of, rows, of
    seconds: dict[str, dict[str, float]] = {}
    same_rows: dict[str, bool] = {}
    print(f"{'file':<28}{'pages':>6}  " + "  ".join(f"{name:>36}" for name, _ in methods))
    with tempfile.TemporaryDirectory() as scratch:
        for name in FILES + [LAMDONG, LONG]:
            found = expected_rows(name, Path(scratch))
            if found is None:
                print(f"{name:<28} (not found: skipped)")
                continue
            path, want = found
            with pdfplumber.open(path) as pdf:
                pages = len(pdf.pages)
            cells, got_by = [], {}
            for label, method in methods:
                repeat = 1 if label == "camelot lattice" or name == LONG else 3
                took, got = measure(method, path, repeat=repeat)
                got_by[label] = got
                seconds.setdefault(name, {})[label] = took
                eq, n_cells, right, n_rows = score(got, want)
                t = totals[label]
                for i, v in enumerate((took, pages, eq, n_cells, right, n_rows)):
                    t[i] += v
                cells.append(f"{took:6.2f}s {100 * eq / n_cells:5.1f}% cells {right:3d}/{n_rows:<3d} rows")
            same_rows[name] = got_by[OURS] == got_by[REFERENCE]
            print(f"{name:<28}{pages:>6}  " + "  ".join(f"{c:>36}" for c in cells), flush=True)
    print("totals (CPU):")
    base = totals[BARE][0]
    for label, (took, pages, eq, n_cells, right, n_rows) in totals.items():
        print(f"  {label:<26} {pages / took:6.1f} pages/s  time ×{took / base:4.2f} of bare extract_tables  "
              f"cells {100 * eq / max(n_cells, 1):5.1f}%  rows right {right}/{n_rows} ({100 * right / max(n_rows, 1):.1f}%)")
    print(f"acceptance (issue 15): our parser on PDFium ≥ {TARGET_RATIO:g}× faster than bare extract_tables, "
          "same rows as on the reference reader")
    for name in (LAMDONG, LONG):
        if name not in seconds:
            print(f"  {name}: not measured (../shared/real missing)")
            continue
        s = seconds[name]
        ratio, old = s[BARE] / s[OURS], s[BARE] / s[REFERENCE]
        verdict = "PASS" if ratio >= TARGET_RATIO and same_rows[name] else "FAIL"
        print(f"  {name}: {verdict}  PDFium path {s[OURS]:.2f} s, pdfplumber path {s[REFERENCE]:.2f} s, bare "
              f"extract_tables {s[BARE]:.2f} s CPU → ×{ratio:.2f} (old path ×{old:.2f}); "
              f"same rows on both readers: {same_rows[name]}")
    differ = [name for name, same in same_rows.items() if not same]
    print(f"  same rows on both readers for every file: {not differ}" + (f" (differ: {differ})" if differ else ""))


if __name__ == "__main__":
    main()
