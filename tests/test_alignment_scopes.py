"""Each framework on its own, computed once (pipeline/database/alignment): weights within one framework's scope,
so another province's plans change nothing of this one's; scores kept per scope and computed again only when
that scope's inputs change."""
from __future__ import annotations

import math
import os
import re

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipeline.database.alignment import store, weights
from pipeline.database.alignment.store import read_log
from tests.test_alignment import document, write_plans

HA_TINH = ("ha-tinh-ubnd-tinh-2026-qd-3369.txt", "van-phong-ubnd-tinh-2026-phu-luc.txt", "so-ngoai-vu-2026-phu-luc.txt")
COMPARED = ["department_doc_id", "department_row_no", "level", "rank", "task_code", "framework_row_no", "item_no",
            "score", "match_band", "second_task_code", "margin", "shared_terms", "responsible"]


def sample_tables(sample_ingest) -> tuple[list[dict], list[dict]]:
    """The Hà Tĩnh framework and its two 2026 department plans, as documents and task rows of the sample."""
    tmp, _ = sample_ingest
    docs = pq.read_table(tmp / "normalized" / "documents.parquet").to_pylist()
    docs = [d for d in docs if d["source_file"] in HA_TINH]
    ids = {d["doc_id"] for d in docs}
    tasks = [t for t in pq.read_table(tmp / "normalized" / "tasks.parquet").to_pylist() if t["doc_id"] in ids]
    return docs, tasks


def reword(text: str | None, n: int) -> str | None:
    """Given a text, return it as another province might write it: a few words more, one dropped."""
    if not text:
        return text
    words = text.split()
    return " ".join(words[: max(1, len(words) - 1)] + ["theo", "kế hoạch", "của", "tỉnh"] * (1 + n % 2))


def other_province(docs: list[dict], tasks: list[dict], suffix: str) -> tuple[list[dict], list[dict]]:
    """Given the Hà Tĩnh plans, return a copy for another province: new doc_ids, reworded rows."""
    new_id = {d["doc_id"]: (d["doc_id"][:-len(suffix)] + suffix) for d in docs}
    out_docs = [d | {"doc_id": new_id[d["doc_id"]], "source_file": f"qb-{d['source_file']}", "province": "Quảng Bình",
                     "framework_doc_id": new_id.get(d["framework_doc_id"]), "sha256": new_id[d["doc_id"]] * 4,
                     "plan_number": (d["plan_number"] or "") + "-QB" if d["plan_number"] else None}
                for d in docs]
    out_tasks = [t | {"doc_id": new_id[t["doc_id"]], "content": reword(t["content"], t["row_no"]),
                      "activity": reword(t["activity"], t["row_no"])} for t in tasks]
    return out_docs, out_tasks


def marts(con, doc_ids: set[str]) -> tuple[list, list]:
    alignment = con.execute(f"""
        SELECT {', '.join(COMPARED)} FROM alignment WHERE department_doc_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY department_doc_id, department_row_no, level, rank""", [sorted(doc_ids)]).fetchall()
    coverage = con.execute("""
        SELECT * FROM coverage WHERE department_doc_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY department_doc_id, task_code""", [sorted(doc_ids)]).fetchall()
    return alignment, coverage


def test_another_provinces_plans_leave_this_provinces_alignment_and_coverage_as_they_were(sample_ingest, tmp_path):
    docs, tasks = sample_tables(sample_ingest)
    ha_tinh = {d["doc_id"] for d in docs}
    alone = plans_in(tmp_path / "alone", docs, tasks)
    before = marts(alone, ha_tinh)
    more_docs, more_tasks = other_province(docs, tasks, "qb")
    both = plans_in(tmp_path / "both", docs + more_docs, tasks + more_tasks)
    after = marts(both, ha_tinh)
    assert before[0] and before[1]
    assert after == before                                     # row for row, every column
    # ... although the other province's rows are aligned too, with weights of their own: the same plan row,
    # reworded, scores differently there
    copies = {d["doc_id"] for d in more_docs}
    theirs = marts(both, copies)
    assert len(theirs[0]) > 0 and [r[7] for r in theirs[0]] != [r[7] for r in before[0]]


