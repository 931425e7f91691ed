"""Department plans lined up against the provincial framework (sql/1x–3x): text rules, responsibility,
the marts, and the gold labels of ../shared/gold (precision and recall of alignment's top match)."""
from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.database import scoring
from pipeline.database.alignment import LAST_INPUT, refresh_alignment
from pipeline.database.alignment.framework import SHARED_TERMS
from pipeline.database.build import SCHEMAS_DIR, create_reference_tables, view_sql
from schemas.arrow import documents_schema, tasks_schema
from tests.conftest import GOLD

VP_GOLD = GOLD / "align_vp_ubnd_2026.csv"
VP_FILE = "van-phong-ubnd-tinh-2026-phu-luc.txt"
MARTS = ["alignment", "coverage", "missing_assignments", "extra_tasks", "deadline_conflicts", "area_summary",
         "responsibility_gaps"]


# ---------------------------------------------------------------- the sample data, ingested once


@pytest.fixture(scope="module")
def sample(sample_ingest):
    """A read-only connection to the sample data, ingested once per session (tests/conftest.py)."""
    tmp, _ = sample_ingest
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    con.execute("SET enable_progress_bar = false")
    yield con
    con.close()


def doc_id(con, source_file: str) -> str:
    return con.execute("SELECT doc_id FROM documents WHERE source_file = ?", [source_file]).fetchone()[0]


def test_the_views_exist_and_answer(sample):
    for view in MARTS:
        assert sample.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0, view


def test_the_2026_department_plans_meet_the_framework_their_sidecars_name(sample):
    rows = sample.execute("""
        SELECT d.source_file, f.plan_number, p.matched_by, p.department_agency
        FROM stg_plan_frameworks p
        JOIN documents d ON d.doc_id = p.department_doc_id
        JOIN documents f ON f.doc_id = p.framework_doc_id
        ORDER BY 1""").fetchall()
    assert rows == [
        ("so-ngoai-vu-2026-phu-luc.txt", "3369/QĐ-UBND", "sidecar", "Sở Ngoại vụ"),
        (VP_FILE, "3369/QĐ-UBND", "sidecar", "Văn phòng UBND tỉnh"),
    ]


def test_every_department_row_has_a_top_match_row_per_level(sample):
    per_level = sample.execute("""
        SELECT level, count(*) FROM alignment WHERE rank = 1 GROUP BY level ORDER BY level""").fetchall()
    rows = sample.execute("SELECT count(*) FROM stg_department_rows").fetchone()[0]
    assert per_level == [("hoat_dong", rows), ("nhiem_vu", rows)]


def test_thresholds_live_in_one_row(sample):
    params = sample.execute("SELECT * FROM alignment_params").fetchall()
    assert len(params) == 1
    strong, weak = sample.execute("SELECT strong_min, weak_min FROM alignment_params").fetchone()
    assert 0 < weak < strong < 1
    bands = sample.execute("""
        SELECT match_band, min(score), max(score) FROM alignment WHERE task_code IS NOT NULL GROUP BY 1""").fetchall()
    for band, low, high in bands:
        assert {"strong": low >= strong, "weak": weak <= low and high < strong, "none": high < weak}[band], band


def test_a_hoat_dong_cell_with_several_codes_becomes_one_item_per_code(sample):
    items = sample.execute("""
        SELECT i.activity_code, i.activity FROM int_framework_items i
        JOIN stg_framework_rows f USING (framework_doc_id, framework_row_no)
        WHERE f.task_code = '2.11' ORDER BY i.item_no""").fetchall()
    assert [code for code, _ in items] == ["3.18", "3.19", "3.20", "3.21", "3.22"]
    assert items[0][1] == "Ban hành Kế hoạch kiểm tra CCHC"


