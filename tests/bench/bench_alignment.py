"""Scale benchmarks of the alignment (sql/ and pipeline/database/alignment), each build in a child process:

1. national: 34 provinces × 60 department plans × 50 rows against 34 frameworks of 150 rows, generated from the
   seed plans' own wording (target ≤ 10 s, ≤ 1.5 GB);
2. nightly: the same database built again after one department plan changed: only its framework is scored;
3. one framework of 5,000 rows against 100,000 department rows (target ≤ 60 s, ≤ 2 GB).

Each figure is a whole database build (build_database: every table and view of sql/ and the scores), in wall
and CPU seconds, with the child's peak resident memory, and a peer measured in the same child (a fixed DuckDB
and numpy workload): on a shared machine the ratio build / peer moves less than the seconds do.
"""
from __future__ import annotations

import multiprocessing as mp
import random
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent.parent
RAW = ROOT / "data" / "raw"
FRAMEWORK_SEED = "ha-tinh-ubnd-tinh-2026-qd-3369.txt"
SEED = 20260101

NATIONAL = {"provinces": 34, "plans": 60, "rows": 50, "framework_rows": 150, "seconds": 10.0, "mib": 1536}
ONE_BIG = {"provinces": 1, "plans": 2000, "rows": 50, "framework_rows": 5000, "seconds": 60.0, "mib": 2048}

DEPARTMENTS = [
    "Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Khoa học và Công nghệ", "Sở Công Thương", "Sở Ngoại vụ",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo",
    "Sở Y tế", "Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh", "Văn phòng UBND tỉnh", "Ban Quản lý Khu kinh tế tỉnh",
]


def seed_rows() -> tuple[list, list]:
    """Given the sample plans in data/raw, return (framework phụ lục rows, department rows) as TaskRow objects."""
    from pipeline.batch.process import process_file

    framework, department = [], []
    for path in sorted(RAW.glob("*.txt")):
        result = process_file(path, RAW)
        if path.name == FRAMEWORK_SEED:
            framework = [t for t in result.tasks if t.source_part == "appendix" and t.task_code]
        else:
            department += [t for t in result.tasks if t.content]
    return framework, department


def perturb(text: str | None, rng: random.Random) -> str | None:
    """Given a sentence, return it reworded a little: a few words dropped, a clause moved to the end."""
    if not text:
        return text
    words = text.split()
    kept = [w for w in words if rng.random() > 0.12] or words
    clauses = re.split(r"(?<=[,;])\s+", " ".join(kept))
    if len(clauses) > 2 and rng.random() < 0.4:
        clauses.append(clauses.pop(rng.randrange(len(clauses) - 1)))
    return " ".join(clauses)


def framework_tasks(doc_id: str, pool: list, size: int, rng: random.Random) -> list[dict]:
    """Given a framework doc_id and the seed framework rows, return `size` rows grouped in nhiệm vụ."""
    rows, task_no, activity_no = [], 0, 0
    while len(rows) < size:
        task_no += 1
        base = rng.choice(pool)
        for _ in range(min(rng.choice([1, 1, 2, 2, 3, 4]), size - len(rows))):
            src = rng.choice([t for t in pool if t.area_code == base.area_code])
            codes = [f"3.{activity_no + k + 1}" for k in range(rng.choice([1, 1, 1, 2]))]
            activity_no += len(codes)
            activity = perturb(src.activity or src.content, rng)
            if len(codes) == 2:  # two hoạt động run together in one cell, as in the seed framework
                other = rng.choice(pool)
                activity = f"{activity} {codes[1]}. {perturb(other.activity or other.content, rng)}"
            rows.append(src.model_dump() | {
                "doc_id": doc_id, "row_no": len(rows) + 1, "area_code": base.area_code, "subarea": base.subarea,
                "objective": perturb(base.objective, rng), "task": perturb(base.task, rng),
                "task_code": f"2.{task_no}", "task_codes": [f"2.{task_no}"], "activity": activity,
                "activity_codes": codes, "content": activity or base.task, "product": perturb(src.product, rng),
                "due_end": date(2026, rng.choice([3, 6, 9, 12]), 28),
                "budget_vnd": rng.choice([None, None, 5_000_000 * rng.randint(1, 40)]),
            })
    return rows


