"""Score every department row of one framework scope against the framework's hoạt động and nhiệm vụ.

The rules (parameters from alignment_params):
  - cosines of TF-IDF vectors (weights.py); a department row's vector leaves out the bigrams of its own
    department's name ("văn phòng" for Văn phòng UBND tỉnh: that a framework row names the department is what
    `responsible` says, not what the row is about);
  - blocking: a row meets the framework units of its own lĩnh vực (every one when either side has none); a
    hoạt động of another lĩnh vực only when they share a rare term, and then it is eligible only from
    cross_area_min;
  - level 'hoat_dong': score = w · cos(row, hoạt động) + (1 − w) · cos(row, its nhiệm vụ's own text) (the best of
    its nhiệm vụ when the row of the hoạt động belongs to two);
  - level 'nhiem_vu': score = w · the best cos(row, one of its hoạt động) + (1 − w) · cos(row, its own text):
    a row echoing one sub-activity of an unrelated nhiệm vụ scores low;
  - w = weight_hoat_dong_match; the top_k eligible candidates per row and level are kept, best first (ties:
    the lower unit id), each with the shared terms that weigh most in its cosine.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from pipeline.database.alignment.weights import ScopeVectors, drop_entries, keep_columns

SHARED_TERMS = 5          # terms shown per link ("why it matched")
CELLS_PER_CHUNK = 4_000_000   # department rows are scored in chunks of about this many (row, hoạt động) cells
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
    entries = matrix.tocoo()
    gone = np.isin(docs[is_department][entries.row] * width + entries.col, names)
    return drop_entries(matrix, entries.row[gone], entries.col[gone])


def slots(groups: np.ndarray, members: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Given (group, member) pairs, return them in slots: slot s holds each group's s-th member, so that a
    per-group max is a few vectorized steps (no group appears twice in one slot)."""
    order = np.lexsort((members, groups))
    groups, members = groups[order], members[order]
    first = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    slot = np.arange(len(groups)) - np.repeat(first, np.diff(np.r_[first, len(groups)]))
    return [(groups[slot == s], members[slot == s]) for s in range(int(slot.max()) + 1 if len(slot) else 0)]


