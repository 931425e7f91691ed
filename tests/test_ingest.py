"""The batch over the sample data: Parquet files, DuckDB views, metadata per seed."""
from __future__ import annotations

from datetime import date

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.batch.plan import discover
from pipeline.batch.run import ingest
from schemas.arrow import documents_schema, tasks_schema


@pytest.fixture(scope="module")
def sample_db(sample_ingest):
    """The repository's data/raw, ingested once per session (tests/conftest.py)."""
    return sample_ingest


def test_sample_data_ingests_without_failures(sample_db):
    _, report = sample_db
    assert report.failures == []
    assert len(report.documents) == 5


def test_parquet_files_carry_the_one_schema(sample_db):
    tmp, _ = sample_db
    assert pq.read_schema(tmp / "normalized" / "documents.parquet").remove_metadata() == \
        documents_schema().remove_metadata()
    assert pq.read_schema(tmp / "normalized" / "tasks.parquet").remove_metadata() == \
        tasks_schema().remove_metadata()
    assert not list((tmp / "normalized").glob("*.tmp"))


EXPECTED_DOCS = {
    # source file: (issuer, level, plan_year, plan_period, plan_number, issued_date)
    "so-ngoai-vu-2026-phu-luc.txt": ("Sở Ngoại vụ", "department", 2026, "2026", "/KH-SNgV", None),
    "quang-tri-so-cong-thuong-2025-h2.txt": ("Sở Công Thương", "department", 2025, "2025-H2", "/KH-SCT", None),
    "ha-tinh-so-ngoai-vu-2022.txt": ("Sở Ngoại vụ", "department", 2022, "2022", None, None),
    "ha-tinh-ubnd-tinh-2026-qd-3369.txt": ("UBND tỉnh Hà Tĩnh", "province", 2026, "2026", "3369/QĐ-UBND",
                                           date(2025, 12, 31)),
    "van-phong-ubnd-tinh-2026-phu-luc.txt": ("Văn phòng UBND tỉnh", "department", 2026, "2026", "/KH-VPUBND", None),
}


def test_document_metadata(sample_db):
    tmp, _ = sample_db
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    rows = con.execute("select source_file, issuer, issuer_level, plan_year, plan_period, plan_number, issued_date,"
                   " task_count from documents").fetchall()
    got = {r[0]: r[1:7] for r in rows}
    assert got == EXPECTED_DOCS
    counts = {r[0]: r[7] for r in rows}
    assert counts["van-phong-ubnd-tinh-2026-phu-luc.txt"] == 30


def test_sidecar_names_the_framework(sample_db):
    tmp, _ = sample_db
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    linked = con.execute("""select d.source_file, f.plan_number from documents d
                        join documents f on f.doc_id = d.framework_doc_id order by 1""").fetchall()
    assert linked == [("so-ngoai-vu-2026-phu-luc.txt", "3369/QĐ-UBND"),
                      ("van-phong-ubnd-tinh-2026-phu-luc.txt", "3369/QĐ-UBND")]


def test_doc_id_is_stable(sample_db):
    tmp, report = sample_db
    again = ingest(tmp / "raw", tmp / "again", tmp / "again.duckdb")
    assert [d.doc_id for d in again.documents] == [d.doc_id for d in report.documents]


def test_discover_skips_sidecars_and_hidden(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.txt.meta.toml").write_text("")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.PDF").write_bytes(b"%PDF")
    (tmp_path / "c.xlsx").write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == ["a.txt", "sub/b.PDF"]


def test_issuer_agency_and_reference_tables(sample_db):
    tmp, _ = sample_db
    con = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    got = dict(con.execute("select source_file, issuer_agency from documents").fetchall())
    assert got["ha-tinh-ubnd-tinh-2026-qd-3369.txt"] == "UBND tỉnh"
    assert got["van-phong-ubnd-tinh-2026-phu-luc.txt"] == "Văn phòng UBND tỉnh"
    groups = con.execute("select groups from agencies where name = 'Sở Ngoại vụ'").fetchone()[0]
    assert "all_provincial_departments" in groups
    label = con.execute("select label from agency_groups where key = 'all_provincial_departments'").fetchone()[0]
    assert label == "Các sở, ban, ngành cấp tỉnh"