def department_tasks(doc_id: str, dept_pool: list, fw_rows: list[dict], size: int, rng: random.Random) -> list[dict]:
    """Given a plan's doc_id, the seed department rows and its framework, return `size` rows."""
    rows = []
    for row_no in range(1, size + 1):
        if rng.random() < 0.6:  # a row taken from the framework it answers to, reworded
            src = rng.choice(fw_rows)
            content, area, product = perturb(src["activity"] or src["task"], rng), src["area_code"], src["product"]
        else:  # a row of the department's own, from the seed department plans
            src_row = rng.choice(dept_pool)
            content, area, product = perturb(src_row.content, rng), src_row.area_code, src_row.product
        rows.append({
            "doc_id": doc_id, "row_no": row_no, "source_part": rng.choice(["appendix"] * 4 + ["body"]),
            "area_code": area, "stt": f"Hoạt động {row_no}", "content": content or "Nhiệm vụ",
            "product": perturb(product, rng), "leads": ["Các phòng, đơn vị thuộc Sở"],
            "due_end": date(2026, rng.choice([3, 6, 9, 12]), 28) + timedelta(days=rng.choice([0, 0, 0, 40])),
            "budget_vnd": rng.choice([None, None, None, 1_000_000 * rng.randint(1, 90)]),
        })
    return rows


def document(doc_id: str, issuer: str, agency: str, level: str, province: str) -> dict:
    """Given a document's identity, return its documents row."""
    return {"doc_id": doc_id, "source_file": f"{doc_id}.txt", "source_format": "txt", "sha256": doc_id * 4,
            "issuer": issuer, "issuer_agency": agency, "issuer_level": level, "province": province,
            "plan_year": 2026, "plan_period": "2026", "ingested_at": datetime(2026, 1, 1, tzinfo=UTC)}


def empty_value(field: pa.Field):
    """Given a column of the one schema, return the value a generated row leaves in it."""
    if pa.types.is_list(field.type):
        return []
    if field.nullable:
        return None
    return 0 if pa.types.is_integer(field.type) else ""


def corpus(size: dict) -> tuple[list[dict], list[dict]]:
    """Given a corpus size (provinces, plans per province, rows per plan, framework rows), return (documents, tasks)."""
    rng = random.Random(SEED)
    fw_pool, dept_pool = seed_rows()
    provinces = [p.strip() for p in (ROOT / "schemas" / "provinces.csv").read_text(encoding="utf-8").splitlines()[1:]]
    docs, tasks = [], []
    for p in range(size["provinces"]):
        province = provinces[p % len(provinces)]
        fw_id = f"fw{p:04d}".ljust(16, "0")
        docs.append(document(fw_id, f"UBND tỉnh {province}", "UBND tỉnh", "province", province))
        fw_rows = framework_tasks(fw_id, fw_pool, size["framework_rows"], rng)
        tasks += fw_rows
        for d in range(size["plans"]):
            dept_id = f"dp{p:04d}{d:04d}".ljust(16, "0")
            agency = DEPARTMENTS[d % len(DEPARTMENTS)]
            docs.append(document(dept_id, agency, agency, "department", province))
            tasks += department_tasks(dept_id, dept_pool, fw_rows, size["rows"], rng)
    return docs, tasks


def write_tables(folder: Path, docs: list[dict], tasks: list[dict]) -> None:
    """Write documents, tasks (and empty failures and run log) as the views of sql/sources read them."""
    from schemas.arrow import documents_schema, failures_schema, tasks_schema

    for name, rows, schema in (("tasks", tasks, tasks_schema()), ("documents", docs, documents_schema())):
        defaults = {f.name: empty_value(f) for f in schema}
        pq.write_table(pa.Table.from_pylist([defaults | r for r in rows], schema=schema), folder / f"{name}.parquet")
    pq.write_table(failures_schema().empty_table(), folder / "failures.parquet")
    (folder / "runs.jsonl").touch()


