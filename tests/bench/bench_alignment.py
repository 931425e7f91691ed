"""Scale benchmark of the alignment views (sql/1x–3x): 34 provinces × 60 department plans × 50 rows
against 34 frameworks of 150 rows, generated from the seed plans' own wording, as Parquet in a temp dir.

The whole view stack is materialized layer by layer (each view of sql/1x–3x becomes a table of the same
name, in file order, so every layer is computed once) in a child process; the figures are the wall time
per layer and in total (target ≤ 10 s) and the child's peak resident memory.
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

PROVINCES = 34
PLANS_PER_PROVINCE = 60
ROWS_PER_PLAN = 50
FRAMEWORK_ROWS = 150
TARGET_SECONDS = 10.0
SEED = 20260101

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


def framework_tasks(doc_id: str, pool: list, rng: random.Random) -> list[dict]:
    """Given a framework doc_id and the seed framework rows, return FRAMEWORK_ROWS rows grouped in nhiệm vụ."""
    rows, task_no, activity_no = [], 0, 0
    while len(rows) < FRAMEWORK_ROWS:
        task_no += 1
        base = rng.choice(pool)
        for _ in range(min(rng.choice([1, 1, 2, 2, 3, 4]), FRAMEWORK_ROWS - len(rows))):
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
                "due_end": date(2026, rng.choice([3, 6, 9, 12]), 28), "budget_vnd": rng.choice([None, None, 5_000_000 * rng.randint(1, 40)]),
            })
    return rows


def department_tasks(doc_id: str, dept_pool: list, fw_rows: list[dict], rng: random.Random) -> list[dict]:
    """Given a plan's doc_id, the seed department rows and its framework, return ROWS_PER_PLAN rows."""
    rows = []
    for row_no in range(1, ROWS_PER_PLAN + 1):
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


def write_corpus(folder: Path) -> tuple[int, int]:
    """Given an empty folder, write documents.parquet and tasks.parquet of the generated corpus; return their sizes."""
    from schemas.arrow import documents_schema, tasks_schema

    rng = random.Random(SEED)
    fw_pool, dept_pool = seed_rows()
    provinces = [p.strip() for p in (ROOT / "schemas" / "provinces.csv").read_text(encoding="utf-8").splitlines()[1:]]
    docs, tasks = [], []
    for p in range(PROVINCES):
        province = provinces[p % len(provinces)]
        fw_id = f"fw{p:04d}".ljust(16, "0")
        docs.append(document(fw_id, f"UBND tỉnh {province}", "UBND tỉnh", "province", province))
        fw_rows = framework_tasks(fw_id, fw_pool, rng)
        tasks += fw_rows
        for d in range(PLANS_PER_PROVINCE):
            dept_id = f"dp{p:04d}{d:04d}".ljust(16, "0")
            agency = DEPARTMENTS[d % len(DEPARTMENTS)]
            docs.append(document(dept_id, agency, agency, "department", province))
            tasks += department_tasks(dept_id, dept_pool, fw_rows, rng)
    for name, rows, schema in (("tasks", tasks, tasks_schema()), ("documents", docs, documents_schema())):
        defaults = {f.name: empty_value(f) for f in schema}
        table = pa.Table.from_pylist([defaults | r for r in rows], schema=schema)
        pq.write_table(table, folder / f"{name}.parquet")
    return len(docs), len(tasks)


def stack_sql(folder: Path) -> list[tuple[str, str]]:
    """Given the Parquet folder, return (file, SQL) of the base views and of the alignment stack (sql/1x–3x)."""
    from pipeline.database.build import view_sql

    return [(name, sql) for name, sql in view_sql(folder) if name[:3] in ("00_", "01_") or name[0] in "123"]


def materialize(folder: str, queue) -> None:
    """In a child process: build the stack over folder, each alignment view materialized as a table; report timings."""
    import duckdb

    from pipeline.database.build import create_reference_tables

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    create_reference_tables(con)
    timings, start = [], time.perf_counter()
    for name, sql in stack_sql(Path(folder)):
        if name[0] in "123":
            sql = sql.replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TABLE", 1)
        t0 = time.perf_counter()
        con.execute(sql)
        timings.append((name, time.perf_counter() - t0))
    total = time.perf_counter() - start
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("stg_department_rows", "stg_framework_rows", "int_pair_scores", "alignment", "coverage",
                        "extra_tasks", "deadline_conflicts", "responsibility_gaps")}
    queue.put((timings, total, counts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        n_docs, n_tasks = write_corpus(folder)
        print(f"corpus: {n_docs} documents, {n_tasks} task rows written in {time.perf_counter() - t0:.1f} s")
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        child = ctx.Process(target=materialize, args=(str(folder), queue))
        child.start()
        timings, total, counts, peak_kb = queue.get()
        child.join()
    for name, seconds in timings:
        if seconds >= 0.05:
            print(f"  {name:<34} {seconds:6.2f} s")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    verdict = "ok" if total <= TARGET_SECONDS else f"SLOWER than the {TARGET_SECONDS:.0f} s target"
    print(f"materialized view stack: {total:.2f} s ({verdict}); peak memory {peak_kb / 1024:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
