"""Analysts correct the alignment and the correction lasts (pipeline/database/alignment/reviews.py, cchc review):
a worksheet out, verdicts back into data/reviews.csv, the marts using them across re-ingests and edits."""
from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli.main import main
from pipeline.database import scoring
from pipeline.database.alignment import reviews
from pipeline.database.build import SQL_DIR
from tests.conftest import ROOT

VP_FILE = "van-phong-ubnd-tinh-2026-phu-luc.txt"
FRAMEWORK = "3369/QĐ-UBND"
# two rows of the Văn phòng UBND tỉnh plan the scores are unsure of (band weak): the first is linked to 2.16,
# where the gold labels say 2.16 or 2.17; the second to 2.21, where they say 2.17
CONFIRM_ROW = ("Hoạt động 1", 2, "2.17")     # (stt, lĩnh vực, nhiệm vụ confirmed: third among its candidates)
REJECT_ROW = ("Hoạt động 5", 2, "2.21")      # (stt, lĩnh vực, nhiệm vụ rejected: its best candidate)
ADDED = "2.17"                                # added to the second row: not among its top 3


def cchc(tmp, *args) -> int:
    return main([*args, "--raw", str(tmp / "raw"), "--out", str(tmp / "normalized"), "--db", str(tmp / "cchc.duckdb")])


def top(db, stt: str, area: int, level: str = "nhiem_vu") -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""
            SELECT a.rank, a.task_code, a.match_band, a.review, a.reviewer FROM alignment a
            JOIN documents d ON d.doc_id = a.department_doc_id
            WHERE d.source_file = ? AND a.department_stt = ? AND a.department_area_code = ? AND a.level = ?
            ORDER BY a.rank""", [VP_FILE, stt, area, level]).fetchall()
    finally:
        con.close()


def fill(worksheet, out) -> None:
    """Fill in the worksheet as an analyst would: confirm one link, reject another, add a third line."""
    with worksheet.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    keys = {}
    for line in lines:
        for stt, area, code, verdict in ((*CONFIRM_ROW, "confirmed"), (*REJECT_ROW, "rejected")):
            if (line["department"], line["area_code"], line["department_stt"], line["task_code"]) == \
                    ("Văn phòng UBND tỉnh", str(area), stt, code):
                line["verdict"] = verdict
                keys[stt] = line
    assert set(keys) == {CONFIRM_ROW[0], REJECT_ROW[0]}, "both rows are in the worksheet"
    added = dict(keys[REJECT_ROW[0]]) | {"task_code": ADDED, "rank": "", "verdict": "added", "note": "gold: 2.17"}
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines + [added])


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The sample data ingested, its worksheet filled in and read back: (folder, output of each step)."""
    tmp = tmp_path_factory.mktemp("reviews")
    shutil.copytree(ROOT / "data" / "raw", tmp / "raw")
    assert cchc(tmp, "ingest") == 0
    before = {row: top(tmp / "cchc.duckdb", *row[:2]) for row in (CONFIRM_ROW, REJECT_ROW)}
    worksheet = tmp / "worksheet.csv"
    assert cchc(tmp, "review", FRAMEWORK, "--worksheet", str(worksheet)) == 0
    filled = tmp / "filled.csv"
    fill(worksheet, filled)
    assert cchc(tmp, "review", FRAMEWORK, "--read", str(filled), "--by", "An") == 0
    return tmp, before


def check_reviews_apply(db) -> None:
    confirmed = top(db, *CONFIRM_ROW[:2])
    assert confirmed[0] == (1, "2.17", "reviewed", "confirmed", "An")
    assert [r[1] for r in confirmed].count("2.17") == 1          # shown once, first
    rejected = top(db, *REJECT_ROW[:2])
    assert "2.21" not in [r[1] for r in rejected]
    assert "2.21" not in [r[1] for r in top(db, *REJECT_ROW[:2], level="hoat_dong")]
    assert rejected[0] == (1, ADDED, "reviewed", "added", "An")