def one_plan_changed(docs: list[dict], tasks: list[dict]) -> tuple[list[dict], list[dict], str]:
    """Given the corpus, return it with one department plan edited (a new file: a new doc_id) and its framework."""
    old = next(d for d in docs if d["issuer_level"] == "department")
    new_id = old["doc_id"][:-1] + "x"
    docs = [d | {"doc_id": new_id, "sha256": new_id * 4} if d is old else d for d in docs]
    tasks = [t | {"doc_id": new_id, "content": t["content"] + " và báo cáo kết quả"} if t["doc_id"] == old["doc_id"]
             else t for t in tasks]
    return docs, tasks, next(d["doc_id"] for d in docs if d["issuer_level"] == "province"
                             and d["province"] == old["province"])


def peer() -> float:
    """A fixed workload of the same kind (DuckDB over strings, numpy over floats): its wall seconds."""
    import duckdb
    import numpy as np

    start = time.perf_counter()
    duckdb.sql("SELECT sum(hash(md5(i::VARCHAR))) FROM range(3000000) t(i)").fetchall()
    a = np.random.default_rng(0).random((1200, 1200))
    for _ in range(4):
        a = a @ a / 1200
    return time.perf_counter() - start


def build(folder: str, queue) -> None:
    """In a child process: build the database over folder; report the figures."""
    import duckdb

    from pipeline.database.alignment.store import read_log
    from pipeline.database.build import build_database

    peer_s = peer()
    wall, cpu = time.perf_counter(), time.process_time()
    build_database(Path(folder) / "cchc.duckdb", Path(folder))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    con = duckdb.connect(str(Path(folder) / "cchc.duckdb"), read_only=True)
    counts, query_s = {}, {}
    for view in ("alignment", "coverage", "extra_tasks", "deadline_conflicts", "review_queue"):
        start = time.perf_counter()
        counts[view] = con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
        query_s[view] = time.perf_counter() - start
    con.close()
    queue.put({"wall": wall, "cpu": cpu, "peer": peer_s, "mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "log": read_log(Path(folder)), "counts": counts, "query_s": query_s})


def measured(folder: Path) -> dict:
    """Build the database over folder in a child process; return its figures."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=build, args=(str(folder), queue))
    child.start()
    figures = queue.get()
    child.join()
    return figures


def report(label: str, f: dict, size: dict | None) -> None:
    verdict = ""
    if size is not None:
        ok = f["wall"] <= size["seconds"] and f["mib"] <= size["mib"]
        verdict = "ok" if ok else f"OVER the {size['seconds']:.0f} s / {size['mib']} MiB target"
    print(f"{label}: {f['wall']:.2f} s wall, {f['cpu']:.2f} s CPU, peak {f['mib']:.0f} MiB; peer {f['peer']:.2f} s, "
          f"build / peer {f['wall'] / f['peer']:.1f}; scopes computed {len(f['log']['computed'])}, "
          f"reused {len(f['log']['reused'])} (scores {f['log']['seconds']:.2f} s) {verdict}")
    print("   rows: " + ", ".join(f"{k} {v:,}" for k, v in f["counts"].items())
          + "; count(*) " + ", ".join(f"{k} {v:.2f} s" for k, v in f["query_s"].items()))


def prepared(tmp: str, name: str, size: dict) -> tuple[Path, list[dict], list[dict]]:
    """Given a temporary folder, a name and a corpus size, write that corpus into tmp/name; return it too."""
    folder = Path(tmp) / name
    folder.mkdir()
    docs, tasks = corpus(size)
    write_tables(folder, docs, tasks)
    print(f"{name}: {len(docs):,} documents, {len(tasks):,} task rows")
    return folder, docs, tasks


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, docs, tasks = prepared(tmp, "national", NATIONAL)
        report("national, first build", measured(folder), NATIONAL)
        docs, tasks, framework = one_plan_changed(docs, tasks)
        write_tables(folder, docs, tasks)
        nightly = measured(folder)
        report("nightly, one plan changed", nightly, None)
        print(f"   computed {nightly['log']['computed']} (the changed plan's framework is {framework})")
        del docs, tasks
        big, _, _ = prepared(tmp, "one-framework", ONE_BIG)
        report("one framework of 5,000 rows", measured(big), ONE_BIG)


if __name__ == "__main__":
    sys.exit(main())