def framework_and_plan(province: str, fw: str, dept: str, words: str) -> tuple[list[dict], list[dict]]:
    """A tiny framework of one province and one department plan answering it (words: the plan's wording)."""
    docs = [{"doc_id": fw, "source_file": f"{fw}.txt", "source_format": "txt", "sha256": fw, "issuer": f"UBND tỉnh {province}",
             "issuer_agency": "UBND tỉnh", "issuer_level": "province", "province": province, "plan_year": 2026,
             "ingested_at": pa.scalar(0, pa.timestamp("us", tz="UTC")).as_py()},
            {"doc_id": dept, "source_file": f"{dept}.txt", "source_format": "txt", "sha256": dept, "issuer": "Sở Nội vụ",
             "issuer_agency": "Sở Nội vụ", "issuer_level": "department", "province": province, "plan_year": 2026,
             "ingested_at": pa.scalar(0, pa.timestamp("us", tz="UTC")).as_py()}]
    tasks = [{"doc_id": fw, "row_no": 1, "source_part": "appendix", "area_code": 1, "task_code": "2.1",
              "task_codes": ["2.1"], "task": "Ban hành kế hoạch kiểm tra công tác cải cách hành chính",
              "content": "Ban hành kế hoạch kiểm tra", "leads": ["Sở Nội vụ"]},
             {"doc_id": fw, "row_no": 2, "source_part": "appendix", "area_code": 5, "task_code": "2.2",
              "task_codes": ["2.2"], "task": "Đào tạo, bồi dưỡng cán bộ, công chức", "content": "Đào tạo",
              "leads": ["Sở Nội vụ"]},
             {"doc_id": dept, "row_no": 1, "source_part": "appendix", "area_code": 1, "stt": "1", "content": words}]
    return docs, tasks


def plans_in(folder, docs, tasks) -> duckdb.DuckDBPyConnection:
    folder.mkdir(parents=True, exist_ok=True)
    return write_plans(folder, docs, tasks)


def build(folder, *plans) -> duckdb.DuckDBPyConnection:
    docs = [d for p in plans for d in p[0]]
    tasks = [t for p in plans for t in p[1]]
    return write_plans(folder, docs, tasks)


def test_a_changed_department_plan_recomputes_only_its_frameworks_scores(tmp_path):
    folder = tmp_path / "normalized"
    folder.mkdir()
    quang_binh = framework_and_plan("Quảng Bình", "fwqb", "dqb1", "Ban hành kế hoạch kiểm tra năm 2026")
    ha_tinh = framework_and_plan("Hà Tĩnh", "fwht", "dht1", "Xây dựng kế hoạch đào tạo, bồi dưỡng")
    build(folder, quang_binh, ha_tinh).close()
    assert read_log(folder)["computed"] == ["fwht", "fwqb"]
    kept = {p.name: p.stat().st_mtime_ns for p in (folder / "alignment" / "candidates").glob("fwqb.*")}

    build(folder, quang_binh, ha_tinh).close()                   # nothing changed: nothing computed
    assert read_log(folder) | {"seconds": 0} == {"computed": [], "reused": ["fwht", "fwqb"], "seconds": 0}

    edited = framework_and_plan("Hà Tĩnh", "fwht", "dht2", "Xây dựng và ban hành kế hoạch đào tạo, bồi dưỡng")
    con = build(folder, quang_binh, edited)                     # the Hà Tĩnh plan changed (a new file, a new doc_id)
    assert read_log(folder)["computed"] == ["fwht"] and read_log(folder)["reused"] == ["fwqb"]
    assert {p.name: p.stat().st_mtime_ns for p in (folder / "alignment" / "candidates").glob("fwqb.*")} == kept
    assert len(list((folder / "alignment" / "candidates").glob("fwht.*"))) == 1      # the old file is gone
    assert con.execute("SELECT DISTINCT department_doc_id FROM alignment ORDER BY 1").fetchall() == \
        [("dht2",), ("dqb1",)]


