"""cchc export and cchc report: the workbook, the CSV files and the HTML page say what the marts say."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.reports.data import framework_label, framework_report, frameworks
from pipeline.reports.html import render, script_json
from pipeline.reports.outputs import NoFramework, export, report
from pipeline.reports.tables import COVERAGE, STATUS_LABELS, SUMMARY
from pipeline.reports.workbook import sheet_name
from tests.conftest import ROOT

CCHC = Path(sys.executable).with_name("cchc")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def db(sample_ingest) -> Path:
    return sample_ingest[0] / "cchc.duckdb"


def mart_counts(db: Path) -> dict[str, dict[str, int]]:
    """Per department, the coverage mart's nhiệm vụ by status, counted in SQL."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute("SELECT department, status, count(*) FROM coverage GROUP BY ALL").fetchall()
        extra = con.execute("SELECT department, count(*) FROM extra_tasks GROUP BY ALL").fetchall()
        late = con.execute("SELECT department, count(*) FROM deadline_conflicts GROUP BY ALL").fetchall()
    finally:
        con.close()
    counts: dict[str, dict[str, int]] = {}
    for department, status, n in found:
        counts.setdefault(department, {"covered": 0, "weak": 0, "missing": 0, "extra": 0, "late": 0})[status] = n
    for key, rows in (("extra", extra), ("late", late)):
        for department, n in rows:
            counts[department][key] = n
    return counts


