"""The data dictionary inside the database: every table, view and column says what it is (pipeline.database.dictionary)."""
from __future__ import annotations

import duckdb
import pytest

from pipeline.database.dictionary import column_comments, object_comments, undocumented


def test_an_objects_comment_is_the_block_just_above_its_create():
    sql = """-- first: one row per plan,
-- said on two lines.
CREATE OR REPLACE VIEW first AS SELECT 1;

-- not this one's: a blank line parts them

create table second AS SELECT 2;
-- third: the last
CREATE OR REPLACE TABLE third AS SELECT 3;
"""
    assert object_comments(sql) == {"first": "first: one row per plan, said on two lines.", "third": "third: the last"}


def test_column_meanings_come_from_the_models_and_the_csv():
    meanings = column_comments()
    assert "nhiệm vụ" in meanings["task"]                   # the model's field description
    assert meanings["status"] and meanings["score"]          # schemas/columns.csv
    assert all(text.strip() for text in meanings.values())


@pytest.fixture(scope="module")
def con(sample_con):
    return sample_con


def test_every_table_view_and_column_of_the_database_says_what_it_is(con):
    assert undocumented(con) == []


def test_describe_explains_a_mart(con):
    comment = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'coverage'").fetchone()[0]
    assert comment.startswith("coverage: one row per department plan")
    columns = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'coverage'")
                   .fetchall())
    assert "covered" in columns["status"] and "missing" in columns["status"]


def test_the_areas_table_names_the_seven_lines_of_nq_76(con):
    rows = con.execute("SELECT area_code, roman, area_name, headings FROM areas ORDER BY area_code").fetchall()
    assert [r[:2] for r in rows] == [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (7, "VII")]
    assert rows[2][2] == "Cải cách thủ tục hành chính" and "thu tuc hanh chinh" in rows[2][3]
    assert con.execute("SELECT count(*) FROM tasks t JOIN areas a USING (area_code)").fetchone()[0] > 0


def test_a_database_built_without_a_meaning_is_told(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE plain (what INTEGER)")
    assert undocumented(con) == ["plain", "plain.what"]