def test_a_framework_no_plan_is_compared_with_costs_nothing(tmp_path):
    docs, tasks = framework_and_plan("Quảng Bình", "fwqb", "dqb1", "x")
    con = write_plans(tmp_path, docs[:1], [t for t in tasks if t["doc_id"] == "fwqb"])
    assert read_log(tmp_path)["computed"] == [] and con.execute("SELECT count(*) FROM alignment").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM stg_framework_tasks").fetchone() == (2,)


# ---------------------------------------------------------------- the weights


@pytest.mark.parametrize("df, n, expected", [(1, 9, math.log(10 / 2) + 1), (9, 9, 1.0), (0, 4, math.log(5) + 1)])
def test_idf_is_smoothed(df, n, expected):
    assert weights.idf(np.array([df]), n)[0] == pytest.approx(expected)


def test_vectors_are_unit_length_and_the_cut_offs_count_within_the_scope():
    units = pa.table({"unit_id": pa.array([1, 2, 3, 4], pa.uint64()),
                      "kind": ["department", "hoat_dong", "hoat_dong", "nhiem_vu"]})
    terms = pa.table({"unit_id": pa.array([1, 1, 2, 2, 3, 4, 4], pa.uint64()),
                      "term": ["kế", "hoạch", "kế", "hoạch", "kế", "kế", "riêng"],
                      "tf": [1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0]})
    v = weights.scope_vectors(units, terms, {"max_df_ratio": 0.7, "cross_area_max_df": 1})
    lengths = np.sqrt(np.asarray(v.matrix.multiply(v.matrix).sum(axis=1))).ravel()
    assert lengths == pytest.approx([1, 1, 1, 1])
    present = np.diff(v.matrix.tocsc().indptr) > 0
    by_term = {t: (bool(k), bool(r)) for t, k, r, here in zip(v.terms.to_pylist(), v.kept, v.rare, present, strict=True)
               if here}
    # "kế" is in all 3 corpus units (> 0.7 of them): not kept; "hoạch" in 2 of 3: kept, not rare;
    # "riêng" is only in a nhiệm vụ's own text, which is no corpus unit: left out
    assert by_term == {"kế": (False, False), "hoạch": (True, False)}


def test_terms_as_numbers_give_the_vectors_terms_as_strings_give():
    units = pa.table({"unit_id": pa.array([1, 2, 3], pa.uint64()), "kind": ["department", "hoat_dong", "hoat_dong"]})
    strings = pa.table({"unit_id": pa.array([1, 1, 2, 2, 3], pa.uint64()),
                        "term": ["báo cáo", "kế hoạch", "kế hoạch", "đào tạo", "báo cáo"],
                        "tf": [1.0, 2.0, 1.0, 1.5, 1.0]})
    vocabulary = pa.array(["báo cáo", "khác", "kế hoạch", "đào tạo"])   # a term no unit of this scope holds too
    numbers = pa.table({"unit_id": strings["unit_id"], "term_id": pa.array([0, 2, 2, 3, 0], pa.uint32()),
                        "tf": strings["tf"]})
    p = {"max_df_ratio": 0.9, "cross_area_max_df": 1}
    a = weights.scope_vectors(units, strings, p)
    b = weights.scope_vectors(units, numbers, p, vocabulary=vocabulary)
    assert sorted(b.terms.to_pylist()) == sorted(a.terms.to_pylist()) == ["báo cáo", "kế hoạch", "đào tạo"]
    order = [a.terms.to_pylist().index(t) for t in b.terms.to_pylist()]    # a's columns in b's order
    assert np.array_equal(a.matrix.toarray()[:, order], b.matrix.toarray())
    assert np.array_equal(a.kept[order], b.kept) and np.array_equal(a.rare[order], b.rare)


