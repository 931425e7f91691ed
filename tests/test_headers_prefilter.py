"""The cheap checks `header_map` makes before folding text give the same answers as folding it."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.headers import MAX_KEY, _key, _letters, header_field, header_map

# Vietnamese letters with their marks (precomposed and decomposed), digits, numbering, punctuation, spaces
ALPHABET = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789/()-.:;,\n \u00a0")
                           + ["ế", "ộ", "ữ", "Ủ", "e\u0301", "o\u0323", "\u0309", "ǅ", "İ", "ß"])
cell_text = st.lists(ALPHABET, max_size=120).map("".join)


@given(cell_text)
def test_every_letter_of_a_cell_stays_in_its_key(text):
    assert _letters(text) <= len(_key(text))


@given(cell_text)
def test_a_cell_with_too_many_letters_is_no_header_either_way(text):
    if _letters(text) > MAX_KEY:
        assert len(_key(text)) > MAX_KEY and header_field(text) is None


def test_long_task_text_is_turned_down_before_folding():
    sentence = "Rà soát, đánh giá, công bố thủ tục hành chính thuộc thẩm quyền giải quyết của Sở Nội vụ năm 2026"
    assert _letters(sentence) > MAX_KEY and header_field(sentence) is None
    assert header_field("CƠ QUAN CHỦ TRÌ") == "lead" and header_field("1- Mục tiêu/Chỉ tiêu") == "objective"


@given(st.lists(st.one_of(st.none(), st.just(""), st.sampled_from(["STT", "Nội dung", "Chủ trì", "Thời gian"])),
                max_size=6))
def test_a_row_with_fewer_than_three_cells_is_no_header(cells):
    if sum(1 for c in cells if c) < 3:
        assert header_map(cells) is None
