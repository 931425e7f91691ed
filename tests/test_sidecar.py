"""Sidecars: every value checked against its key's type, size-limited, never a FIFO; a bad one names the key."""
from __future__ import annotations

import os
from datetime import date

import pytest

from parsers.errors import ParseError
from pipeline.fields.sidecar import MAX_BYTES, read_sidecar, sidecar_path


def write(tmp_path, text: str | bytes):
    plan = tmp_path / "plan.txt"
    plan.write_text("x", encoding="utf-8")
    data = text.encode("utf-8") if isinstance(text, str) else text
    sidecar_path(plan).write_bytes(data)
    return plan


@pytest.mark.parametrize("toml, expected", [
    ('plan_year = 2026\nprovince = "Hà Tĩnh"', {"plan_year": 2026, "province": "Hà Tĩnh"}),
    ("issued_date = 2025-12-31", {"issued_date": date(2025, 12, 31)}),
    ('issued_date = "2025-12-31"', {"issued_date": date(2025, 12, 31)}),
    ('issuer_level = "department"', {"issuer_level": "department"}),
    ('title = "Kế hoạch \\u001b[31mCCHC\\u001b[0m\\u202e"', {"title": "Kế hoạch CCHC"}),   # controls dropped
    ("\ufeffframework = '3369/QĐ-UBND'", {"framework": "3369/QĐ-UBND"}),                   # a BOM is fine
])
def test_good_values(tmp_path, toml, expected):
    assert read_sidecar(write(tmp_path, toml)) == expected


BAD = [
    # TOML, the words the one-line reason must hold (the key, what it expects)
    ("plan_year = 9223372036854775808", ["plan_year", "an integer", "9223372036854775808"]),
    ("plan_year = -1", ["plan_year", "a year"]),
    ('plan_year = "2026"', ["plan_year", "a year, an integer", "str"]),
    ("plan_year = true", ["plan_year", "bool"]),
    ("plan_year = 2026.5", ["plan_year", "float"]),
    ("province = 42", ["province", "text (a quoted string)", "int"]),
    ("issuer = [1, 2]", ["issuer", "text", "list"]),
    ("title = { a = 1 }", ["title", "text", "dict"]),
    ("framework = 1979-05-27T07:32:00Z", ["framework", "text", "datetime"]),
    ('issuer_level = "ministry"', ["issuer_level", "one of", "province"]),
    ('issued_date = "31/12/2025"', ["issued_date", "YYYY-MM-DD"]),
    ("issued_date = 1979-05-27T07:32:00", ["issued_date", "a date", "datetime"]),
    ("issued_date = nan", ["issued_date", "float"]),
    ('title = "' + "x" * 2000 + '"', ["title", "over the 1000 limit"]),
    ('colour = "blue"', ["unknown sidecar keys: colour"]),
    ('"new\\nline" = 1', ["unknown sidecar keys: new\\nline"]),              # the key's newline escaped
    ("plan_year = ", ["unreadable sidecar"]),
    (b"\xff\xfe\x00junk", ["unreadable sidecar: not UTF-8"]),
]


@pytest.mark.parametrize("toml, says", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_values_are_one_line_naming_the_sidecar_and_the_key(tmp_path, toml, says):
    plan = write(tmp_path, toml)
    with pytest.raises(ParseError) as caught:
        read_sidecar(plan)
    message = str(caught.value)
    assert message.startswith(str(sidecar_path(plan)) + ": ") and "\n" not in message
    assert all(word in message for word in says), message


def test_size_limit_refuses_without_reading(tmp_path):
    plan = write(tmp_path, "")
    with open(sidecar_path(plan), "wb") as fh:
        fh.truncate(78 * 1024 * 1024)                 # 78 MB, sparse: reading it whole would cost 1.2 GB
    with pytest.raises(ParseError, match=r"sidecar too large \(79872 KB, limit 64 KB\)"):
        read_sidecar(plan)
    sidecar_path(plan).write_bytes(b"#" * MAX_BYTES)  # exactly the limit is fine
    assert read_sidecar(plan) == {}


def test_a_fifo_sidecar_does_not_hang(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("x", encoding="utf-8")
    os.mkfifo(sidecar_path(plan))
    with pytest.raises(ParseError, match="not a regular file"):
        read_sidecar(plan)


def test_no_sidecar(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("x", encoding="utf-8")
    assert read_sidecar(plan) == {}
