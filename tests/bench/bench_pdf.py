"""PDF tables: our parser vs pdfplumber's bare `page.extract_tables()` vs Camelot (lattice).

One run over the same pages: the PDF fixtures rendered from the seeds (ruled and borderless,
built by `tests/fixtures/pdf/build.py`) and, when `../shared/real` is there, the Lâm Đồng
2026–2030 plan rendered by LibreOffice. Each method's rows (all its tables, page after
page) are compared with the expected rows: the cells written into the Word table
(`<fixture>.rows.json`), or the real plan's DOCX table read with python-docx.

Figures: pages/s over the whole file, cell accuracy (expected cells found equal, text
compared with whitespace collapsed and a merged cell taken as empty) and rows right (expected
rows found with every cell equal, in order). Camelot is measured only when it imports
(`pip install camelot-py`; not a dependency of the project).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "pdf"
REAL = HERE.parent.parent.parent / "shared" / "real"
FILES = ["000", "001", "003", "004", "000-borderless", "004-borderless"]
LAMDONG = "lamdong-kh-cchc-2026-2030"
WINDOW = 6                   # rows ahead searched when aligning a method's rows with the expected ones


def expected_rows(name: str) -> tuple[Path, list[list[str | None]]] | None:
    """Given a benchmark file name, return its PDF and the rows a reader should find, or None."""
    if name == LAMDONG:
        pdf, docx = REAL / f"{LAMDONG}.rendered.pdf", REAL / f"{LAMDONG}.docx"
        return (pdf, docx_table_rows(docx)) if pdf.exists() and docx.exists() else None
    data = json.loads((FIXTURES / f"{name}.rows.json").read_text(encoding="utf-8"))
    return FIXTURES / f"{name}.pdf", [data["header"]] + data["rows"]


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


def ours(path: Path) -> list[list[str | None]]:
    from parsers.pdf import parse_pdf

    parsed = parse_pdf(path, ocr=False)
    return [row.cells for grid in parsed.grids for row in grid.rows]


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
    """Return (seconds for one run, rows) for a method on a file: the best of `repeat` runs."""
    best, rows = None, []
    for _ in range(repeat):
        start = time.perf_counter()
        rows = method(path)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best, rows


def main() -> None:
    import pdfplumber

    methods = [("ours", ours), ("pdfplumber extract_tables", bare_pdfplumber)]
    try:
        import camelot  # noqa: F401

        methods.append(("camelot lattice", camelot_lattice))
    except ImportError as exc:
        print(f"camelot: not measured ({exc.name or exc} is not installed here; `pip install camelot-py`)")
    totals = {name: [0.0, 0, 0, 0, 0, 0] for name, _ in methods}    # seconds, pages, cells, of, rows, of
    print(f"{'file':<28}{'pages':>6}  " + "  ".join(f"{name:>34}" for name, _ in methods))
    for name in FILES + [LAMDONG]:
        found = expected_rows(name)
        if found is None:
            print(f"{name:<28} (not found: skipped)")
            continue
        path, want = found
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        cells = []
        for label, method in methods:
            took, got = measure(method, path, repeat=2 if label != "camelot lattice" else 1)
            eq, n_cells, right, n_rows = score(got, want)
            t = totals[label]
            for i, v in enumerate((took, pages, eq, n_cells, right, n_rows)):
                t[i] += v
            cells.append(f"{pages / took:6.1f} p/s {100 * eq / n_cells:5.1f}% cells {right:3d}/{n_rows:<3d} rows")
        print(f"{name:<28}{pages:>6}  " + "  ".join(f"{c:>34}" for c in cells))
    print("totals:")
    base = totals["pdfplumber extract_tables"][0]
    for label, (took, pages, eq, n_cells, right, n_rows) in totals.items():
        print(f"  {label:<26} {pages / took:6.1f} pages/s  time ×{took / base:4.2f} of bare extract_tables  "
              f"cells {100 * eq / max(n_cells, 1):5.1f}%  rows right {right}/{n_rows} ({100 * right / max(n_rows, 1):.1f}%)")


if __name__ == "__main__":
    main()
