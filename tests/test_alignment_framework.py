"""The pieces of a framework's scoring (pipeline/database/alignment/framework.py, weights.py, blocks.py) against
plain references: who a candidate nhiệm vụ asks of the department, the columns and entries a vector keeps, the
terms numbered, the cosines of a block, the shared terms of a link. Random inputs (hypothesis), since the
national corpus meets only some of their cases."""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from pipeline.database.alignment import blocks
from pipeline.database.alignment.blocks import Candidates, dense, operand
from pipeline.database.alignment.framework import SHARED_TERMS, in_role, shared_terms
from pipeline.database.alignment.weights import keep_columns, kept_entries, numbered

AGENCIES = ["Sở Nội vụ", "Sở Tư pháp", "Văn phòng UBND tỉnh", None]
KEYS = ["2.1", "2.2", "2.3", "2.10"]


@st.composite
def scopes(draw):
    """Department units, each row's role and agency (some rows without), what each agency is asked, candidates."""
    n_units = draw(st.integers(1, 8))
    units = [(f"d{draw(st.integers(0, 2))}", row) for row in range(n_units)]
    roles = [(doc, row, draw(st.sampled_from(["lead", "partner", None])), draw(st.sampled_from(AGENCIES)))
             for doc, row in units if draw(st.booleans())]
    asked = draw(st.lists(st.tuples(st.sampled_from(AGENCIES), st.sampled_from([*KEYS, "9.9", None])),
                          unique=True, max_size=12))
    assigned = [(agency, code, draw(st.sampled_from([True, False, None])), draw(st.sampled_from([True, False, None])))
                for agency, code in asked]
    pairs = draw(st.lists(st.tuples(st.integers(0, n_units - 1), st.integers(0, len(KEYS) - 1)), max_size=20))
    return units, roles, assigned, pairs


@settings(max_examples=200, deadline=None)
@given(scopes())
def test_what_a_candidate_asks_of_the_department_is_read_from_its_row_and_its_agency(scope):
    units, roles, assigned, pairs = scope
    dept = pa.table({"doc_id": [d for d, _ in units], "row_no": pa.array([r for _, r in units], pa.int32())})
    role_table = pa.table({"doc_id": pa.array([r[0] for r in roles], pa.string()),
                           "row_no": pa.array([r[1] for r in roles], pa.int64()),
                           "role": pa.array([r[2] for r in roles], pa.string()),
                           "agency": pa.array([r[3] for r in roles], pa.string())})
    assigned_table = pa.table({"agency": pa.array([a[0] for a in assigned], pa.string()),
                               "task_code": pa.array([a[1] for a in assigned], pa.string()),
                               "as_lead": pa.array([a[2] for a in assigned], pa.bool_()),
                               "as_partner": pa.array([a[3] for a in assigned], pa.bool_())})
    row = np.array([p[0] for p in pairs], dtype=np.int64)
    key = np.array([p[1] for p in pairs], dtype=np.int64)
    found = Candidates(row, row, key, *(np.zeros(len(pairs)),) * 3, np.zeros(len(pairs), bool))
    anyhow, as_row = in_role(found, dept, KEYS, role_table, assigned_table)
    # the reference: a row's role and agency by its (document, row); a null is no match
    by_row = {(doc, r): (role, agency) for doc, r, role, agency in roles}
    asks = {(agency, code): (bool(lead), bool(partner)) for agency, code, lead, partner in assigned
            if agency is not None and code is not None}
    for n, (unit, k) in enumerate(pairs):
        role, agency = by_row.get(units[unit], (None, None))
        lead, partner = asks.get((agency, KEYS[k]), (False, False))
        assert anyhow[n] == (lead or partner)
        assert as_row[n] == (partner if role == "partner" else lead)