def test_the_worksheet_lists_the_rows_that_need_a_look_with_their_top_3(reviewed):
    tmp, before = reviewed
    assert before[CONFIRM_ROW][0][1:3] == ("2.16", "weak") and before[CONFIRM_ROW][2][1] == "2.17"
    assert before[REJECT_ROW][0][1:3] == ("2.21", "weak")
    with (tmp / "worksheet.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert {line["rank"] for line in lines} == {"1", "2", "3"} and all(line["verdict"] == "" for line in lines)
    assert all(line["plan_key"] and line["row_key"] and line["framework_key"] for line in lines)


def test_the_reviews_are_recorded_with_who_and_when(reviewed):
    tmp, _ = reviewed
    recorded = reviews.read_reviews(tmp / "reviews.csv")
    assert sorted((r["task_code"], r["verdict"], r["reviewer"]) for r in recorded) == \
        [("2.17", "added", "An"), ("2.17", "confirmed", "An"), ("2.21", "rejected", "An")]
    assert all(r["reviewed_at"] is not None and r["reviewed_at"].tzinfo is not None for r in recorded)


def test_confirmed_links_hold_and_rejected_ones_are_gone(reviewed):
    tmp, _ = reviewed
    check_reviews_apply(tmp / "cchc.duckdb")
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    coverage = con.execute("""
        SELECT status, reviewed FROM coverage WHERE department = 'Văn phòng UBND tỉnh' AND task_code = '2.17'""").fetchone()
    queued = con.execute("""
        SELECT count(*) FROM review_queue WHERE department = 'Văn phòng UBND tỉnh'
        AND area_code = 2 AND department_stt IN (?, ?)""", [CONFIRM_ROW[0], REJECT_ROW[0]]).fetchone()[0]
    con.close()
    assert coverage == ("covered", True)
    assert queued == 0                                           # reviewed rows are not asked again


def test_the_reviews_survive_a_full_re_ingest(reviewed):
    tmp, _ = reviewed
    assert cchc(tmp, "ingest") == 0
    check_reviews_apply(tmp / "cchc.duckdb")


def test_the_reviews_still_apply_after_an_edit_of_another_row(reviewed):
    tmp, _ = reviewed
    plan = tmp / "raw" / VP_FILE
    text = plan.read_text(encoding="utf-8")
    assert "Tuyên truyền công tác CCHC trên" in text
    plan.write_text(text.replace("Tuyên truyền công tác CCHC trên", "Thông tin, tuyên truyền công tác CCHC trên"),
                    encoding="utf-8")
    assert cchc(tmp, "ingest", "--incremental") == 0
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    edited = con.execute("""SELECT t.content FROM tasks t JOIN documents d USING (doc_id)
                            WHERE d.source_file = ? AND t.row_no = 1""", [VP_FILE]).fetchone()[0]
    con.close()
    assert edited.startswith("Thông tin, tuyên truyền")         # a new document (another doc_id), rows re-read
    check_reviews_apply(tmp / "cchc.duckdb")


def test_scoring_against_the_reviews_measures_the_scores_not_the_reviews(reviewed):
    tmp, _ = reviewed
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    vp = con.execute("SELECT doc_id FROM documents WHERE source_file = ?", [VP_FILE]).fetchone()[0]
    con.close()
    score = scoring.score_database(tmp / "cchc.duckdb", vp)
    # the scores alone still put 2.16 and 2.21 first: 2.21 was rejected, a wrong prediction; 2.16 nobody judged
    # (a confirmed 2.17 does not make 2.16 wrong: a row may answer two nhiệm vụ), so it is not counted; both rows
    # are recall's (a confirmed or added link), and 2.17 is among the first row's top 3
    assert (score.correct, score.predictions, score.required, score.recalled, score.top3_recalled) == \
        (0, 1, 2, 0, 1), score.report()
    assert [v.kind for v in score.verdicts] == ["unjudged", "wrong_task"]


# ---------------------------------------------------------------- the reviews file and worksheets


def review_line(**more) -> dict:
    return {"plan_key": "Sở Nội vụ | Hà Tĩnh | 2026", "row_key": "ab12", "framework_key": "UBND tỉnh | Hà Tĩnh | 2026",
            "task_code": "2.1", "verdict": "confirmed", "reviewer": "An", "reviewed_at": "2026-01-05T08:00:00+00:00"} | more


def write_csv(path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("line, message", [
    (review_line(verdict="ok"), r"reviews\.csv:2: verdict 'ok' is none of confirmed, rejected, added"),
    (review_line(row_key=""), r"reviews\.csv:2: row_key is empty"),
    (review_line(reviewed_at="hôm qua"), r"reviews\.csv:2: reviewed_at 'hôm qua' is not an ISO date and time"),
])
def test_a_bad_review_line_is_a_one_line_error_naming_the_line(tmp_path, line, message):
    write_csv(tmp_path / "reviews.csv", [line])
    with pytest.raises(reviews.ReviewsError, match=message):
        reviews.read_reviews(tmp_path / "reviews.csv")


def test_a_reviews_file_without_its_columns_is_refused(tmp_path):
    write_csv(tmp_path / "reviews.csv", [{"row_key": "x", "verdict": "confirmed"}])
    with pytest.raises(reviews.ReviewsError, match="missing column.*framework_key, plan_key, task_code"):
        reviews.read_reviews(tmp_path / "reviews.csv")


def test_no_reviews_file_is_no_reviews(tmp_path):
    assert reviews.read_reviews(tmp_path / "reviews.csv") == []


def test_the_newest_verdict_on_a_link_wins_and_the_file_round_trips(tmp_path):
    first = reviews.checked(review_line(), tmp_path, 2)
    later = reviews.checked(review_line(verdict="rejected", reviewed_at="2026-02-01T00:00:00+00:00"), tmp_path, 3)
    other = reviews.checked(review_line(task_code="2.2"), tmp_path, 4)
    merged = reviews.merge_reviews([first, other], [later])
    assert [(r["task_code"], r["verdict"]) for r in merged] == [("2.2", "confirmed"), ("2.1", "rejected")]
    reviews.write_reviews(tmp_path / "reviews.csv", merged)
    assert reviews.read_reviews(tmp_path / "reviews.csv") == merged


def test_a_worksheet_gives_back_the_lines_with_a_verdict(tmp_path):
    lines = [{"department": "Sở Nội vụ", "rank": "1", "task_code": "2.1", "verdict": "Confirmed", "reviewer": "",
              "plan_key": "p", "row_key": "r", "framework_key": "f"},
             {"department": "Sở Nội vụ", "rank": "2", "task_code": "2.2", "verdict": "", "reviewer": "",
              "plan_key": "p", "row_key": "r", "framework_key": "f"},
             {"department": "Sở Nội vụ", "rank": "", "task_code": "2.9", "verdict": "confirmed", "reviewer": "Bình",
              "plan_key": "p", "row_key": "r", "framework_key": "f"}]
    write_csv(tmp_path / "w.csv", lines)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    got = reviews.read_worksheet(tmp_path / "w.csv", reviewer="An", now=now)
    assert [(r["task_code"], r["verdict"], r["reviewer"], r["reviewed_at"]) for r in got] == \
        [("2.1", "confirmed", "An", now), ("2.9", "added", "Bình", now)]     # not offered: an added link


def test_reading_a_worksheet_that_is_not_there_says_so(tmp_path, capsys):
    assert main(["review", FRAMEWORK, "--read", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "n")]) == 1
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'nope.csv'}: no such file"


