from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.fields.deadlines import RECURRENCES, Deadline, parse_deadline

D = date
TUYEN_DUNG = "đối với tuyển dụng công chức thực hiện sau khi có chủ trương của Bộ Chính trị"
TWO_REPORTS = ("- Trước ngày 10/12/2025 đối với báo cáo của UBND tỉnh - Trước ngày 01/12/2025 đối với báo cáo "
               "Sở, ban, ngành cấp tỉnh; UBND cấp xã.")

# (cell, plan_year, due_start, due_end, recurrence, all_due)
DATED = [
    ("Quý I/2026", 2026, D(2026, 1, 1), D(2026, 3, 31), "once", (D(2026, 3, 31),)),
    ("Quý III, IV", 2025, D(2025, 7, 1), D(2025, 12, 31), "once", (D(2025, 12, 31),)),
    ("Quý III, IV/2025", 2025, D(2025, 7, 1), D(2025, 12, 31), "once", (D(2025, 12, 31),)),
    ("Quý I-IV năm 2026", 2026, D(2026, 1, 1), D(2026, 12, 31), "once", (D(2026, 12, 31),)),
    ("Quý II- IV năm 2026", 2026, D(2026, 4, 1), D(2026, 12, 31), "once", (D(2026, 12, 31),)),
    ("Quý IV năm 2026", 2026, D(2026, 10, 1), D(2026, 12, 31), "once", (D(2026, 12, 31),)),
    ("Quý I năm 2026", 2026, D(2026, 1, 1), D(2026, 3, 31), "once", (D(2026, 3, 31),)),
    ("QUÝ I NĂM 2026", 2026, D(2026, 1, 1), D(2026, 3, 31), "once", (D(2026, 3, 31),)),
    ("Quy I nam 2026", 2026, D(2026, 1, 1), D(2026, 3, 31), "once", (D(2026, 3, 31),)),
    ("Tháng 12/2025", 2025, D(2025, 12, 1), D(2025, 12, 31), "once", (D(2025, 12, 31),)),
    ("Tháng 01/2026", 2026, D(2026, 1, 1), D(2026, 1, 31), "once", (D(2026, 1, 31),)),
    ("Tháng 3/2026", 2026, D(2026, 3, 1), D(2026, 3, 31), "once", (D(2026, 3, 31),)),
    ("Tháng 10/2026", 2026, D(2026, 10, 1), D(2026, 10, 31), "once", (D(2026, 10, 31),)),
    ("trước ngày 31/7/2025", 2025, None, D(2025, 7, 31), "once", (D(2025, 7, 31),)),
    ("Trước ngày 18/11/2025", 2025, None, D(2025, 11, 18), "once", (D(2025, 11, 18),)),
    ("Năm 2026", 2026, D(2026, 1, 1), D(2026, 12, 31), "once", (D(2026, 12, 31),)),
    ("2026", 2026, D(2026, 1, 1), D(2026, 12, 31), "once", (D(2026, 12, 31),)),
    ("Cả năm 2025", 2025, D(2025, 1, 1), D(2025, 12, 31), "continuous", (D(2025, 12, 31),)),
    ("Trong năm", 2026, D(2026, 1, 1), D(2026, 12, 31), "continuous", (D(2026, 12, 31),)),
    ("Thường xuyên", 2026, None, D(2026, 12, 31), "continuous", (D(2026, 12, 31),)),
    ("Thường xuyên trong năm", 2026, D(2026, 1, 1), D(2026, 12, 31), "continuous", (D(2026, 12, 31),)),
    ("Theo dõi thường xuyên; Đôn đốc tiến độ hàng tháng", 2026, None, D(2026, 12, 31), "monthly",
     (D(2026, 12, 31),)),
    ("Hàng tháng", 2026, None, D(2026, 12, 31), "monthly", (D(2026, 12, 31),)),
    ("Trước ngày 05 của tháng liền kề", 2026, None, D(2026, 12, 31), "monthly", (D(2026, 12, 31),)),
    ("Báo cáo 6 tháng (trước ngày 07/6), báo cáo năm (trước ngày 07/11)", 2025, None, D(2025, 11, 7),
     "periodic", (D(2025, 6, 7), D(2025, 11, 7))),
    (TWO_REPORTS, 2025, None, D(2025, 12, 10), "once", (D(2025, 12, 1), D(2025, 12, 10))),
    ("Ban hành kế hoạch trong tháng 01/2026 và tổ chức thực hiện", 2026, D(2026, 1, 1), D(2026, 1, 31),
     "continuous", (D(2026, 1, 31),)),
    ("Quý IV/2025; Trong năm", 2025, D(2025, 1, 1), D(2025, 12, 31), "continuous", (D(2025, 12, 31),)),
    ("6 tháng đầu năm 2026", 2026, D(2026, 1, 1), D(2026, 6, 30), "once", (D(2026, 6, 30),)),
    ("6 tháng cuối năm", 2025, D(2025, 7, 1), D(2025, 12, 31), "once", (D(2025, 12, 31),)),
    ("Tháng 3-5/2026", 2026, D(2026, 3, 1), D(2026, 5, 31), "once", (D(2026, 5, 31),)),
    ("Thường xuyên", None, None, None, "continuous", ()),
]


