"""pipeline.database.build: how the tables it writes are laid out."""
from __future__ import annotations

import duckdb
import pytest

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


def test_duckdb_is_given_the_scorings_share_of_memory_once_the_scores_are_computed(tmp_path, monkeypatch):
    """CCHC_DB_MEMORY_MB holds DuckDB while the scores are computed beside it; the tables after them (the alignment's
    links: 2.1 s at 384 MiB nationally, 1.55 s at 768) may use MARTS_MEMORY_FACTOR times that."""
    from pipeline.database import build

    seen = {}
    refresh, comments = build.refresh_alignment, build.apply_comments

    def limit(con) -> float:
        value, unit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0].split()
        return float(value) * {"MiB": 1, "GiB": 1024}[unit]

    def scoring(con, *args):
        seen["scoring"] = limit(con)
        return refresh(con, *args)

    def marts(con, *args):
        seen["marts"] = limit(con)
        return comments(con, *args)

    monkeypatch.setenv("CCHC_DB_MEMORY_MB", "100")
    monkeypatch.setattr(build, "refresh_alignment", scoring)
    monkeypatch.setattr(build, "apply_comments", marts)
    docs, tasks = corpus({"provinces": 1, "plans": 2, "rows": 5, "framework_rows": 10})
    write_tables(tmp_path, docs, tasks)
    build_database(tmp_path / "cchc.duckdb", tmp_path)
    assert seen["scoring"] == pytest.approx(100, abs=1)
    assert seen["marts"] == pytest.approx(100 * build.MARTS_MEMORY_FACTOR, abs=1) and build.MARTS_MEMORY_FACTOR > 1