def test_scopes_scored_on_several_threads_give_what_one_thread_gives(tmp_path, monkeypatch):
    from pipeline.database.alignment import refresh

    plans = [framework_and_plan(province, f"fw{n}", f"d{n}", words) for n, (province, words) in enumerate([
        ("Quảng Bình", "Ban hành kế hoạch kiểm tra năm 2026"), ("Hà Tĩnh", "Xây dựng kế hoạch đào tạo, bồi dưỡng"),
        ("Lâm Đồng", "Kiểm tra công tác cải cách hành chính"), ("Lào Cai", "Bồi dưỡng cán bộ, công chức")])]
    tables = {}
    for threads in (1, 3):
        monkeypatch.setattr(refresh, "scoring_threads", lambda con=None, threads=threads: threads)
        (tmp_path / str(threads)).mkdir()
        con = build(tmp_path / str(threads), *plans)
        assert read_log(tmp_path / str(threads))["computed"] == ["fw0", "fw1", "fw2", "fw3"]
        tables[threads] = con.execute(f"SELECT {', '.join(COMPARED)} FROM alignment ORDER BY ALL").fetchall()
        con.close()
    assert tables[1] and tables[3] == tables[1]


def test_many_scopes_scored_in_processes_give_what_one_thread_gives(tmp_path, monkeypatch):
    # from PROCESS_SCOPES scopes on (one here), two or more workers are processes, each given every scope's
    # inputs: the files they write must hold what one thread computes
    from pipeline.database.alignment import refresh

    plans = [framework_and_plan(province, f"fw{n}", f"d{n}", words) for n, (province, words) in enumerate([
        ("Quảng Bình", "Ban hành kế hoạch kiểm tra năm 2026"), ("Hà Tĩnh", "Xây dựng kế hoạch đào tạo, bồi dưỡng"),
        ("Lâm Đồng", "Kiểm tra công tác cải cách hành chính")])]
    used, in_processes = [], refresh.scored_in_processes

    def counted(*args):
        used.append(args[-1])
        return in_processes(*args)

    monkeypatch.setattr(refresh, "PROCESS_SCOPES", 1)
    monkeypatch.setattr(refresh, "scored_in_processes", counted)
    tables = {}
    for threads in (1, 2):
        monkeypatch.setattr(refresh, "scoring_threads", lambda con=None, threads=threads: threads)
        (tmp_path / str(threads)).mkdir()
        con = build(tmp_path / str(threads), *plans)
        tables[threads] = con.execute(f"SELECT {', '.join(COMPARED)} FROM alignment ORDER BY ALL").fetchall()
        con.close()
    assert used == [2]
    assert tables[1] and tables[2] == tables[1]


