"""A self-healing store: a missing or damaged table file in the current snapshot is found by the next
incremental run, which reads the files again and commits a whole snapshot."""
from __future__ import annotations

import pytest

from pipeline.batch.manifest import read_manifest
from pipeline.batch.store import current_snapshot, snapshot_trouble
from tests.test_nightly import consistent, corpus, light_views, put_seed, query, run, tables  # noqa: F401

pytestmark = pytest.mark.usefixtures("light_views")


def delete(path):
    path.unlink()


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(path):
    path.write_bytes(b"not parquet at all")


def other_rows(path):
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    pq.write_table(table.slice(0, max(table.num_rows - 1, 0)), path)       # a readable file, one row short


DAMAGE = [("tasks", delete), ("tasks", truncate), ("documents", garbage), ("documents", delete),
          ("failures", truncate), ("tasks", other_rows)]


@pytest.mark.parametrize("table, damage", DAMAGE, ids=[f"{t}-{d.__name__}" for t, d in DAMAGE])
def test_a_damaged_table_is_rebuilt_by_the_next_incremental_run(tmp_path, table, damage):
    corpus(tmp_path / "raw", 3)
    (tmp_path / "raw" / "junk.txt").write_bytes(b"\x00\x01binary")        # a quarantined file too
    run(tmp_path)
    before = tables(tmp_path / "cchc.duckdb")
    snapshot = current_snapshot(tmp_path / "normalized")
    # the tables are hard links shared with the snapshots before: break a fresh file, as a disk would
    target = snapshot / f"{table}.parquet"
    if target.stat().st_nlink > 1:
        data = target.read_bytes()
        target.unlink()
        target.write_bytes(data)
    damage(target)
    assert snapshot_trouble(tmp_path / "normalized", read_manifest(snapshot / "manifest.json"), snapshot)

    report = run(tmp_path)

    assert report.reprocess_reason.startswith(f"the last snapshot cannot be trusted: {table}.parquet of snapshot")
    assert report.record.wrote_snapshot and report.record.exit_code == 0      # the quarantined file is not news
    assert tables(tmp_path / "cchc.duckdb")["tasks"] == before["tasks"]
    assert tables(tmp_path / "cchc.duckdb")["failures"] == before["failures"]
    assert [d[:3] for d in tables(tmp_path / "cchc.duckdb")["documents"]] == [d[:3] for d in before["documents"]]
    assert consistent(tmp_path / "cchc.duckdb")
    again = run(tmp_path)
    assert again.record.wrote_snapshot is False and again.reprocess_reason is None


def test_a_damaged_manifest_reads_everything_again(tmp_path):
    put_seed(tmp_path / "raw", "000")
    run(tmp_path)
    snapshot = current_snapshot(tmp_path / "normalized")
    (snapshot / "manifest.json").write_text("{", encoding="utf-8")
    report = run(tmp_path)
    assert report.new == ["plan-000.txt"] and report.record.wrote_snapshot
    assert query(tmp_path / "cchc.duckdb", "SELECT count(*) FROM tasks") == [(24,)]
    assert len(list((tmp_path / "normalized" / "snapshots").iterdir())) == 1     # the broken one collected
