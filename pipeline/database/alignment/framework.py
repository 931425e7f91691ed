"""Score every department row of one framework scope against the framework's hoạt động and nhiệm vụ.

The rules (parameters from alignment_params):
  - cosines of TF-IDF vectors (weights.py); a department row's vector leaves out the bigrams of its own
    department's name ("văn phòng" for Văn phòng UBND tỉnh: that a framework row names the department is what
    `responsible` says, not what the row is about);
  - blocking: a row meets the framework units of its own lĩnh vực (every one when either side has none,
    blocks.py); a hoạt động of another lĩnh vực only when they share a rare term, and then it is eligible only
    from cross_area_min (cross.py);
  - level 'hoat_dong': score = w · cos(row, hoạt động) + (1 − w) · cos(row, its nhiệm vụ's own text) (the best of
    its nhiệm vụ when the row of the hoạt động belongs to two);
  - level 'nhiem_vu': score = w · the best cos(row, one of its hoạt động) + (1 − w) · cos(row, its own text):
    a row echoing one sub-activity of an unrelated nhiệm vụ scores low;
  - w = weight_hoat_dong_match; the top_k eligible candidates per row and level are kept, best first (ties:
    the lower unit id of the hoạt động shown), each with the shared terms that weigh most in its cosine with that
    hoạt động, and the candidate ranked next;
  - at the nhiệm vụ level, when the best candidate gives the department only the other role (phối hợp for a row
    of its own work, chủ trì for a "phối hợp …" / "tham gia …" row: stg_department_rows.role), the candidates
    from role_first_min that give it the row's role come first; a best candidate that assigns the department
    nothing stays first (work the framework gave to others: responsibility_gaps).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from pipeline.database.alignment.blocks import Candidates, make_block, operand, score_block
from pipeline.database.alignment.cross import cross_candidates
from pipeline.database.alignment.weights import ScopeVectors, keep_columns, kept_entries

SHARED_TERMS = 5          # terms shown per link ("why it matched")
LEVELS = ("nhiem_vu", "hoat_dong")

SCORES_SCHEMA = pa.schema([
    ("scope_id", pa.string()), ("department_unit", pa.uint64()), ("department_doc_id", pa.string()),
    ("department_row_no", pa.int64()), ("level", pa.string()), ("rank", pa.int32()),
    ("framework_unit", pa.uint64()), ("framework_row_no", pa.int64()), ("item_no", pa.int32()),
    ("task_code", pa.string()), ("score", pa.float64()), ("hoat_dong_cosine", pa.float64()),
    ("nhiem_vu_cosine", pa.float64()), ("same_area", pa.bool_()), ("shared_terms", pa.list_(pa.string())),
])
# ... and the candidate ranked next in the same row and level (the second candidate, for rank 1)
CANDIDATES_SCHEMA = SCORES_SCHEMA.append(pa.field("second_task_code", pa.string())).append(
    pa.field("second_score", pa.float64()))


def department_matrix(vectors: ScopeVectors, units: pa.Table, is_department: np.ndarray) -> sparse.csr_matrix:
    """Given a scope's vectors, return the department rows' vectors for dot products: kept terms, and not the
    bigrams of the row's own department name (the 'own_name' unit of its plan)."""
    docs = pc.dictionary_encode(units["doc_id"]).combine_chunks().indices.to_numpy().astype(np.int64)
    matrix = keep_columns(vectors.rows(is_department), vectors.kept)
    own = vectors.rows(vectors.kinds == "own_name").tocoo()
    bigram = vectors.bigram[own.col]
    width = np.int64(matrix.shape[1])
    names = docs[vectors.kinds == "own_name"][own.row[bigram]] * width + own.col[bigram]
    if not len(names):
        return matrix
    entries = matrix.tocoo()                             # the entries in the matrix's order
    return kept_entries(matrix, ~np.isin(docs[is_department][entries.row] * width + entries.col, names))