@pytest.fixture(scope="module")
def macros() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((SQL_DIR / "staging" / "13b_macros.sql").read_text(encoding="utf-8"))
    return con


# texts as plans spell them: letters (decomposed too), digits, spaces of every kind, tabs, line breaks, punctuation
TEXT_CHARACTERS = st.sampled_from(list("aĐđếỆ3 ,.;:-/()\t\n\r") + ["\u00a0", "\u2003", "e\u0301", "  ", " - "])


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT_CHARACTERS, max_size=14).map("".join))
def test_a_rows_key_is_its_text_with_every_run_of_punctuation_and_spaces_one_space(macros, text):
    # text_key leaves a lone plain space as it is rather than replacing it: the keys are those of the plain rule
    plain = "SELECT left(md5(trim(regexp_replace(lower(?), '[^\\p{L}\\p{N}]+', ' ', 'g'))), 16)"
    assert macros.execute("SELECT text_key(?)", [text]).fetchone() == macros.execute(plain, [text]).fetchone()


def test_re_typing_a_comma_or_a_line_break_keeps_the_key(macros):
    def key(text):
        return macros.execute("SELECT text_key(?)", [text]).fetchone()[0]

    assert key("Rà soát, đơn giản hóa TTHC") == key(" rà soát  đơn giản hóa\nTTHC.") != key("Rà soát đơn giản TTHC")