def group_max(values: np.ndarray, slot_list, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Given row × member values and slots of (group, member), return row × group max and the member giving it."""
    best = np.zeros((values.shape[0], width), dtype=values.dtype)
    which = np.full((values.shape[0], width), -1, dtype=np.int32)
    for groups, members in slot_list:
        value = values[:, members]
        better = (value > best[:, groups]) | (which[:, groups] < 0)
        best[:, groups] = np.where(better, value, best[:, groups])
        which[:, groups] = np.where(better, members, which[:, groups])
    return best, which


def top_k(score: np.ndarray, eligible: np.ndarray, tie: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Given row × candidate scores, eligibility and a tie-break key (per candidate, or row × candidate), return
    the (row, candidate) indices of each row's k best eligible candidates, best first, and their ranks (1..k)."""
    k = min(k, score.shape[1])
    if k == 0:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int32)
    z = np.where(eligible, score, -np.inf)
    pick = np.argpartition(-z, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(z, pick, axis=1)
    ties = np.take_along_axis(np.broadcast_to(tie, score.shape), pick, axis=1)
    order = np.lexsort((ties, -values), axis=1)
    pick, values = np.take_along_axis(pick, order, axis=1), np.take_along_axis(values, order, axis=1)
    rows, ranks = np.nonzero(np.isfinite(values))
    return np.column_stack([rows, pick[rows, ranks]]), (ranks + 1).astype(np.int32)


def score_chunk(d: sparse.csr_matrix, d_rare: sparse.csr_matrix, area_d: np.ndarray, f: dict, p: dict) -> dict:
    """Given a chunk of department rows and the framework side `f`, return each level's kept candidates."""
    w = p["weight_hoat_dong_match"]
    hd = (d @ f["hoat_dong_t"]).toarray().astype(np.float32)
    nv = (d @ f["nhiem_vu_t"]).toarray().astype(np.float32)
    same = (area_d[:, None] == f["area"][None, :]) | (area_d[:, None] < 0) | (f["area"][None, :] < 0)
    shares_rare = (d_rare @ f["rare_t"]).toarray() > 0
    reach = (hd > 0) & (same | shares_rare)
    hd_reached = np.where(reach, hd, 0)
    # level hoat_dong: the hoạt động with the best of its nhiệm vụ
    nv_of_hd, key_of_hd = group_max(nv, f["keys_by_hd"], hd.shape[1])
    hd_score = w * hd + (1 - w) * nv_of_hd
    hd_ok = reach & (same | (hd_score >= p["cross_area_min"]))
    # level nhiem_vu: the nhiệm vụ with its best hoạt động
    best_hd, which_hd = group_max(hd_reached, f["hds_by_key"], nv.shape[1])
    same_key = np.zeros_like(best_hd, dtype=bool)
    for keys, hds in f["hds_by_key"]:
        same_key[:, keys] |= same[:, hds] & reach[:, hds]
    nv_score = w * best_hd + (1 - w) * nv
    nv_ok = (best_hd > 0) & (same_key | (nv_score >= p["cross_area_min"]))
    out = {}
    picks, ranks = top_k(hd_score, hd_ok, f["hd_ids"], p["top_k"])
    r, h = picks[:, 0], picks[:, 1]
    out["hoat_dong"] = (r, ranks, h, key_of_hd[r, h], hd_score[r, h], hd[r, h], nv_of_hd[r, h], same[r, h])
    tie = f["hd_ids"][np.clip(which_hd, 0, None)]     # ties: the lower id of the nhiệm vụ's best hoạt động
    picks, ranks = top_k(nv_score, nv_ok, tie, p["top_k"])
    r, t = picks[:, 0], picks[:, 1]
    out["nhiem_vu"] = (r, ranks, which_hd[r, t], t, nv_score[r, t], best_hd[r, t], nv[r, t], same_key[r, t])
    return out


def framework_side(vectors: ScopeVectors, units: pa.Table) -> dict:
    """Given a scope's vectors and units, return what every chunk of department rows is scored against."""
    kinds = vectors.kinds
    is_hd, is_nv = kinds == "hoat_dong", kinds == "nhiem_vu"
    hoat_dong = keep_columns(vectors.rows(is_hd), vectors.kept)
    nhiem_vu = keep_columns(vectors.rows(is_nv), vectors.kept)
    key_index = {key: i for i, key in enumerate(units.filter(pa.array(is_nv))["task_code"].to_pylist())}
    pairs = [(h, key_index[key]) for h, keys in enumerate(units.filter(pa.array(is_hd))["task_keys"].to_pylist())
             for key in (keys or []) if key in key_index]
    hds, keys = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True)) if pairs else (np.empty(0, int),) * 2
    rare = keep_columns(hoat_dong, vectors.rare)
    rare.data[:] = 1.0
    return {
        "hoat_dong": hoat_dong, "hoat_dong_t": hoat_dong.T.tocsr(), "nhiem_vu_t": nhiem_vu.T.tocsr(),
        "rare_t": rare.T.tocsr(), "area": area_of(units, is_hd), "hd_ids": vectors.unit_ids[is_hd],
        "keys": list(key_index), "keys_by_hd": slots(hds, keys), "hds_by_key": slots(keys, hds),
    }


def area_of(units: pa.Table, mask: np.ndarray) -> np.ndarray:
    """Given units and a mask, return the masked units' area_code, -1 where it is null."""
    return pc.fill_null(units["area_code"], -1).to_numpy()[mask]