def test_each_link_says_why_it_matched(sample):
    """Why it matched: the shared terms (in both the row's and the hoạt động's terms, as many as they share up to
    SHARED_TERMS), the candidate ranked next and the margin between them."""
    links = sample.execute("""
        SELECT department_unit, framework_unit, level, rank, task_code, score, shared_terms, second_task_code,
               second_score, margin, match_band
        FROM alignment WHERE task_code IS NOT NULL AND review IS NULL
        ORDER BY department_unit, level, rank""").fetchall()
    terms = {}
    for unit, term, tf in sample.execute("SELECT unit_id, term, tf FROM int_row_terms").fetchall():
        terms.setdefault(unit, {})[term] = tf
    by_row = {}
    for link in links:
        by_row.setdefault((link[0], link[2]), []).append(link)
    firsts = [ranked[0] for ranked in by_row.values()]
    assert len(firsts) > 100 and sum(1 for f in firsts if f[10] == "strong" and f[6]) > 20
    for ranked in by_row.values():
        for this, after in zip(ranked, [*ranked[1:], None], strict=True):
            department, framework, shared = terms.get(this[0], {}), terms.get(this[1], {}), this[6]
            assert len(shared) <= SHARED_TERMS and all(t in department and t in framework for t in shared), this
            assert len(shared) == min(SHARED_TERMS, len(department.keys() & framework.keys())), this
            if after is None:
                assert this[7] is None and this[9] == round(this[5], 4)
            else:
                assert (this[7], this[8]) == (after[4], after[5]) and this[9] == pytest.approx(this[5] - after[5],
                                                                                             abs=2e-4)


# ---------------------------------------------------------------- the gold labels


@pytest.fixture(scope="module")
def vp_matches(sample):
    """The Văn phòng UBND tỉnh plan's top nhiệm vụ matches, by gold row key."""
    if not VP_GOLD.exists():
        pytest.skip(f"gold labels not found at {VP_GOLD}")
    return scoring.top_matches(sample, doc_id(sample, VP_FILE))


@pytest.fixture(scope="module")
def vp_score(vp_matches):
    score = scoring.score(scoring.read_gold(VP_GOLD), vp_matches)
    print("\nalignment of the Văn phòng UBND tỉnh plan against ../shared/gold/align_vp_ubnd_2026.csv")
    print(score.report())
    return score


def test_every_gold_row_is_found_in_the_alignment(vp_score):
    assert not [v for v in vp_score.verdicts if "no such row" in v.line]


def test_gold_precision_and_recall_reach_the_acceptance_bar(vp_score):
    # measured: precision 0.81 (13/16), recall 0.80 (12/15); wrong: II.5, IV.1, VII.2; missed: III.5
    assert vp_score.precision >= 0.80 and vp_score.recall >= 0.75, vp_score.report()


def test_gold_bar_of_issue_13(vp_score):
    """Precision ≥ 0.85 and recall ≥ 0.80 on the gold labels, top-3 recall printed (issue 13).

    Measured: precision 0.88 (14/16), recall 0.87 (13/15), top-3 recall 0.93 (14/15); wrong: II.5 (2.21 for 2.17:
    six nhiệm vụ of lĩnh vực II within 0.08 of each other), IV.1 (2.35 where the labels see no counterpart);
    missed: III.5 (2.33 first, far below weak)."""
    print(f"\nprecision {vp_score.precision:.2f}, recall {vp_score.recall:.2f}, top-3 recall {vp_score.top3_recall:.2f}")
    assert vp_score.top3_recall >= 0.9
    assert vp_score.precision >= 0.85 and vp_score.recall >= 0.80, vp_score.report()


@pytest.mark.parametrize("weak_min", [0.24, 0.25, 0.26])
def test_the_bar_holds_around_the_weak_threshold(sample, weak_min, tmp_path):
    """The weak threshold sits inside a range where the bar holds, not on a knife edge."""
    db = tmp_path / "copy.duckdb"
    source = sample.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    shutil.copy(source[0], db)
    con = duckdb.connect(str(db))
    from pipeline.database.build import SQL_DIR, sql_text, view_sql

    params = sql_text(SQL_DIR / "staging" / "10_params.sql", tmp_path)
    con.execute(params.replace("0.25::DOUBLE AS weak_min", f"{weak_min}::DOUBLE AS weak_min"))
    for _, sql in view_sql(tmp_path, ("marts",)):       # the marts are tables: made again with the new bar
        con.execute(sql)
    score = scoring.score(scoring.read_gold(VP_GOLD), scoring.top_matches(con, doc_id(con, VP_FILE)))
    con.close()
    assert score.precision >= 0.80 and score.recall >= 0.75, score.report()