def test_a_scoring_process_dies_with_the_build():
    # the kernel kills a scoring process whose parent went (kill -9 included): PR_GET_PDEATHSIG says SIGKILL
    import signal
    import subprocess
    import sys

    probe = ("import ctypes, signal; from pipeline.database.alignment.refresh import enter_scoring;"
             " enter_scoring(None, {}); v = ctypes.c_int();"
             " ctypes.CDLL(None).prctl(2, ctypes.byref(v), 0, 0, 0);"
             " print(v.value, signal.getsignal(signal.SIGINT) is signal.SIG_IGN)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(int(signal.SIGKILL)), "True"]


def test_the_terms_computed_for_scoring_are_the_views_terms(tmp_path):
    # compute_terms runs the term views over the scopes to score, each scope carried as its number, and
    # ScopeInputs.terms sums them as matrices: the rows must be int_row_terms' own, scope for scope
    from pipeline.database.alignment import inputs
    from pipeline.database.build import view_sql

    folder = tmp_path / "normalized"
    folder.mkdir()
    con = build(folder, framework_and_plan("Quảng Bình", "fwqb", "dqb1", "Ban hành kế hoạch kiểm tra năm 2026"),
                framework_and_plan("Hà Tĩnh", "fwht", "dht1", "Xây dựng kế hoạch đào tạo, bồi dưỡng"))
    inputs.compute_terms(con, view_sql(folder), ["fwqb", "fwht"])
    read = inputs.ScopeInputs(con)
    scoped = []
    for scope in ("fwqb", "fwht"):
        terms, vocabulary = read.terms(scope)
        scoped += [(scope, unit, vocabulary[term].as_py(), tf)
                   for unit, term, tf in zip(*terms.to_pydict().values(), strict=True)]
    scoped.sort()
    viewed = con.execute("SELECT scope_id, unit_id, term, tf FROM int_row_terms ORDER BY ALL").fetchall()
    assert len(scoped) > 50 and {s for s, *_ in scoped} == {"fwqb", "fwht"}
    assert scoped == viewed
    assert any(tf >= 2 for *_, tf in viewed)           # a term met twice in a unit's fields: summed


def test_a_build_given_threads_scores_on_no_more_than_those(tmp_path, monkeypatch):
    from pipeline.database.alignment import refresh
    from pipeline.database.build import build_database
    from schemas.arrow import failures_schema

    folder = tmp_path / "normalized"
    folder.mkdir()
    build(folder, *[framework_and_plan(province, f"fw{n}", f"d{n}", words) for n, (province, words) in enumerate([
        ("Quảng Bình", "Ban hành kế hoạch kiểm tra năm 2026"), ("Hà Tĩnh", "Xây dựng kế hoạch đào tạo")])]).close()
    pq.write_table(failures_schema().empty_table(), folder / "failures.parquet")     # what a run writes beside them
    (folder / "runs.jsonl").touch()
    used, scored = [], refresh.scored

    def counted(read, todo, p, threads=None):
        used.append(threads)
        return scored(read, todo, p, threads)

    monkeypatch.setattr(refresh, "scored", counted)
    for n, threads in enumerate((1, 2)):
        store.prune(store.store_folder(folder), set())             # every scope computed again
        build_database(tmp_path / f"{n}.duckdb", folder, threads=threads)
    assert used == [1, min(2, len(os.sched_getaffinity(0)))]


def test_scoring_threads_keep_to_the_databases_setting():
    from pipeline.database.alignment.refresh import scoring_threads

    con = duckdb.connect()
    con.execute("SET threads = 1")
    assert scoring_threads(con) == 1
    con.execute("SET threads = 64")
    assert 1 <= scoring_threads(con) <= 4


def test_scored_yields_each_scope_in_the_order_asked_and_tells_a_failure(monkeypatch, tmp_path):
    import time

    from pipeline.database.alignment import refresh

    monkeypatch.setattr(refresh, "scoring_threads", lambda: 3)
    monkeypatch.setattr(refresh, "scope_inputs", lambda read, scope_id, kind: (scope_id, None, None, None))
    slow = {"a": 0.2, "b": 0.0, "c": 0.1, "d": 0.0}

    def compute(scope_id, kind, units, terms, vocabulary, roles, p):
        time.sleep(slow[scope_id])
        if scope_id == "d" and p.get("fail"):
            raise RuntimeError("scope d")
        return pa.table({"scope_id": [scope_id]})

    monkeypatch.setattr(refresh, "compute_scope", compute)
    read = object()
    todo = [(s, "candidates", tmp_path / f"{s}.parquet") for s in "abcd"]
    assert list(refresh.scored(read, todo, {})) == [path for _, _, path in todo]
    assert [pq.read_table(path)["scope_id"][0].as_py() for _, _, path in todo] == list("abcd")
    with pytest.raises(RuntimeError, match="scope d"):
        list(refresh.scored(read, todo, {"fail": True}))


def test_store_files_are_named_by_scope_and_key_and_pruned(tmp_path):
    folder = tmp_path / "alignment"
    store.ensure_empty_files(folder, {"candidates": pa.schema([("x", pa.int64())]),
                                      "version_pairs": pa.schema([("y", pa.int64())])})
    old = store.scope_file(folder, "candidates", "versions:a>b", "k1")
    new = store.scope_file(folder, "candidates", "versions:a>b", "k2")
    for path in (old, new):
        store.write_atomically(pa.table({"x": [1]}), path)
    assert re.fullmatch(r"versions_a-b\.k2\.parquet", new.name)
    assert store.prune(folder, {new}) == [old]
    assert sorted(p.name for p in (folder / "candidates").iterdir()) == ["_empty.parquet", new.name]
    assert pc.sum(pq.read_table(new)["x"]).as_py() == 1


# ---------------------------------------------------------------- the row's role


def role_plans(folder, content: str):
    """A framework with two nhiệm vụ of one lĩnh vực: 2.1 gives the department chủ trì (through a collective),
    2.2 only phối hợp, and 2.2's wording is closer to the department's row."""
    docs = [document("fw", "UBND tỉnh Hà Tĩnh", "province"), document("d", "Sở Tư pháp", "department")]
    tasks = [{"doc_id": "fw", "row_no": 1, "source_part": "appendix", "area_code": 7, "task_code": "2.1",
              "task_codes": ["2.1"], "task": "Duy trì và cải tiến hệ thống tại các cơ quan", "content": "x",
              "leads": ["Các cơ quan, đơn vị, địa phương"]},
             {"doc_id": "fw", "row_no": 2, "source_part": "appendix", "area_code": 7, "task_code": "2.2",
              "task_codes": ["2.2"], "task": "Kiểm tra việc áp dụng hệ thống quản lý chất lượng ISO tại các cơ quan",
              "content": "y", "leads": ["Sở Khoa học và Công nghệ"], "partners": ["Các cơ quan, đơn vị, địa phương"]},
             {"doc_id": "d", "row_no": 1, "source_part": "appendix", "area_code": 7, "stt": "1", "content": content}]
    return write_plans(folder, docs, tasks)


@pytest.mark.parametrize("content, role, expected", [
    # the department's own work: the nhiệm vụ it leads comes first, though the other scores higher
    ("Duy trì áp dụng hệ thống quản lý chất lượng ISO tại các phòng", "lead", ["2.1", "2.2"]),
    # "phối hợp": the nhiệm vụ it supports comes first
    ("Phối hợp kiểm tra việc áp dụng hệ thống quản lý chất lượng ISO", "partner", ["2.2", "2.1"]),
])
def test_a_nhiem_vu_that_gives_the_department_the_rows_role_comes_first(tmp_path, content, role, expected):
    con = role_plans(tmp_path, content)
    assert con.execute("SELECT role FROM stg_department_rows").fetchone() == (role,)
    got = con.execute("""SELECT task_code, score, score_rank FROM alignment WHERE level = 'nhiem_vu'
                         ORDER BY rank""").fetchall()
    assert [c for c, _, _ in got] == expected
    scores = dict((c, s) for c, s, _ in got)
    if role == "lead":
        assert scores["2.2"] > scores["2.1"] >= 0.25            # the order is the role's, not the score's


def test_role_cues_are_lower_case_nfc_with_a_known_role():
    import csv
    import unicodedata

    from pipeline.database.build import SCHEMAS_DIR
    with (SCHEMAS_DIR / "role_cues.csv").open(encoding="utf-8", newline="") as fh:
        cues = list(csv.DictReader(fh))
    assert {c["cue"] for c in cues} >= {"phối hợp", "tham gia"}
    assert all(c["cue"] == unicodedata.normalize("NFC", c["cue"]).lower() and c["role"] == "partner" for c in cues)
