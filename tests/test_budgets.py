import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.fields.budgets import BASES, Budget, parse_budget, to_vnd


@pytest.mark.parametrize("raw, amount", [
    ("14.000.000", 14_000_000),
    ("130.000.000", 130_000_000),
    ("100 triệu", 100_000_000),
    ("1,5 tỷ", 1_500_000_000),
    ("450 triệu đồng", 450_000_000),
    ("2.500.000 đồng", 2_500_000),
    ("50 triệu VNĐ", 50_000_000),
    ("1.200 triệu", 1_200_000_000),
    ("100tr", 100_000_000),
    ("5 nghìn đồng", 5_000),
    ("2 tỉ", 2_000_000_000),
    ("100 triệu (100.000.000 đồng)", 100_000_000),
    ("Quyết định 123/QĐ-UBND: 20 triệu", 20_000_000),
    (14_000_000, 14_000_000),
    (14_000_000.0, 14_000_000),
])
def test_amounts(raw, amount):
    assert parse_budget(raw) == Budget(amount_vnd=amount)


@pytest.mark.parametrize("raw, basis", [
    ("Theo dự toán được cấp", "allocated_estimate"),
    ("Theo dự toán", "allocated_estimate"),
    ("Theo dự toán hàng năm", "allocated_estimate"),
    ("Dự toán năm 2026", "allocated_estimate"),
    ("Kinh phí hoạt động thường xuyên", "recurrent_funds"),
    ("Thường xuyên", "recurrent_funds"),
    ("kinh phí khoán chi", "recurrent_funds"),
    ("Theo Kế hoạch ngân sách của tỉnh", "provincial_budget_plan"),
    ("Theo Phương án", "per_scheme"),
    ("Theo đề án", "per_scheme"),
    ("Không", "none"),
    ("không có kinh phí", "none"),
    ("KHONG CO KINH PHI", "none"),
])
def test_basis(raw, basis):
    assert parse_budget(raw) == Budget(basis=basis)


def test_amount_with_basis():
    assert parse_budget("100 triệu (nguồn dự toán)") == Budget(100_000_000, "allocated_estimate")


@pytest.mark.parametrize("raw, warning", [
    ("3.5000.000", "malformed amount: 3.5000.000"),
    ("1.5 tỷ", "malformed amount: 1.5 tỷ"),
    ("14,000,000", "malformed amount: 14,000,000"),
    ("1,5 đồng", "malformed amount: 1,5 đồng"),
    ("100 triệu; 50 triệu", "several amounts: 100 triệu; 50 triệu"),
])
def test_amount_problems_give_no_amount(raw, warning):
    assert parse_budget(raw) == Budget(warnings=(warning,))


@pytest.mark.parametrize("raw", ["Nguồn xã hội hóa", "kinh phí không thường xuyên", "10%"])
def test_unclassified_text(raw):
    assert parse_budget(raw) == Budget(basis="other", warnings=(f"unclassified budget: {raw}",))


@pytest.mark.parametrize("raw", [None, "", "  ", "-", float("nan")])
def test_empty_cell(raw):
    assert parse_budget(raw) == Budget()


def test_unit_from_column_header():
    assert parse_budget("100", unit_vnd=10**6) == Budget(amount_vnd=100_000_000)
    assert parse_budget("100 đồng", unit_vnd=10**6) == Budget(amount_vnd=100)


@given(st.text())
def test_never_raises(raw):
    got = parse_budget(raw)
    assert got.basis is None or got.basis in BASES
    assert got.amount_vnd is None or 0 <= got.amount_vnd < 2**63


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


AMOUNTS = st.integers(0, 10**15)


@given(AMOUNTS, st.sampled_from(["{}", "{} đồng", "{} VNĐ", "{}đ"]))
def test_dotted_amounts_round_trip(n, template):
    assert parse_budget(template.format(dotted(n))) == Budget(amount_vnd=n)


@given(st.integers(0, 10**6), st.sampled_from(["triệu", "triệu đồng", "tr"]))
def test_millions_round_trip(n, unit):
    assert parse_budget(f"{dotted(n)} {unit}") == Budget(amount_vnd=n * 10**6)


@given(st.integers(0, 10**4), st.from_regex(r"[0-9]{1,9}", fullmatch=True))
def test_billions_with_decimals_round_trip(whole, decimals):
    expected = whole * 10**9 + int(decimals) * 10 ** (9 - len(decimals))
    assert parse_budget(f"{dotted(whole)},{decimals} tỷ") == Budget(amount_vnd=expected)


@given(st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,5}){1,4}", fullmatch=True))
def test_bad_thousands_groups_are_never_guessed(number):
    if any(len(group) != 3 for group in number.split(".")[1:]):
        assert to_vnd(number) is None
        assert parse_budget(number) == Budget(warnings=(f"malformed amount: {number}",))
