"""The text parser on small inputs: layouts, legacy encodings, and open-ended text."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.plaintext import find_appendix, parse_text
from pipeline.rows.document import file_tasks
from tests.conftest import FIXTURES

TAB_PLAN = (
    "PHỤ LỤC\n"
    "TT\tNội dung\tChủ trì\tPhối hợp\tThời gian\n"
    "I\tCẢI CÁCH THỂ CHẾ\t\t\t\n"
    "1\tRà soát văn bản QPPL\tSở Tư pháp\tCác sở, ngành\tQuý I/2026\n"
    "\n"
    "TT\tNội dung\tChủ trì\tPhối hợp\tThời gian\n"
    "\tcủa tỉnh năm 2026\t\t\t\n"
    "2\tKiểm tra văn bản\tSở Tư pháp\t\tThường xuyên\n"
)


def test_tab_rows_drop_repeated_header_and_join_continuation(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(TAB_PLAN, encoding="utf-8")
    tasks = file_tasks(parse_text(path))
    assert [t.fields["content"] for t in tasks] == ["Rà soát văn bản QPPL của tỉnh năm 2026", "Kiểm tra văn bản"]
    assert {t.area_code for t in tasks} == {2}


def test_vni_text_file_becomes_unicode():
    lines = "\n".join(parse_text(FIXTURES / "legacy" / "vni_sample.txt").body[i].text for i in range(3))
    expected = (FIXTURES / "legacy" / "expected.txt").read_text(encoding="utf-8")
    assert lines.split("\n")[0] == expected.split("\n")[0].strip()


def test_tcvn3_text_file_becomes_unicode():
    body = parse_text(FIXTURES / "legacy" / "tcvn3_sample.txt").body
    expected = (FIXTURES / "legacy" / "expected.txt").read_text(encoding="utf-8").split("\n")[0].strip()
    assert body[0].text == expected


def test_appendix_title_found():
    assert find_appendix(["Kế hoạch", "(Có phụ lục chi tiết kèm theo)", "PHỤ LỤC I", "x"]) == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.sampled_from(["PHỤ LỤC", "TT\tNội dung\tChủ trì\tThời gian", "I\tCẢI CÁCH", "1\tx\ty\tz", "\t", "",
                     "| TT |", "Hoạt động 1", "Lĩnh vực II", "- gạch đầu dòng", "II. NHIỆM VỤ", "1. Thể chế",
                     "STT Nội dung", "Đơn vị chủ trì", "Thời gian", "|||", "3.1. x |", "2.1 y |"]),
    st.text(max_size=40)), max_size=40))
def test_parser_and_structure_never_crash(tmp_path, lines):
    path = tmp_path / "random.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        parsed = parse_text(path)
    except ParseError as exc:            # binary-looking input is refused with a reason, never a crash
        assert "random.txt" in str(exc)
        return
    for task in file_tasks(parsed):
        assert isinstance(task.fields, dict)


def test_header_head_noun_wins():
    from parsers.headers import header_field

    assert header_field("Kinh phí (Đơn vị tính: đồng)") == "budget"
    assert header_field("Đơn vị tính") == "statistic"
    assert header_field("Đơn vị chủ trì") == "lead"
