"""What each agency is asked (sql/marts/37_framework_assignments): every framework nhiệm vụ × every agency it
assigns, as chủ trì or phối hợp, by name or through a collective expanded to the province's known agencies,
with no department plan loaded."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from tests.test_alignment import write_plans

FRAMEWORK_FILE = "ha-tinh-ubnd-tinh-2026-qd-3369.txt"


def framework_only(sample_ingest, folder, *more_files: str):
    """The Hà Tĩnh framework (and more_files of the sample) alone, without its department plans."""
    tmp, _ = sample_ingest
    files = {FRAMEWORK_FILE, *more_files}
    docs = [d for d in pq.read_table(tmp / "normalized" / "documents.parquet").to_pylist() if d["source_file"] in files]
    ids = {d["doc_id"] for d in docs}
    tasks = [t for t in pq.read_table(tmp / "normalized" / "tasks.parquet").to_pylist() if t["doc_id"] in ids]
    folder.mkdir()
    return write_plans(folder, docs, tasks)


@pytest.fixture(scope="module")
def framework(sample_ingest, tmp_path_factory):
    con = framework_only(sample_ingest, tmp_path_factory.mktemp("assignments") / "n")
    yield con
    con.close()


def test_the_framework_alone_says_what_it_asks_of_so_noi_vu_by_deadline(framework):
    assert framework.execute("SELECT count(*) FROM stg_plan_frameworks").fetchone() == (0,)
    asked = framework.execute("""
        SELECT task_code, assigned_as, via, framework_due_end FROM framework_assignments
        WHERE agency = 'Sở Nội vụ' ORDER BY framework_due_end NULLS LAST, framework_row_no""").fetchall()
    # by name, as chủ trì: every nhiệm vụ whose chủ trì cells name Sở Nội vụ, counted from the tasks themselves
    named = {r[0] for r in framework.execute("""
        SELECT DISTINCT k.code FROM stg_framework_rows f, unnest(f.task_keys) AS k(code)
        WHERE list_contains(f.leads, 'Sở Nội vụ')""").fetchall()}
    assert {t for t, role, via, _ in asked if (role, via) == ("lead", "name")} == named
    assert {"2.1", "2.11", "2.35", "2.37"} <= named
    # through a collective: "Các sở, ban, ngành cấp tỉnh" in phối hợp of 2.17 covers Sở Nội vụ
    assert ("2.17", "partner", "group") in {(t, role, via) for t, role, via, _ in asked}
    dues = [d for *_, d in asked if d is not None]
    assert dues == sorted(dues)


def test_the_most_direct_assignment_wins(framework):
    # 2.35: chủ trì Sở Nội vụ and phối hợp Sở Nội vụ again: one row, as lead by name
    assert framework.execute("""
        SELECT assigned_as, via, collective FROM framework_assignments WHERE agency = 'Sở Nội vụ' AND task_code = '2.35'
        """).fetchall() == [("lead", "name", None)]
    assert framework.execute("""
        SELECT count(*) FROM (SELECT framework_doc_id, task_code, agency FROM framework_assignments
                              GROUP BY ALL HAVING count(*) > 1)""").fetchone() == (0,)


def test_a_collective_reaches_only_the_agencies_known_in_the_province(sample_ingest, framework, tmp_path):
    sngv = "SELECT count(*) FROM framework_assignments WHERE agency = 'Sở Ngoại vụ'"
    assert framework.execute(sngv).fetchone() == (0,)           # the framework never names Sở Ngoại vụ
    with_plan = framework_only(sample_ingest, tmp_path / "n", "so-ngoai-vu-2026-phu-luc.txt")
    via = {r[0] for r in with_plan.execute(
        "SELECT DISTINCT via FROM framework_assignments WHERE agency = 'Sở Ngoại vụ'").fetchall()}
    assert with_plan.execute(sngv).fetchone()[0] > 0 and via == {"group"}
    with_plan.close()


def test_an_internal_unit_is_its_agencys(tmp_path):
    from tests.test_alignment import document
    con = write_plans(tmp_path, [document("fw", "UBND tỉnh Hà Tĩnh", "province")],
                      [{"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 3, "task_code": "2.1",
                        "task_codes": ["2.1"], "task": "Vận hành Trung tâm phục vụ hành chính công", "content": "x",
                        "leads": ["Trung tâm Phục vụ Hành chính công"]}])
    rows = con.execute("SELECT agency, via FROM framework_assignments ORDER BY via").fetchall()
    assert rows == [("Trung tâm Phục vụ Hành chính công", "name"), ("Văn phòng UBND tỉnh", "unit")]


def test_an_agency_two_collectives_reach_alike_is_shown_under_the_same_one_every_build(tmp_path):
    # 2.1 asks two collectives as phối hợp, each covering Sở Tư pháp (known from 2.2): one row, through the
    # first label in binary order, whichever the framework printed first
    from tests.test_alignment import document
    docs = [document("fw", "UBND tỉnh Hà Tĩnh", "province")]
    tasks = [{"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 2, "task_code": "2.1",
              "task_codes": ["2.1"], "task": "Rà soát văn bản quy phạm pháp luật", "content": "x",
              "leads": ["Sở Nội vụ"], "partners": ["Các sở, ban, ngành cấp tỉnh", "Các cơ quan, đơn vị liên quan"]},
             {"doc_id": "fw", "row_no": 2, "source_part": "appendix", "area_code": 2, "task_code": "2.2",
              "task_codes": ["2.2"], "task": "Kiểm tra văn bản", "content": "y", "leads": ["Sở Tư pháp"]}]
    con = write_plans(tmp_path, docs, tasks)
    rows = con.execute("""SELECT assigned_as, via, collective FROM framework_assignments
                          WHERE task_code = '2.1' AND agency = 'Sở Tư pháp'""").fetchall()
    assert rows == [("partner", "group", "Các cơ quan, đơn vị liên quan")]
    con.close()