def hoat_dong_pairs(units: pa.Table, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Given a scope's units, return its (hoạt động, nhiệm vụ) pairs as indices among the hoạt động and among the
    nhiệm vụ units, and the nhiệm vụ keys in their order."""
    keys = units.filter(pa.array(kinds == "nhiem_vu"))["task_code"].to_pylist()
    index = {key: i for i, key in enumerate(keys)}
    pairs = [(h, index[key]) for h, hd_keys in enumerate(units.filter(pa.array(kinds == "hoat_dong"))["task_keys"]
                                                            .to_pylist()) for key in (hd_keys or []) if key in index]
    hds, nvs = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True)) if pairs else (np.empty(0, int),) * 2
    return hds, nvs, keys


def rank_candidates(found: Candidates, tie: np.ndarray, k: int, first: np.ndarray | None = None
                    ) -> tuple[Candidates, np.ndarray]:
    """Given one level's candidates from every block, a tie key per hoạt động and which candidates come first,
    return each row's k best (those first, then by score, then the lower key of the hoạt động shown) and their
    ranks 1..k."""
    first = np.zeros(len(found.row), bool) if first is None else first
    order = np.lexsort((tie[found.hd], -found.score, ~first, found.row))
    ranked = found.take(order)
    starts = np.r_[0, np.flatnonzero(np.diff(ranked.row)) + 1] if len(order) else np.empty(0, dtype=np.int64)
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)])) + 1
    return ranked.take(rank <= k), rank[rank <= k].astype(np.int32)


def in_role(found: Candidates, dept: pa.Table, keys: list[str], roles: pa.Table, assigned: pa.Table
            ) -> tuple[np.ndarray, np.ndarray]:
    """Given nhiệm vụ candidates, the department units, the nhiệm vụ keys, each row's role and agency and each
    agency's assignments, return (whether each candidate assigns the department at all, whether in the row's
    role: chủ trì for 'lead', phối hợp for 'partner')."""
    # each department unit's role and agency, then a table agency × nhiệm vụ of what the framework asks of it
    units = pa.table({"doc_id": dept["doc_id"], "row_no": dept["row_no"].cast(pa.int64()),
                      "unit": pa.array(np.arange(dept.num_rows))})
    roles = roles.cast(pa.schema([("doc_id", pa.string()), ("row_no", pa.int64()), ("role", pa.string()),
                                  ("agency", pa.string())]))
    joined = units.join(roles, ["doc_id", "row_no"]).sort_by("unit")
    # (a null agency or code is no match, as in a join)
    agencies = pc.drop_null(pc.unique(assigned["agency"].combine_chunks()))
    agency = pc.fill_null(pc.index_in(joined["agency"], value_set=agencies, skip_nulls=True), len(agencies))
    agency = agency.to_numpy()
    asked = pc.index_in(assigned["agency"], value_set=agencies, skip_nulls=True)
    key = pc.index_in(assigned["task_code"], value_set=pa.array(keys, pa.string()), skip_nulls=True)
    named = pc.is_valid(key).to_numpy(zero_copy_only=False) & pc.is_valid(asked).to_numpy(zero_copy_only=False)
    lead, partner = (np.zeros((len(agencies) + 1, max(len(keys), 1)), bool) for _ in range(2))   # + no agency
    at = (pc.fill_null(asked, 0).to_numpy()[named], pc.fill_null(key, 0).to_numpy()[named])
    for table, column in ((lead, "as_lead"), (partner, "as_partner")):
        table[at] = pc.fill_null(assigned[column], False).to_numpy(zero_copy_only=False).astype(bool)[named]
    role = joined["role"].to_numpy(zero_copy_only=False)[found.row]
    lead, partner = lead[agency[found.row], found.key], partner[agency[found.row], found.key]
    return lead | partner, np.where(role == "partner", partner, lead)


def role_first(found: Candidates, tie: np.ndarray, assigned: np.ndarray, in_role: np.ndarray, least: float
               ) -> np.ndarray:
    """Given one level's candidates and whether each assigns the department (at all, in the row's role), return
    which come first: from `least`, in the row's role, in rows whose best candidate assigns the department only
    in the other role."""
    order = np.lexsort((tie[found.hd], -found.score, found.row))
    best = order[np.r_[True, found.row[order][1:] != found.row[order][:-1]]]
    other_role = np.zeros(int(found.row.max()) + 1, bool)
    other_role[found.row[best]] = assigned[best] & ~in_role[best]
    return other_role[found.row] & in_role & (found.score >= least)


def score_framework(scope_id: str, units: pa.Table, vectors: ScopeVectors, p: dict, roles: pa.Table | None = None,
                    assigned: pa.Table | None = None) -> pa.Table:
    """Given one framework scope's units and vectors, alignment_params, and (when known) each department row's
    role and agency and each agency's assignments (inputs.scope_roles), return its candidate links."""
    kinds = vectors.kinds
    is_dept, is_hd = kinds == "department", kinds == "hoat_dong"
    d = department_matrix(vectors, units, is_dept)
    hd = keep_columns(vectors.rows(is_hd), vectors.kept)
    nv = keep_columns(vectors.rows(kinds == "nhiem_vu"), vectors.kept)
    rare = vectors.kept & vectors.rare
    d_rare, hd_rare = (binary(keep_columns(m, rare)) for m in (d, hd))
    pair_hd, pair_key, keys = hoat_dong_pairs(units, kinds)
    area_d, area_h = area_of(units, is_dept), area_of(units, is_hd)
    found = {level: [] for level in LEVELS}
    for area in np.unique(area_d):
        rows = np.flatnonzero(area_d == area)
        own = np.flatnonzero((area_h == area) | (area_h < 0) | (area < 0))
        block = make_block(own, hd, nv, pair_hd, pair_key)
        if block is not None:
            for level, got in score_block(d, rows, block, p["weight_hoat_dong_match"], p["top_k"]).items():
                found[level].append(got)
        if area >= 0:
            others = np.flatnonzero((area_h != area) & (area_h >= 0))
            own_keys = block.keys if block is not None else np.empty(0, dtype=np.int64)
            for level, got in cross_candidates(d, d_rare, rows, hd, hd_rare, nv, others, pair_hd, pair_key, own_keys,
                                               p).items():
                found[level].append(got)
    tie = vectors.unit_ids[is_hd]
    ranked = {}
    for level, parts in found.items():
        got = Candidates.concat(parts)
        first = None
        if level == "nhiem_vu" and roles is not None and assigned is not None and len(got.row):
            anyhow, as_row = in_role(got, units.filter(pa.array(is_dept)), keys, roles, assigned)
            first = role_first(got, tie, anyhow, as_row, p["role_first_min"])
        ranked[level] = rank_candidates(got, tie, p["top_k"], first)
    return candidates_table(scope_id, units, vectors, d, hd, keys, ranked)