def test_the_sample_has_one_framework_with_two_departments(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = frameworks(con)
        assert [f["plan_number"] for f in found] == ["3369/QĐ-UBND"]
        data = framework_report(con, found[0])
    finally:
        con.close()
    assert [d["name"] for d in data["departments"]] == ["Sở Ngoại vụ", "Văn phòng UBND tỉnh"]
    counts = mart_counts(db)
    for dept in data["departments"]:
        assert {k: dept[k] for k in counts[dept["name"]]} == counts[dept["name"]]
        assert dept["assigned"] == sum(dept["by_area"][a][s] for a in dept["by_area"] for s in STATUS_LABELS
                                       if s != "reviewed")
    assert framework_label(found[0]) == "3369-QĐ-UBND"


def test_workbook_has_a_summary_and_a_sheet_per_department(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    [path] = export(db, tmp_path)
    assert path.name == "3369-QĐ-UBND.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Sở Ngoại vụ", "Văn phòng UBND tỉnh"]
    summary = book["Tổng hợp"]
    header = [c.value for c in summary[3]]
    assert header == [c.header for c in SUMMARY.columns]
    assert summary.freeze_panes == "A4"
    counts = mart_counts(db)
    got = {row[0]: row for row in summary.iter_rows(min_row=4, values_only=True) if row[0]}
    for name, want in counts.items():
        assert (got[name][2], got[name][3], got[name][4], got[name][5], got[name][6]) == \
            (want["covered"], want["weak"], want["missing"], want["extra"], want["late"])
    sheet = book["Văn phòng UBND tỉnh"]
    assert len(sheet.tables) == 4                                  # coverage, missing, extra, late: each filterable
    coverage = sheet.tables[next(n for n in sheet.tables if n.startswith("t_coverage"))]
    first, last = coverage.ref.split(":")
    rows = list(sheet[coverage.ref])
    assert [c.value for c in rows[0]] == [c.header for c in COVERAGE.columns]
    statuses = [r[5].value for r in rows[1:]]
    assert statuses.count("Thiếu") == counts["Văn phòng UBND tỉnh"]["missing"]
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["C"].width > 50                 # the nhiệm vụ text has room to read


def test_csv_files_carry_a_byte_order_mark_for_excel(db, tmp_path):
    written = export(db, tmp_path, as_csv=True)
    assert {p.name for p in written} == {f"3369-QĐ-UBND-{t}.csv" for t in ("summary", "coverage", "missing", "extra",
                                                                            "late")}
    data = (tmp_path / "3369-QĐ-UBND-missing.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Đơn vị,Mã nhiệm vụ,Lĩnh vực,Nhiệm vụ (khung)")
    assert len(lines) - 1 == sum(c["missing"] for c in mart_counts(db).values())


def test_an_unknown_framework_is_refused(db, tmp_path):
    with pytest.raises(NoFramework, match="nope"):
        export(db, tmp_path, "nope")
    assert len(export(db, tmp_path, "3369/QĐ-UBND")) == 1


@pytest.mark.parametrize("name, taken, expected", [
    ("Sở Ngoại vụ", set(), "Sở Ngoại vụ"),
    ("Sở Khoa học và Công nghệ tỉnh Hà Tĩnh (bản sửa)", set(), "Sở Khoa học và Công nghệ tỉnh H"),
    ("Sở KH/CN [dự thảo]?", set(), "Sở KH-CN -dự thảo--"),
    ("Sở Ngoại vụ", {"sở ngoại vụ"}, "Sở Ngoại vụ (2)"),
])
def test_sheet_names_are_valid_and_unique(name, taken, expected):
    got = sheet_name(name, set(taken))
    assert got == expected and len(got) <= 31


def test_the_page_data_cannot_close_its_script():
    text = script_json({"x": "</script><script>alert(1)</script>", "y": "\u2028"})
    assert "</" not in text and "\u2028" not in text


def test_the_page_is_self_contained(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        page = render(framework_report(con, frameworks(con)[0]), "cchc.duckdb", "test")
    finally:
        con.close()
    assert "http://" not in page and "https://" not in page and "<link" not in page and " src=" not in page


def test_the_cli_binary_writes_the_workbook_and_the_report(db, tmp_path):
    for command in (["export"], ["export", "--csv"], ["report"]):
        done = subprocess.run([str(CCHC), *command, "--db", str(db), "--out", str(tmp_path)], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv"] * 5 + [".html", ".xlsx"]
    done = subprocess.run([str(CCHC), "report", "--db", str(tmp_path / "none.duckdb")], capture_output=True, text=True)
    assert done.returncode == 4 and done.stderr.count("\n") == 1 and "none.duckdb" in done.stderr


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make setup-system)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


def test_the_report_in_a_real_browser(db, tmp_path, browser):
    [path] = report(db, tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems, fetched = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: fetched.append(r.url) if not r.url.startswith("file:") else None)
    page.goto(path.as_uri())
    assert problems == [] and fetched == []
    counts = mart_counts(db)
    for name, want in counts.items():
        row = page.locator(f'#summary-table tr:has(td[data-key="name"]:text-is("{name}"))')
        got = {k: int(row.locator(f'td[data-key="{k}"]').inner_text()) for k in want}
        assert got == want
        figures = page.locator(f'#chart tr[data-department="{name}"] td[data-key="figures"]').inner_text()
        assert figures.startswith(f"{want['covered']} đã có · {want['weak']} chưa rõ · {want['missing']} thiếu")
    missing = page.locator("#missing tbody tr")
    assert missing.count() == sum(c["missing"] for c in counts.values())
    page.fill("#missing input[type=search]", "van phong")          # filters without diacritics
    assert missing.count() == counts["Văn phòng UBND tỉnh"]["missing"]
    page.fill("#missing input[type=search]", "")
    page.click('#late th[data-key="days_late"]')
    page.click('#late th[data-key="days_late"]')                     # second click: descending
    days = [int(t) for t in page.locator('#late td[data-key="days_late"]').all_inner_texts()]
    assert days == sorted(days, reverse=True) and len(days) == sum(c["late"] for c in counts.values())
    if os.environ.get("CCHC_SCREENSHOT"):               # the page as a reader first sees it, for the note
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=os.environ["CCHC_SCREENSHOT"], full_page=False)
    page.close()


def test_readme_names_the_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cchc export" in text and "cchc report" in text