def test_responsible_agrees_with_the_gold_on_correct_links(vp_matches):
    gold = {g.row_key: g for g in scoring.read_gold(VP_GOLD)}
    checked = [(k, gold[k].responsible, m.responsible) for k, m in vp_matches.items()
               if k in gold and m.predicted in gold[k].framework_tasks and gold[k].responsible in ("yes", "no")]
    assert checked
    assert [(k, g, r) for k, g, r in checked if (g == "yes") != r] == []


# ---------------------------------------------------------------- the marts on the sample data


def test_coverage_lists_nhiem_vu_assigned_to_the_department_only(sample):
    vp = doc_id(sample, VP_FILE)
    statuses = dict(sample.execute("""
        SELECT task_code, status FROM coverage WHERE department_doc_id = ?""", [vp]).fetchall())
    assert statuses["2.19"] == "covered"          # rà soát VBQPPL: Hoạt động 3 and 4 of lĩnh vực II
    assert statuses["2.52"] == "missing"          # hội nghị truyền hình: the plan has no such row
    assert "2.46" not in statuses                 # Sở Tài chính / UBND cấp xã only: not assigned to the Văn phòng


def test_what_a_framework_asks_of_a_plan_is_what_it_asks_of_the_plans_agency(sample):
    # worked out once per agency (int_agency_assignments), read per plan: every plan of an agency is asked alike
    per_plan = sample.execute("""
        SELECT p.department_agency, a.framework_doc_id, a.task_code, a.assigned_as, a.via, a.as_lead, a.as_partner
        FROM int_task_assignments a JOIN stg_plan_frameworks p USING (department_doc_id)
        EXCEPT SELECT agency, framework_doc_id, task_code, assigned_as, via, as_lead, as_partner
        FROM int_agency_task_assignments""").fetchall()
    assert per_plan == []
    plans = sample.execute("SELECT count(DISTINCT department_doc_id) FROM int_framework_assignments").fetchone()[0]
    assert plans >= 2
    # a row assigns the Văn phòng by name (chủ trì), whichever way it is read
    vp = doc_id(sample, VP_FILE)
    assert ("lead", "name") in sample.execute("""
        SELECT DISTINCT assigned_as, via FROM int_framework_assignments WHERE department_doc_id = ?""", [vp]).fetchall()