@pytest.mark.parametrize("raw, plan_year, start, end, recurrence, all_due", DATED)
def test_dated_phrases(raw, plan_year, start, end, recurrence, all_due):
    assert parse_deadline(raw, plan_year) == Deadline(start, end, recurrence, None, all_due, ())


# (cell, recurrence, condition) for cells with no date at all
UNDATED = [
    ("Định kỳ hoặc đột xuất", "periodic", None),
    ("Sau 10 ngày sau khi UBND tỉnh ban hành KH", "on_event", "Sau 10 ngày sau khi UBND tỉnh ban hành KH"),
    ("01 tháng sau khi các cơ quan TW công bố chỉ số PCI", "on_event",
     "01 tháng sau khi các cơ quan TW công bố chỉ số PCI"),
    ("Khi các cơ quan chuyên môn tổ chức Lớp", "on_event", "Khi các cơ quan chuyên môn tổ chức Lớp"),
    ("Khi có văn bản quy định, hướng dẫn mới của trung ương, của tỉnh", "on_event",
     "Khi có văn bản quy định, hướng dẫn mới của trung ương, của tỉnh"),
    ("Trong thời hạn 30 ngày kể từ ngày nhận được kết luận kiểm tra về văn bản trái pháp luật", "on_event",
     "Trong thời hạn 30 ngày kể từ ngày nhận được kết luận kiểm tra về văn bản trái pháp luật"),
    ("Ngay sau khi ban hành văn bản QPPL", "on_event", "Ngay sau khi ban hành văn bản QPPL"),
    ("Theo lộ trình được cấp có thẩm quyền quy định", "per_roadmap", None),
    ("Theo lộ trình đề án được phê duyệt hoặc chủ trương, chỉ đạo của cấp có thẩm quyền", "per_roadmap", None),
    ("Theo Kế hoạch phê duyệt", "per_roadmap", None),
]


@pytest.mark.parametrize("raw, recurrence, condition", UNDATED)
def test_undated_phrases(raw, recurrence, condition):
    assert parse_deadline(raw, 2026) == Deadline(recurrence=recurrence, condition=condition)


def test_event_clause_next_to_dates_is_a_condition():
    got = parse_deadline(f"Quý III, IV ({TUYEN_DUNG})", 2025)
    assert got == Deadline(D(2025, 7, 1), D(2025, 12, 31), "once", TUYEN_DUNG, (D(2025, 12, 31),))


@pytest.mark.parametrize("raw, plan_year, start, end, all_due, recurrence, year", [
    ("Quý I/2025", 2026, D(2025, 1, 1), D(2025, 3, 31), (D(2025, 3, 31),), "once", 2025),
    ("Quý IV/2025; Trong năm", 2026, D(2025, 10, 1), D(2026, 12, 31), (D(2025, 12, 31), D(2026, 12, 31)),
     "continuous", 2025),
])
def test_year_outside_plan_year_is_kept_with_warning(raw, plan_year, start, end, all_due, recurrence, year):
    warning = f"deadline year {year} differs from plan year {plan_year}"
    assert parse_deadline(raw, plan_year) == Deadline(start, end, recurrence, None, all_due, (warning,))


@pytest.mark.parametrize("raw", [None, "", "   ", "-", " \n\t"])
def test_empty_cell(raw):
    assert parse_deadline(raw, 2026) == Deadline()


@pytest.mark.parametrize("raw, plan_year, warning", [
    ("abc xyz", 2026, "unreadable deadline: abc xyz"),
    ("31/2/2026", 2026, "invalid date: 31/2/2026"),
    ("Tháng 13/2026", 2026, "invalid date: Tháng 13/2026"),
    ("Quý III", None, "no year for 'Quý III' and no plan year"),
    ("Nghị định 30/2019/NĐ-CP", 2026, "unreadable deadline: Nghị định 30/2019/NĐ-CP"),
])
def test_problems_become_warnings(raw, plan_year, warning):
    assert parse_deadline(raw, plan_year) == Deadline(warnings=(warning,))


def test_accents_and_normal_form_do_not_matter():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Quý IV năm 2026")
    assert parse_deadline(nfd, 2026) == parse_deadline("QUY IV NAM 2026", 2026) == parse_deadline("Quý IV/2026", 2026)


@given(st.text(), st.one_of(st.none(), st.integers()))
def test_never_raises(raw, plan_year):
    got = parse_deadline(raw, plan_year)
    assert got.recurrence is None or got.recurrence in RECURRENCES
    assert list(got.all_due) == sorted(set(got.all_due))
    assert got.due_end == (got.all_due[-1] if got.all_due else None)
    assert got.due_start is None or got.due_end is None or got.due_start <= got.due_end


