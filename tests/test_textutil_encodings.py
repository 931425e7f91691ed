"""Text that is text, in the encodings a Vietnamese office really saves: each detected, converted and named.

Control characters, terminal escapes and bidi controls never reach a stored field (cells, metadata,
sidecar values, warnings, failure reasons). Text files in Windows-1258, UTF-16 without a BOM and
UTF-8 encoded twice read as the plan they are, with the encoding named in the document's warnings.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.plaintext import parse_text
from parsers.textutil.clean import clean, text_only
from parsers.textutil.encodings import (
    MIN_TONES,
    TONES,
    cp1258_text,
    repair_double_utf8,
    unicode_to_cp1258,
    utf16_without_bom,
)
from parsers.textutil.legacy import decode_bytes, unicode_to_tcvn3, unicode_to_vni
from pipeline.batch.process import process_file
from tests.conftest import seed_path

HOSTILE = ["\x1b[31m", "\x1b[0m", "\x1b]0;owned\x07", "\x1b[2J\x1b[H", "\u202e", "\u202d", "\u2066", "\u2069",
           "\u200f", "\u200e", "\x00", "\x07", "\x08", "\x7f", "\x9b1m", "\x85", "\ufeff"]
CONTROL = {chr(c) for c in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0)]} | \
    set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
VIETNAMESE = "Kế hoạch cải cách hành chính năm 2026 của Sở Nội vụ: đẩy mạnh chuyển đổi số, ứng dụng CNTT"


def seed_text(key: str = "000") -> str:
    return unicodedata.normalize("NFC", seed_path(key).read_text(encoding="utf-8"))


def double_utf8(text: str) -> bytes:
    """UTF-8 read as Windows-1252 (undefined bytes kept as they are) and saved as UTF-8 again."""
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
                   for b in text.encode("utf-8")).encode("utf-8")


# --- control characters -----------------------------------------------------------------------------

@pytest.mark.parametrize("bad", HOSTILE, ids=[repr(b) for b in HOSTILE])
def test_text_only_removes_each_kind(bad):
    assert text_only(f"Sở{bad} Nội vụ") in ("Sở Nội vụ", "Sở1m Nội vụ")      # a C1 CSI's parameters may stay
    assert not set(text_only(f"a{bad}b")) & CONTROL


def test_text_only_keeps_text_and_layout():
    assert text_only(VIETNAMESE) is VIETNAMESE                               # untouched: the same object
    assert text_only("a\tb\nc\r\nd\re\u2028f") == "a\tb\nc\nd\ne\nf"
    assert clean("  Sở\x1b[1m Tư   pháp\u202e \n\n Chủ trì\x00 ") == "Sở Tư pháp\nChủ trì"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_text_only_leaves_no_control_and_is_idempotent(text):
    once = text_only(text)
    assert not set(once) & CONTROL and text_only(once) == once


def test_no_control_reaches_a_stored_field(tmp_path):
    lines = seed_text().split("\n")
    poisoned = [ln.replace("Sở", "S\x1b[31mở\x1b[0m").replace("Kế hoạch", "Kế\u202e hoạch\x07")
                for ln in lines]
    plan = tmp_path / "plan.txt"
    plan.write_text("\n".join(poisoned), encoding="utf-8")
    plan.with_name("plan.txt.meta.toml").write_text(
        'title = "Kế hoạch \\u001b[5mCCHC\\u001b[0m \\u202enăm 2026"\nissuer = "Sở Ngoại vụ\\u0007"\n'
        'framework = "ha-tinh\\u001b[2J.txt"\n', encoding="utf-8")
    result = process_file(plan, tmp_path)
    texts = [v for m in [result.document, *result.tasks] for v in m.model_dump().values()]
    flat = [x for v in texts for x in (v if isinstance(v, list) else [v]) if isinstance(x, str)]
    assert flat and not set("".join(flat)) & CONTROL
    assert result.document.title == "Kế hoạch CCHC năm 2026" and result.document.issuer == "Sở Ngoại vụ"
    assert result.framework_ref == "ha-tinh.txt"
    assert len(result.tasks) == 24 and any("Sở" in (t.lead_raw or "") for t in result.tasks)


def test_maps_of_text_are_made_text_too(tmp_path):
    from pipeline.batch.process import stored_text

    plan = tmp_path / "plan.txt"
    plan.write_text(seed_text(), encoding="utf-8")
    row = process_file(plan, tmp_path).tasks[0]
    dirty = row.model_copy(update={"extra": {"Ghi\x1b[1m chú": "xem\u202e lại"}, "lead_roles": {"Sở\x07": "chủ trì"}})
    clean = stored_text(dirty)
    assert clean.extra == {"Ghi chú": "xem lại"} and clean.lead_roles == {"Sở": "chủ trì"}
    assert stored_text(clean) is clean                   # nothing to clean: the same row back


# --- encodings --------------------------------------------------------------------------------------

ENCODINGS = [
    ("cp1258", unicode_to_cp1258, "Windows-1258"),
    ("utf-16-le", lambda t: t.encode("utf-16-le"), "UTF-16 (little-endian) without a byte-order mark"),
    ("utf-16-be", lambda t: t.encode("utf-16-be"), "UTF-16 (big-endian) without a byte-order mark"),
    ("utf-8-twice", double_utf8, "UTF-8 encoded twice"),
]


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("label, encode, _", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_decode_every_seed(key, label, encode, _):
    text = seed_text(key)
    assert decode_bytes(encode(text)) == (text, label)


@pytest.mark.parametrize("label, encode, named", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_a_plan_in_each_encoding_reads_as_the_utf8_one_and_says_so(tmp_path, label, encode, named):
    text = seed_text("000")
    (tmp_path / "utf8.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "other.txt").write_bytes(encode(text))
    want, got = process_file(tmp_path / "utf8.txt", tmp_path), process_file(tmp_path / "other.txt", tmp_path)
    strip = {"doc_id"}
    assert [t.model_dump(exclude=strip) for t in got.tasks] == [t.model_dump(exclude=strip) for t in want.tasks]
    assert len(got.tasks) == 24 and got.document.title == want.document.title
    assert any(named in w for w in got.document.warnings) and not want.document.warnings
    assert parse_text(tmp_path / "other.txt").warnings == [w for w in got.document.warnings if named in w]


@pytest.mark.parametrize("label, encode", [("tcvn3", lambda t: unicode_to_tcvn3(t).encode("latin-1")),
                                           ("vni", lambda t: unicode_to_vni(t).encode("cp1252"))])
def test_the_legacy_codes_are_named_too(tmp_path, label, encode):
    (tmp_path / "x.txt").write_bytes(encode("PHỤ LỤC\n" + VIETNAMESE.lower()))
    assert any(label.upper() in w for w in parse_text(tmp_path / "x.txt").warnings)


def test_detectors_say_no_to_what_they_are_not():
    text = seed_text("001")
    for data in (text.encode("utf-8"), unicode_to_tcvn3(text.replace("–", "-")).encode("latin-1", "replace"),
                 unicode_to_vni(text).encode("cp1252", "replace"), "L'élève a été très sérieux".encode("cp1252"),
                 bytes(range(256)) * 4):
        assert utf16_without_bom(data) is None
    for data in (unicode_to_tcvn3(text.replace("–", "-")).encode("latin-1", "replace"),
                 unicode_to_vni(text).encode("cp1252", "replace"), "Ça coûte très cher, où?".encode("cp1252")):
        assert cp1258_text(data) is None
    assert repair_double_utf8(text) is None and repair_double_utf8("Crème brûlée, naïve café") is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
                        "AĂÂĐÊÔƠƯÁÀẠẢÃẾỀỆỂỄỐỒỘỔỖỚỜỢỞỠỨỪỰỬỮ ,.:;-()0123456789\n", min_size=1, max_size=300))
def test_unicode_vietnamese_in_utf8_is_left_as_it_is(text):
    assert decode_bytes(text.encode("utf-8")) == (unicodedata.normalize("NFC", text), "utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứự ",
               min_size=40, max_size=300))
def test_cp1258_round_trips(text):
    data = unicode_to_cp1258(text)
    if sum(ch in TONES for ch in data.decode("cp1258")) < MIN_TONES:
        return                   # too few tones written as marks (à, á… are single bytes in 1258) to tell
    assert decode_bytes(data) == (unicodedata.normalize("NFC", text), "cp1258")


def test_binary_is_still_binary(tmp_path):
    from parsers.errors import Corrupt

    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(Corrupt, match="binary data"):
        parse_text(path)


def test_a_bom_less_utf16_file_is_not_binary(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(seed_text("004").encode("utf-16-le"))
    assert Path(path).stat().st_size > 8000 and parse_text(path).grids