def test_the_marts_are_views_that_read_only_tables_inside_the_database(sample):
    # the marts are computed when asked (alignment: 600,000 links nationally cost more to write again with their
    # text than to join when read), but never from the Parquet files: the database answers wherever it is copied
    views = dict(sample.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal"
                                " AND schema_name = 'main'").fetchall())
    tables = {row[0] for row in sample.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    marts = [*MARTS, "review_queue"]
    assert set(marts) <= views.keys()
    assert {"int_alignment_links", "int_agency_assignments", "stg_department_rows", "tasks"} <= tables

    def read_by(name: str, seen: set[str]) -> set[str]:
        """The views a view reads, however deep, itself included."""
        seen.add(name)
        for other in views.keys() - seen:
            if re.search(rf"\b{other}\b", views[name]):
                read_by(other, seen)
        return seen

    for mart in marts:
        read = read_by(mart, set())
        assert not [v for v in read if "read_parquet" in views[v].lower()], mart
    assert "int_alignment_links" in views["alignment"] and "int_alignment_candidates" not in read_by("alignment", set())


@pytest.mark.parametrize("raw, expected", [("", 384), (" 640 ", 640), ("0", None), ("1.5GB", None), ("-3", None)])
def test_the_database_memory_setting(raw, expected):
    from pipeline.database.build import database_memory_mb

    if expected is None:
        with pytest.raises(ValueError, match="CCHC_DB_MEMORY_MB"):
            database_memory_mb({"CCHC_DB_MEMORY_MB": raw})
    else:
        assert database_memory_mb({"CCHC_DB_MEMORY_MB": raw}) == expected


def test_missing_assignments_are_the_missing_coverage_rows(sample):
    missing = sample.execute("SELECT count(*) FROM coverage WHERE status = 'missing'").fetchone()[0]
    assert sample.execute("SELECT count(*) FROM missing_assignments").fetchone()[0] == missing
    direct = sample.execute("""
        SELECT task_code FROM missing_assignments WHERE direct AND department = 'Văn phòng UBND tỉnh'""").fetchall()
    assert ("2.52",) in direct                    # chủ trì: Văn phòng UBND tỉnh by name


def test_extra_tasks_are_rows_without_a_framework_counterpart(sample):
    vp = doc_id(sample, VP_FILE)
    extra = {r[0] for r in sample.execute("""
        SELECT department_row_no FROM extra_tasks WHERE department_doc_id = ?""", [vp]).fetchall()}
    linked = {r[0] for r in sample.execute("""
        SELECT department_row_no FROM alignment
        WHERE department_doc_id = ? AND level = 'nhiem_vu' AND rank = 1 AND match_band <> 'none'""", [vp]).fetchall()}
    assert extra and linked and not extra & linked and len(extra | linked) == 30


def test_deadline_conflicts_compare_with_the_linked_framework_row(sample):
    for dept_due, fw_due, days in sample.execute("""
            SELECT department_due_end, framework_due_end, days_late FROM deadline_conflicts""").fetchall():
        assert dept_due > fw_due and days == (dept_due - fw_due).days


def test_area_summary_counts_every_department_row_once(sample):
    per_plan = dict(sample.execute("""
        SELECT department_doc_id, sum(department_rows) FROM area_summary GROUP BY 1""").fetchall())
    expected = dict(sample.execute("""
        SELECT department_doc_id, count(*) FROM stg_department_rows GROUP BY 1""").fetchall())
    assert per_plan == expected


def test_responsibility_gaps_name_the_department_nowhere(sample):
    for leads, partners in sample.execute("SELECT framework_leads, framework_partners FROM responsibility_gaps").fetchall():
        assert "Văn phòng UBND tỉnh" not in leads + partners and "Sở Ngoại vụ" not in leads + partners


# ---------------------------------------------------------------- small plans built here


def write_plans(folder, documents: list[dict], tasks: list[dict]) -> duckdb.DuckDBPyConnection:
    """Given documents and task rows (only the columns that matter), write the Parquet files; return a connection
    with the alignment views (sql/00, 01 and 1x–3x) over them."""
    for name, rows, schema in (("documents", documents, documents_schema()), ("tasks", tasks, tasks_schema())):
        blank = {f.name: [] if pa.types.is_list(f.type) else (None if f.nullable else
                 (0 if pa.types.is_integer(f.type) else "")) for f in schema}
        pq.write_table(pa.Table.from_pylist([blank | r for r in rows], schema=schema), folder / f"{name}.parquet")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    create_reference_tables(con)
    views = view_sql(folder)
    for name, sql in views:
        if name[:3] in ("00_", "01_") or name[0] in "123":
            con.execute(sql)
        if name == LAST_INPUT:                  # the scores, as build_database computes them
            refresh_alignment(con, folder, views)
    return con


def document(doc_id: str, issuer: str, level: str, **more) -> dict:
    return {"doc_id": doc_id, "source_file": f"{doc_id}.txt", "source_format": "txt", "sha256": doc_id,
            "issuer": issuer, "issuer_agency": issuer if level != "province" else "UBND tỉnh",
            "issuer_level": level, "province": "Hà Tĩnh", "plan_year": 2026,
            "ingested_at": datetime(2026, 1, 1, tzinfo=UTC)} | more


FRAMEWORK_ROWS = [
    # area, nhiệm vụ, code, hoạt động, chủ trì, phối hợp, due
    (3, "Ban hành Kế hoạch kiểm soát TTHC năm 2026", "2.1", "Xây dựng dự thảo Kế hoạch kiểm soát TTHC",
     ["Văn phòng UBND tỉnh"], [], date(2026, 3, 31)),
    (3, "Đánh giá tác động quy định TTHC", "2.2", "Lấy ý kiến về dự thảo có quy định TTHC",
     ["Các sở, ban, ngành cấp tỉnh"], ["Văn phòng UBND tỉnh"], date(2026, 12, 31)),
    (5, "Tinh giản biên chế công chức, viên chức", "2.3", "Rà soát, báo cáo tình hình sử dụng biên chế",
     ["Sở Nội vụ"], ["UBND cấp xã"], date(2026, 6, 30)),
    (7, "Duy trì hệ thống quản lý chất lượng ISO 9001:2015", "2.4", "Áp dụng, cải tiến hệ thống ISO",
     ["Sở Khoa học và Công nghệ"], ["Các cơ quan, đơn vị, địa phương"], date(2026, 12, 31)),
]
DEPARTMENT_ROWS = [
    # area, nội dung, due
    (3, "Ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2026 của Sở", date(2026, 6, 30)),
    (5, "Thực hiện tinh giản biên chế công chức theo lộ trình", date(2026, 6, 30)),
    (1, "Tổ chức hội thao chào mừng ngày thành lập ngành", date(2026, 9, 30)),
    (3, "Duy trì, cải tiến hệ thống quản lý chất lượng ISO 9001:2015 tại cơ quan", date(2026, 12, 31)),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small_plans")
    fw = [{"doc_id": "fw", "row_no": i, "source_part": "appendix", "area_code": area, "task": task,
           "task_code": code, "task_codes": [code], "activity": activity, "activity_codes": [f"3.{i}"],
           "content": activity, "leads": leads, "partners": partners, "due_end": due}
          for i, (area, task, code, activity, leads, partners, due) in enumerate(FRAMEWORK_ROWS, 1)]
    dept = [{"doc_id": "sct", "row_no": i, "source_part": "appendix", "area_code": area, "stt": str(i),
             "content": content, "due_end": due}
            for i, (area, content, due) in enumerate(DEPARTMENT_ROWS, 1)]
    con = write_plans(folder, [document("fw", "UBND tỉnh Hà Tĩnh", "province"),
                               document("sct", "Sở Công Thương", "department")], fw + dept)
    yield con
    con.close()


def top(con, row_no: int) -> tuple:
    return con.execute("""
        SELECT task_code, match_band, responsible, same_area FROM alignment
        WHERE department_row_no = ? AND level = 'nhiem_vu' AND rank = 1""", [row_no]).fetchone()


def test_a_plan_without_sidecar_meets_the_framework_of_its_province_and_year(small):
    assert small.execute("SELECT framework_doc_id, matched_by FROM stg_plan_frameworks").fetchall() == \
        [("fw", "province_year")]


def test_abbreviations_are_expanded_before_comparing(small):
    task, band, responsible, _ = top(small, 1)    # "thủ tục hành chính" meets "TTHC"
    assert (task, band) == ("2.1", "strong")
    assert responsible is False                   # chủ trì Văn phòng UBND tỉnh only: not the Sở Công Thương


def test_a_collective_in_the_framework_covers_the_department(small):
    assert small.execute("""
        SELECT assigned, assigned_as, via FROM int_framework_assignments
        WHERE framework_row_no = 2""").fetchone() == (True, "lead", "group")


def test_a_row_the_framework_lacks_is_an_extra_task(small):
    assert top(small, 3)[1] == "none"
    assert small.execute("SELECT department_row_no FROM extra_tasks").fetchall() == [(3,)]


def test_cross_area_matches_need_a_very_strong_score(small):
    task, band, _, same_area = top(small, 4)      # ISO row filed under lĩnh vực III; the framework has it in VII
    cross_min = small.execute("SELECT cross_area_min FROM alignment_params").fetchone()[0]
    score = small.execute("""
        SELECT score FROM alignment WHERE department_row_no = 4 AND level = 'nhiem_vu' AND rank = 1""").fetchone()[0]
    assert (task, same_area) == ("2.4", False) and score >= cross_min and band == "strong"


def test_a_later_department_deadline_is_a_conflict(small):
    assert small.execute("""
        SELECT department_row_no, task_code, days_late FROM deadline_conflicts""").fetchall() == [(1, "2.1", 91)]


def test_responsibility_gaps_show_work_the_framework_gave_to_others(small):
    assert small.execute("SELECT department_row_no, task_code FROM responsibility_gaps ORDER BY 1").fetchall() == \
        [(1, "2.1"), (2, "2.3")]


@pytest.mark.parametrize("text, expected", [
    ("Rà soát TTHC nội bộ", ["rà", "soát", "thủ", "tục", "hành", "chính", "nội", "bộ"]),
    ("Đơn giản hoá quy trình", ["đơn", "giản", "hóa", "quy", "trình"]),          # old tone placement
    ("Quý I/2026, thuỷ lợi", ["quý", "i", "|", "2026", "|", "thủy", "lợi"]),   # quý keeps its tone
    ("theo Nghị định 130/2005/NĐ-CP về CBCCVC", ["theo", "nghị", "định", "|", "về", "cán", "bộ", "công", "chức",
                                                  "viên", "chức"]),
    ("3.19. Thông báo lịch kiểm tra", ["|", "thông", "báo", "lịch", "kiểm", "tra"]),
    ("Rà soát\tthủ tục\r\nnội  bộ", ["rà", "soát", "thủ", "tục", "nội", "bộ"]),   # tabs, line breaks: spaces
])
def test_text_becomes_syllables(tmp_path, text, expected):
    con = write_plans(tmp_path, [document("fw", "UBND tỉnh Hà Tĩnh", "province"),
                                 document("d", "Sở Ngoại vụ", "department")],
                      [{"doc_id": "d", "row_no": 1, "source_part": "appendix", "area_code": 1, "content": text},
                       {"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 1, "content": "x",
                        "task": "x", "task_code": "2.1"}])
    syllables = con.execute("""
        SELECT s.syllables FROM int_field_syllables s JOIN int_units u USING (unit_id)
        WHERE u.kind = 'department'""").fetchone()[0]
    assert [s for s in syllables if s] == expected


def test_a_field_of_spaces_alone_is_no_field(tmp_path):
    # spaces of any kind (no-break, em) are nothing to compare; a text that only starts with them is a field
    con = write_plans(tmp_path, [document("fw", "UBND tỉnh Hà Tĩnh", "province"),
                                 document("d", "Sở Ngoại vụ", "department")],
                      [{"doc_id": "d", "row_no": 1, "source_part": "appendix", "area_code": 1,
                        "content": "\u00a0 Kiểm tra công vụ", "product": " \u00a0\u2003 ", "objective": ""},
                       {"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 1, "content": "x",
                        "task": "x", "task_code": "2.1"}])
    fields = con.execute("""
        SELECT f.field, f.text FROM int_row_fields f JOIN int_units u USING (unit_id)
        WHERE u.kind = 'department'""").fetchall()
    assert fields == [("content", "\u00a0 Kiểm tra công vụ")]


def test_a_text_held_by_several_fields_is_cut_once_and_counted_for_each(tmp_path):
    # two plans copying one wording, and a row whose nhiệm vụ and hoạt động read the same: one text, three fields
    same = "Rà soát, đơn giản hóa thủ tục hành chính nội bộ"
    con = write_plans(tmp_path, [document("fw", "UBND tỉnh Hà Tĩnh", "province"),
                                 document("d1", "Sở Ngoại vụ", "department"),
                                 document("d2", "Sở Tư pháp", "department")],
                      [{"doc_id": "d1", "row_no": 1, "source_part": "appendix", "area_code": 3, "content": same},
                       {"doc_id": "d2", "row_no": 1, "source_part": "appendix", "area_code": 3, "content": same},
                       {"doc_id": "d2", "row_no": 2, "source_part": "appendix", "area_code": 3,
                        "content": "Kiểm tra công vụ"},
                       {"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 3, "task": same,
                        "activity": same, "content": same, "task_code": "2.1"}])
    assert con.execute("SELECT count(*) FROM int_text_syllables WHERE text = ?", [same]).fetchone()[0] == 1
    fields = con.execute("SELECT count(*) FROM int_row_fields WHERE text = ?", [same]).fetchone()[0]
    assert con.execute("SELECT count(*) FROM int_field_syllables").fetchone()[0] == con.execute(
        "SELECT count(*) FROM int_row_fields").fetchone()[0]
    terms = {}
    for kind, doc, term, tf in con.execute("""
            SELECT u.kind, u.doc_id, t.term, t.tf FROM int_row_terms t JOIN int_units u USING (unit_id)
            WHERE u.row_no = 1""").fetchall():
        terms.setdefault((kind, doc), {})[term] = tf
    assert fields >= 4
    assert terms[("department", "d1")] == terms[("department", "d2")]
    assert terms[("department", "d1")]["thủ tục"] == 1.0 and terms[("department", "d1")]["rà soát"] == 1.0
    framework = [v for k, v in terms.items() if k[0] != "department"][0]
    assert framework["thủ tục"] == 2.0          # the nhiệm vụ's and the hoạt động's field, each weight 1.0


def test_stop_syllables_make_no_terms_and_no_bigram_spans_them(tmp_path):
    con = write_plans(tmp_path, [document("fw", "UBND tỉnh Hà Tĩnh", "province"),
                                 document("d", "Sở Ngoại vụ", "department")],
                      [{"doc_id": "d", "row_no": 1, "source_part": "appendix", "area_code": 1,
                        "content": "Kiểm tra các đơn vị, địa phương"},
                       {"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 1, "content": "x",
                        "task": "x", "task_code": "2.1"}])
    terms = {r[0] for r in con.execute("""
        SELECT t.term FROM int_row_terms t JOIN int_units u USING (unit_id) WHERE u.kind = 'department'""").fetchall()}
    assert terms == {"kiểm", "tra", "kiểm tra", "đơn", "vị", "đơn vị", "địa", "phương", "địa phương"}


# ---------------------------------------------------------------- data tables and the scoring helper

REQUIRED_ABBREVIATIONS = ["TTHC", "QPPL", "VBQPPL", "CCHC", "CBCCVC", "CCVC", "DVC", "DVCTT", "SNCL", "ĐVSNCL",
                          "KH", "PAKN", "VTVL", "CĐS"]


def read_table(name: str) -> list[dict]:
    with (SCHEMAS_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("abbreviation", REQUIRED_ABBREVIATIONS)
def test_abbreviation_table_expands(abbreviation):
    table = {r["abbreviation"]: r["expansion"] for r in read_table("abbreviations.csv")}
    expansion = table[abbreviation]
    assert expansion == unicodedata.normalize("NFC", expansion) == expansion.lower()
    assert len(expansion.split()) >= 2


def test_data_tables_have_no_duplicate_keys():
    for name, key in (("abbreviations.csv", "abbreviation"), ("stopwords.csv", "syllable"),
                      ("tone_placement.csv", "old")):
        keys = [r[key].lower() for r in read_table(name)]
        assert len(keys) == len(set(keys)), name


def test_no_syllable_a_data_table_gives_holds_a_break():
    # int_alignment_links keeps a link's shared terms as one text joined by '|', the break: a term must never hold one
    for name, column in (("abbreviations.csv", "expansion"), ("tone_placement.csv", "new")):
        assert not [r[column] for r in read_table(name) if "|" in r[column]], name


@pytest.mark.parametrize("area, stt, expected", [
    (3, "Hoạt động 2", "III.2"), (7, "5", "VII.5"), (None, "Hoạt động 1", None), (2, None, None),
])
def test_row_key(area, stt, expected):
    assert scoring.row_key(area, stt) == expected


def gold_row(tasks: str, confidence: str = "high", key: str = "I.1") -> scoring.GoldRow:
    return scoring.GoldRow(key, "", frozenset(filter(None, tasks.split(";"))), confidence, "yes", "")


def match(task: str | None, band: str) -> scoring.TopMatch:
    return scoring.TopMatch("I.1", "", task, band, 0.5, True, ())


@pytest.mark.parametrize("gold, got, kind", [
    (gold_row("2.1;2.2"), match("2.2", "weak"), "correct"),
    (gold_row("2.1"), match("2.3", "strong"), "wrong_task"),
    (gold_row(""), match("2.3", "weak"), "false_link"),
    (gold_row(""), match("2.3", "none"), "right_none"),
    (gold_row("2.1"), match("2.1", "none"), "missed"),
    (gold_row("2.1", "low"), match(None, "none"), "missed_optional"),
])
def test_verdicts(gold, got, kind):
    assert scoring.verdict(gold, got).kind == kind


def test_score_counts_as_the_gold_readme_says():
    gold = [gold_row("2.1", key="I.1"), gold_row("2.2", key="I.2"), gold_row("", key="I.3"),
            gold_row("2.4", "low", key="I.4")]
    matches = {"I.1": match("2.1", "strong"), "I.2": match("2.9", "weak"), "I.3": match("2.3", "weak"),
               "I.4": match("2.4", "weak")}
    s = scoring.score(gold, matches)
    assert (s.correct, s.predictions, s.recalled, s.required) == (2, 4, 1, 2)
    assert s.precision == 0.5 and s.recall == 0.5


def test_a_gold_file_without_its_columns_is_a_one_line_error(tmp_path):
    bad = tmp_path / "gold.csv"
    bad.write_text("row_key,whatever\nI.1,x\n", encoding="utf-8")
    with pytest.raises(scoring.GoldError, match=r"gold\.csv: missing column\(s\) confidence, framework_tasks"):
        scoring.read_gold(bad)