@given(st.text(alphabet="QuýTháng ngàytrước/-,IVX0123456789năm()"), st.integers(1900, 2100))
def test_never_raises_on_near_misses(raw, plan_year):
    parse_deadline(raw, plan_year)


ROMAN = ["I", "II", "III", "IV"]
YEARS = st.integers(1900, 2099)


@given(st.integers(1, 4), YEARS, st.sampled_from(["Quý {q}/{y}", "Quý {q} năm {y}", "quý {q} / {y}"]))
def test_generated_quarters(q, year, template):
    got = parse_deadline(template.format(q=ROMAN[q - 1], y=year), year)
    end = D(year, 3 * q, 31 if q in (1, 4) else 30)
    assert got == Deadline(D(year, 3 * q - 2, 1), end, "once", None, (end,))


@given(st.integers(1, 4), st.integers(1, 4), YEARS)
def test_generated_quarter_ranges(a, b, year):
    first, last = min(a, b), max(a, b)
    got = parse_deadline(f"Quý {ROMAN[first - 1]}-{ROMAN[last - 1]} năm {year}", year)
    assert got.due_start == D(year, 3 * first - 2, 1)
    assert got.due_end == D(year, 3 * last, 31 if last in (1, 4) else 30)


@given(st.dates(D(1900, 1, 1), D(2099, 12, 31)), st.booleans())
def test_generated_months(day, pad):
    month = f"{day.month:02d}" if pad else str(day.month)
    got = parse_deadline(f"Tháng {month}/{day.year}", day.year)
    assert got.due_start == day.replace(day=1)
    assert got.due_end.month == day.month and (got.due_end + timedelta(days=1)).day == 1


@given(st.dates(D(1900, 1, 1), D(2099, 12, 31)), st.booleans(), st.sampled_from(["trước ngày", "Trước ngày", ""]))
def test_generated_dates(day, pad, prefix):
    written = f"{day.day:02d}/{day.month:02d}" if pad else f"{day.day}/{day.month}"
    got = parse_deadline(f"{prefix} {written}/{day.year}", day.year)
    assert got == Deadline(None, day, "once", None, (day,))


@given(st.dates(D(1900, 1, 1), D(2099, 12, 31)))
def test_generated_dates_without_year_use_plan_year(day):
    got = parse_deadline(f"Trước ngày {day.day}/{day.month}", day.year)
    assert got == Deadline(None, day, "once", None, (day,))


# --- dates that are not deadlines, days written in words, weekly work (issue 11) -----------------

@pytest.mark.parametrize("cell", [
    "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015 của Chính phủ",
    "Quyết định số 1441/QĐ-UBND ngày 25/9/2025",
    "Nghị quyết số 35-NQ/TU ngày 29/12/2025 của Tỉnh ủy",
    "Kế hoạch số 113/KH-UBND ngày 18 tháng 3 năm 2026",
    "Luật Thi đua, khen thưởng ngày 15/6/2022",
])
def test_a_cited_documents_date_is_never_a_deadline(cell):
    got = parse_deadline(cell, 2026)
    assert (got.due_start, got.due_end, got.all_due) == (None, None, ())
    assert len(got.warnings) == 1 and got.warnings[0].startswith("no deadline: only the date of a cited document")


def test_a_deadline_beside_a_cited_document_is_kept():
    got = parse_deadline("Trước ngày 30/6/2026 (theo Quyết định số 1441/QĐ-UBND ngày 25/9/2025)", 2026)
    assert (got.due_end, got.all_due, got.warnings) == (D(2026, 6, 30), (D(2026, 6, 30),), ())


@pytest.mark.parametrize("cell, plan_year, due_end, written", [
    ("ngày 23 tháng 1", 2026, D(2026, 1, 23), False),
    ("Trước ngày 23 tháng 01 năm 2026", 2026, D(2026, 1, 23), True),
    ("ngày 5 tháng 12 năm 2025", 2026, D(2025, 12, 5), True),
])
def test_a_day_written_in_words_is_a_day_not_its_month(cell, plan_year, due_end, written):
    got = parse_deadline(cell, plan_year)
    assert (got.due_start, got.due_end, got.recurrence) == (None, due_end, "once")
    assert bool(got.warnings) is (written and due_end.year != plan_year)


@pytest.mark.parametrize("cell", ["định kỳ hằng tuần", "Hằng tuần", "Mỗi tuần báo cáo một lần", "hàng tuần"])
def test_weekly(cell):
    got = parse_deadline(cell, 2026)
    assert (got.recurrence, got.due_end) == ("weekly", D(2026, 12, 31)) and "weekly" in RECURRENCES


@pytest.mark.parametrize("cell", ["trong năm 2026", "Trong năm 2026", "trong năm 2026."])
def test_within_a_year_ends_with_it(cell):
    got = parse_deadline(cell, 2025)
    assert (got.due_start, got.due_end) == (D(2026, 1, 1), D(2026, 12, 31))