def shared_terms(d: sparse.csr_matrix, f: sparse.csr_matrix, rows_d: np.ndarray, rows_f: np.ndarray,
                 vocabulary: pa.Array, batch: int = 200_000) -> pa.Array:
    """Given two sets of vectors and (d row, f row) pairs, return for each pair the SHARED_TERMS terms whose
    product weighs most in their cosine, heaviest first."""
    pairs, back = np.unique(np.column_stack([rows_d, rows_f]), axis=0, return_inverse=True)
    parts = []
    for start in range(0, len(pairs), batch):
        chunk = pairs[start:start + batch]
        product = d[chunk[:, 0]].multiply(f[chunk[:, 1]]).tocsr()
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


def score_framework(scope_id: str, units: pa.Table, vectors: ScopeVectors, p: dict) -> pa.Table:
    """Given one framework scope's units and vectors and alignment_params, return its candidate links."""
    is_dept = vectors.kinds == "department"
    d = department_matrix(vectors, units, is_dept)
    f = framework_side(vectors, units)
    d_rare = keep_columns(d, f_rare_columns(vectors))
    d_rare.data[:] = 1.0
    area_d = area_of(units, is_dept)
    step = max(1, CELLS_PER_CHUNK // max(f["hoat_dong"].shape[0], len(f["keys"]), 1))
    found = {level: [] for level in LEVELS}
    for start in range(0, d.shape[0], step):
        chunk = slice(start, start + step)
        for level, arrays in score_chunk(d[chunk], d_rare[chunk], area_d[chunk], f, p).items():
            found[level].append((arrays[0] + start, *arrays[1:]))
    return candidates_table(scope_id, units, vectors, d, f, found)


def f_rare_columns(vectors: ScopeVectors) -> np.ndarray:
    """Return the columns through which a framework unit of another lĩnh vực can be reached: kept and rare."""
    return vectors.kept & vectors.rare


def candidates_table(scope_id: str, units: pa.Table, vectors: ScopeVectors, d: sparse.csr_matrix, f: dict,
                     found: dict) -> pa.Table:
    """Given the kept candidates of every chunk, return them as rows of CANDIDATES_SCHEMA."""
    is_dept, is_hd = vectors.kinds == "department", vectors.kinds == "hoat_dong"
    dept, hd = units.filter(pa.array(is_dept)), units.filter(pa.array(is_hd))
    columns = {name: [] for name in SCORES_SCHEMA.names}
    for level, chunks in found.items():
        if not chunks:
            continue
        rows, ranks, hds, keys, score, hd_cos, nv_cos, same = (np.concatenate(x) for x in zip(*chunks, strict=True))
        columns["scope_id"].append(pa.array([scope_id] * len(rows), pa.string()))
        columns["department_unit"].append(pa.array(vectors.unit_ids[is_dept][rows]))
        columns["department_doc_id"].append(dept["doc_id"].take(pa.array(rows)))
        columns["department_row_no"].append(dept["row_no"].take(pa.array(rows)).cast(pa.int64()))
        columns["level"].append(pa.array([level] * len(rows), pa.string()))
        columns["rank"].append(pa.array(ranks, pa.int32()))
        columns["framework_unit"].append(pa.array(f["hd_ids"][hds]))
        columns["framework_row_no"].append(hd["row_no"].take(pa.array(hds)).cast(pa.int64()))
        columns["item_no"].append(hd["item_no"].take(pa.array(hds)).cast(pa.int32()))
        columns["task_code"].append(pa.array(f["keys"], pa.string()).take(pa.array(keys)))
        for name, values in (("score", score), ("hoat_dong_cosine", hd_cos), ("nhiem_vu_cosine", nv_cos)):
            columns[name].append(pa.array(values.astype(np.float64)))
        columns["same_area"].append(pa.array(same, pa.bool_()))
        columns["shared_terms"].append(shared_terms(d, f["hoat_dong"], rows, hds, vectors.terms))
    if not columns["scope_id"]:
        return CANDIDATES_SCHEMA.empty_table()
    return with_second(pa.table({name: pa.concat_arrays([c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
                                                         for c in parts]).cast(SCORES_SCHEMA.field(name).type)
                                 for name, parts in columns.items()}, schema=SCORES_SCHEMA))


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