@st.composite
def matrices(draw):
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 7))
    dense = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0, 0.3]), min_size=rows * cols,
                                   max_size=rows * cols))).reshape(rows, cols)
    return sparse.csr_matrix(dense), draw(st.lists(st.booleans(), min_size=cols, max_size=cols))


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_a_matrix_keeps_the_columns_and_entries_asked_in_their_order(case):
    matrix, columns = case
    columns = np.array(columns)
    kept = keep_columns(matrix, columns)
    assert np.array_equal(kept.toarray(), matrix.toarray() * columns)
    assert kept.has_canonical_format                    # sorted and without repeats, as the matrix was
    keep = np.arange(matrix.nnz) % 2 == 0
    some = kept_entries(matrix, keep).tocoo()
    whole = matrix.tocoo()
    assert (some.row.tolist(), some.col.tolist(), some.data.tolist()) == (
        whole.row[keep].tolist(), whole.col[keep].tolist(), whole.data[keep].tolist())


@given(st.lists(st.integers(0, 30)), st.integers(0, 10))
def test_terms_are_numbered_as_np_unique_numbers_them(ids, more):
    ids = np.array(ids, dtype=np.uint32)
    used, place = numbered(ids, (int(ids.max()) + 1 if len(ids) else 0) + more)
    expected_used, expected_place = np.unique(ids, return_inverse=True)
    assert used.tolist() == expected_used.tolist() and place.tolist() == expected_place.ravel().tolist()


def sparse_matrix(draw, rows: int, cols: int, weights) -> sparse.csr_matrix:
    """Given hypothesis' draw, a shape and a strategy of cell values, return a drawn matrix of that shape."""
    return sparse.csr_matrix(np.array(draw(st.lists(weights, min_size=rows * cols, max_size=rows * cols)))
                             .reshape(rows, cols))


@contextmanager
def dense_operands(small: bool):
    """Within the block, a product's right side is made dense as it is in a build (small), or never."""
    limit = blocks.DENSE_OPERAND_CELLS
    blocks.DENSE_OPERAND_CELLS = limit if small else 0
    try:
        yield
    finally:
        blocks.DENSE_OPERAND_CELLS = limit


@st.composite
def products(draw):
    """Two sparse matrices that can be multiplied, their values any weight (so an order of addition shows)."""
    rows, inner, cols = draw(st.integers(1, 6)), draw(st.integers(1, 9)), draw(st.integers(1, 5))
    weights = st.one_of(st.just(0.0), st.floats(1e-6, 1.0))
    return sparse_matrix(draw, rows, inner, weights), sparse_matrix(draw, inner, cols, weights)


@settings(max_examples=200, deadline=None)
@given(products(), st.booleans())
def test_a_product_with_a_dense_right_side_is_the_sparse_products_to_the_last_bit(case, small):
    a, b = case
    with dense_operands(small):
        right = operand(b)
        assert isinstance(right, np.ndarray) == small
        got = dense(a @ right)
    expected = (a @ b).toarray()
    assert got.shape == expected.shape and np.array_equal(got, expected)      # exactly: the same sums


@st.composite
def linked(draw):
    """Department and hoạt động vectors over the same terms (weights that tie now and then) and pairs of them."""
    n_d, n_f, n_terms = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 9))
    weights = st.sampled_from([0.0, 0.0, 0.0, 0.1, 0.25, 0.5, 0.7, 0.3])
    pairs = draw(st.lists(st.tuples(st.integers(0, n_d - 1), st.integers(0, n_f - 1)), min_size=1, max_size=12))
    return sparse_matrix(draw, n_d, n_terms, weights), sparse_matrix(draw, n_f, n_terms, weights), pairs, n_terms


@settings(max_examples=200, deadline=None)
@given(linked(), st.booleans(), st.sampled_from([1, 2, 200_000]))
def test_a_links_shared_terms_are_its_heaviest_products_heaviest_first(case, small, batch):
    d, f, pairs, n_terms = case
    vocabulary = pa.array([f"t{i}" for i in range(n_terms)])
    with dense_operands(small):                         # not small: the hoạt động side stays sparse
        got = shared_terms(d, f, np.array([r for r, _ in pairs]), np.array([c for _, c in pairs]), vocabulary,
                           batch=batch).to_pylist()
    dd, ff = d.toarray(), f.toarray()
    # every term both hold, by product (heaviest first), then by term (the vocabulary's order)
    expected = [[f"t{t}" for _, t in sorted((-dd[r, t] * ff[c, t], t) for t in range(n_terms) if dd[r, t] * ff[c, t])
                 ][:SHARED_TERMS] for r, c in pairs]
    assert got == expected
