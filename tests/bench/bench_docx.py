"""Benchmark: a generated 1,000-row framework DOCX through `parse_docx`, against a naive
python-docx `table.cell(r, c)` walk over the same file.

Targets: our parse ≤ 0.5 s (median of 7 runs) and ≤ 1/5 of the naive walk's time. The naive
walk rebuilds the table's cell list on every call (quadratic: about half an hour for 9,000
cells), so it runs for NAIVE_BUDGET seconds and its full time is extrapolated from the cells
read; python-docx's own row.cells walk is printed too, for scale.
The document is built in a temporary folder with the fixture builder's Word structures
(area headings spanning the row, TT / mục tiêu / nhiệm vụ merged down with vMerge).
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

ROWS = 1000
RUNS = 7
TARGET_SECONDS = 0.5
TARGET_RATIO = 5
NAIVE_BUDGET = 30.0      # seconds: the naive walk is quadratic (~30 min here), so it is timed in part
HEADER = ["TT", "Mục tiêu/Chỉ tiêu", "Nhiệm vụ", "Hoạt động", "Kết quả, sản phẩm", "Chủ trì", "Phối hợp",
          "Thời gian hoàn thành", "Kinh phí"]
AREAS = ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
         "CẢI CÁCH TỔ CHỨC BỘ MÁY", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "CẢI CÁCH TÀI CHÍNH CÔNG",
         "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]


def framework_rows(n: int) -> list[list[str | None]]:
    """Given a row count, return a framework grid: header, 7 area headings, n task rows.

    Each mục tiêu covers 4 rows and each nhiệm vụ 2 (merged cells are None), as in 003.
    """
    rows: list[list[str | None]] = [list(HEADER)]
    per_area = -(-n // len(AREAS))
    task = activity = 0
    for a, title in enumerate(AREAS):
        rows.append([ROMAN[a], title] + [""] * (len(HEADER) - 2))
        for i in range(min(per_area, n - activity)):
            activity += 1
            first_of_objective, first_of_task = i % 4 == 0, i % 2 == 0
            task += first_of_task
            rows.append([
                str(i // 4 + 1) if first_of_objective else None,
                f"1.{activity}. Phấn đấu 100% hồ sơ được giải quyết đúng hạn" if first_of_objective else None,
                f"2.{task}. Rà soát, đơn giản hóa thủ tục hành chính nội bộ" if first_of_task else None,
                f"3.{activity}. Xây dựng kế hoạch, tổ chức triển khai, kiểm tra việc thực hiện",
                "Kế hoạch; báo cáo kết quả", "Sở Nội vụ", "Các sở, ban, ngành; UBND cấp xã",
                f"Quý {i % 4 + 1}/2026", "Theo dự toán được cấp",
            ])
    return rows


def write_framework(target: Path, n: int = ROWS) -> Path:
    """Write an n-row framework DOCX at target and return its path."""
    from tests.fixtures.build_docx_fixtures import add_grid, append_xml, new_document, paragraph_xml, save

    document = new_document()
    for line in ("PHỤ LỤC", "KHUNG NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"):
        append_xml(document, paragraph_xml(line))
    add_grid(document, framework_rows(n), len(HEADER))
    save(document, target)
    return target


def timed(fn, runs: int) -> tuple[float, object]:
    """Return the median wall time of `runs` calls of fn, and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_walk(path: Path, budget: float = NAIVE_BUDGET) -> tuple[float, int, int]:
    """Read every cell through python-docx's table.cell(r, c), the obvious way, for at most `budget` s.

    Return (seconds spent, cells read, cells in the table). Each table.cell() call rebuilds the
    table's whole cell list, so every call costs the same: the time for all cells is the time
    per cell read times the number of cells.
    """
    import docx

    start = time.perf_counter()
    table = docx.Document(str(path)).tables[0]
    n_rows, n_cols = len(table.rows), len(table.columns)
    read = 0
    for r in range(n_rows):
        for c in range(n_cols):
            read += len(table.cell(r, c).text) >= 0
        if time.perf_counter() - start > budget:
            break
    return time.perf_counter() - start, read, n_rows * n_cols


def row_walk(path: Path) -> int:
    """Read every cell through python-docx's rows and row.cells (its better, still generic, API)."""
    import docx

    table = docx.Document(str(path)).tables[0]
    return sum(len(cell.text) for row in table.rows for cell in row.cells)


def main() -> None:
    from parsers.docx import parse_docx
    from pipeline.rows.document import file_tasks

    with tempfile.TemporaryDirectory() as tmp:
        path = write_framework(Path(tmp) / "framework-1000.docx")
        ours, parsed = timed(lambda: parse_docx(path), RUNS)
        rows = sum(len(g.rows) for g in parsed.grids)
        tasks = len(file_tasks(parsed))
        rowwise, _ = timed(lambda: row_walk(path), 3)
        spent, read, cells = naive_walk(path)
        size = path.stat().st_size / 1024
    naive = spent / read * cells
    measured = "all cells" if read == cells else f"{read} of {cells} cells in {spent:.1f} s, extrapolated"
    ratio = naive / ours
    print(f"   framework DOCX: {ROWS} task rows ({rows} grid rows, {tasks} task rows out), {size:.0f} KiB")
    print(f"   parse_docx, median of {RUNS}: {ours:.3f} s  (target ≤ {TARGET_SECONDS} s: "
          f"{'ok' if ours <= TARGET_SECONDS else 'MISSED'})")
    print(f"   naive python-docx table.cell(r, c) walk: {naive:.0f} s ({measured})")
    print(f"   ours is {ratio:.0f}x faster (target ≥ {TARGET_RATIO}x: {'ok' if ratio >= TARGET_RATIO else 'MISSED'})")
    print(f"   for scale, python-docx rows/row.cells walk, median of 3: {rowwise:.3f} s")


if __name__ == "__main__":
    main()
