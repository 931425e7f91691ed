"""pipeline.database.build: how the tables it writes are laid out."""
from __future__ import annotations

import duckdb

from pipeline.database.build import ROW_GROUP_ROWS, build_database
from tests.bench.bench_alignment import corpus, write_tables


def test_the_build_writes_row_groups_small_enough_for_every_thread(tmp_path):
    """20,000 department rows are two row groups of at most ROW_GROUP_ROWS, not one of DuckDB's 122,880: the
    views over the table (text keys, terms) then run on every thread, not on one."""
    docs, tasks = corpus({"provinces": 1, "plans": 400, "rows": 50, "framework_rows": 30})
    write_tables(tmp_path, docs, tasks)
    build_database(tmp_path / "cchc.duckdb", tmp_path)
    con = duckdb.connect(str(tmp_path / "cchc.duckdb"), read_only=True)
    rows = con.execute("SELECT count(*) FROM stg_department_rows").fetchone()[0]
    groups = con.execute("SELECT row_group_id, max(count) FROM pragma_storage_info('stg_department_rows')"
                         " GROUP BY ALL").fetchall()
    con.close()
    assert rows >= 20_000
    assert len(groups) >= -(-rows // ROW_GROUP_ROWS) and max(n for _, n in groups) <= ROW_GROUP_ROWS