def binary(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Given a matrix, return it with every stored entry 1 (which terms a unit holds)."""
    out = matrix.copy()
    out.data[:] = 1.0
    return out


def area_of(units: pa.Table, mask: np.ndarray) -> np.ndarray:
    """Given units and a mask, return the masked units' area_code, -1 where it is null."""
    return pc.fill_null(units["area_code"], -1).to_numpy()[mask]


def shared_terms(d: sparse.csr_matrix, f: sparse.csr_matrix, rows_d: np.ndarray, rows_f: np.ndarray,
                 vocabulary: pa.Array, batch: int = 200_000) -> pa.Array:
    """Given two sets of vectors and (d row, f row) pairs, return for each pair the SHARED_TERMS terms whose
    product weighs most in their cosine, heaviest first."""
    width = np.int64(max(f.shape[0], 1))
    # each pair as one number (d row × width + f row): sorted as the pairs are, faster than unique rows of two
    pairs, back = np.unique(rows_d.astype(np.int64) * width + rows_f, return_inverse=True)
    # a small f side is read from a dense copy, one look-up per entry of the d rows, rather than gathered as sparse
    # rows and multiplied entry by entry (the same products: each entry's two weights, multiplied once)
    f_side = operand(f)
    parts = []
    for start in range(0, len(pairs), batch):
        chunk = pairs[start:start + batch]
        rows = d[chunk // width]
        if isinstance(f_side, np.ndarray):
            at = np.repeat(chunk % width, np.diff(rows.indptr))
            product = sparse.csr_matrix((rows.data * f_side[at, rows.indices], rows.indices, rows.indptr),
                                        shape=rows.shape)
        else:
            product = rows.multiply(f_side[chunk % width]).tocsr()
        product.eliminate_zeros()
        counts = np.diff(product.indptr)
        row_of = np.repeat(np.arange(len(counts)), counts)
        # one sort: by row, and within a row the heaviest first (a product of unit weights is below 1)
        order = np.argsort(row_of - np.minimum(product.data, 0.999999), kind="stable")
        rank = np.arange(product.nnz) - product.indptr[row_of[order]]
        chosen = product.indices[order][rank < SHARED_TERMS]
        offsets = np.r_[0, np.cumsum(np.minimum(counts, SHARED_TERMS))].astype(np.int32)
        parts.append(pa.ListArray.from_arrays(pa.array(offsets), vocabulary.take(pa.array(chosen))))
    if not parts:
        return pa.array([], pa.list_(pa.string()))
    return pa.concat_arrays(parts).take(pa.array(back.ravel()))


def candidates_table(scope_id: str, units: pa.Table, vectors: ScopeVectors, d: sparse.csr_matrix,
                     hd: sparse.csr_matrix, keys: list[str], ranked: dict) -> pa.Table:
    """Given each level's ranked candidates, return them as rows of CANDIDATES_SCHEMA."""
    is_dept, is_hd = vectors.kinds == "department", vectors.kinds == "hoat_dong"
    dept, hoat_dong = units.filter(pa.array(is_dept)), units.filter(pa.array(is_hd))
    # the terms of both levels at once: a nhiệm vụ is shown with its best hoạt động, most often the very pair the
    # hoạt động level holds too
    levels = [c for c, _ in ranked.values()]
    terms = shared_terms(d, hd, np.concatenate([c.row for c in levels]), np.concatenate([c.hd for c in levels]),
                         vectors.terms)
    ends = np.cumsum([len(c.row) for c in levels])
    parts = []
    for (level, (c, rank)), end in zip(ranked.items(), ends, strict=True):
        rows, hds = pa.array(c.row), pa.array(c.hd)
        parts.append(pa.table({
            "scope_id": pa.array([scope_id] * len(rank), pa.string()),
            "department_unit": pa.array(vectors.unit_ids[is_dept][c.row]),
            "department_doc_id": dept["doc_id"].take(rows),
            "department_row_no": dept["row_no"].take(rows).cast(pa.int64()),
            "level": pa.array([level] * len(rank), pa.string()),
            "rank": pa.array(rank, pa.int32()),
            "framework_unit": pa.array(vectors.unit_ids[is_hd][c.hd]),
            "framework_row_no": hoat_dong["row_no"].take(hds).cast(pa.int64()),
            "item_no": hoat_dong["item_no"].take(hds).cast(pa.int32()),
            "task_code": pa.array(keys, pa.string()).take(pa.array(c.key)),
            "score": pa.array(c.score.astype(np.float64)),
            "hoat_dong_cosine": pa.array(c.hd_cos.astype(np.float64)),
            "nhiem_vu_cosine": pa.array(c.nv_cos.astype(np.float64)),
            "same_area": pa.array(c.same_area, pa.bool_()),
            "shared_terms": terms.slice(int(end - len(rank)), len(rank)),
        }).cast(SCORES_SCHEMA))
    return with_second(pa.concat_tables(parts))


def with_second(table: pa.Table) -> pa.Table:
    """Given candidate rows, add the candidate ranked next after each one in its row and level (the second
    candidate, for rank 1): its task_code and score, null for the last."""
    if table.num_rows == 0:
        return CANDIDATES_SCHEMA.empty_table()
    order = pc.sort_indices(table, [("department_unit", "ascending"), ("level", "ascending"), ("rank", "ascending")])
    table = table.take(order)
    units, levels = table["department_unit"].to_numpy(), table["level"].to_numpy(zero_copy_only=False)
    same_row = np.r_[(units[1:] == units[:-1]) & (levels[1:] == levels[:-1]), False]
    nxt = np.r_[np.arange(1, table.num_rows), 0]
    codes = table["task_code"].take(pa.array(nxt))
    scores = table["score"].to_numpy()[nxt]
    table = table.append_column("second_task_code", pc.if_else(pa.array(same_row), codes, None))
    return table.append_column("second_score", pa.array(np.where(same_row, scores, np.nan), mask=~same_row))
