"""Candidates from another lĩnh vực: a department row meets a hoạt động of another area only through a rare term.

Only pairs that share a rare term (held by at most cross_area_max_df units of the scope) are scored (their dot
products read from products of the rows and hoạt động they hold, row_dots), with the same mix as within a block
(blocks.py); such a candidate is eligible only from cross_area_min. A nhiệm vụ is reached this way only when
none of its hoạt động is in the row's own block.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

from pipeline.database.alignment.blocks import CELLS_PER_CHUNK, Candidates, dense, operand


def row_dots(a: sparse.csr_matrix, b: sparse.csr_matrix, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """Given two sets of vectors and (a row, b row) pairs, return each pair's dot product.

    As dense products of the a rows met × the b rows met, CELLS_PER_CHUNK cells at a time (as in a block): the
    pairs of one lĩnh vực's rows with the hoạt động of the others are a good share of all those cells, and one
    product gives them faster than the pairs' rows multiplied one by one.
    """
    out = np.empty(len(rows_a))
    if not len(rows_a):
        return out
    firsts, row_of = np.unique(rows_a, return_inverse=True)
    seconds, column_of = np.unique(rows_b, return_inverse=True)
    b_t = operand(b[seconds].T.tocsr())
    step = max(1, CELLS_PER_CHUNK // len(seconds))
    by_row = np.argsort(row_of, kind="stable")
    bounds = np.searchsorted(row_of[by_row], np.arange(0, len(firsts) + step, step))
    for n, start in enumerate(range(0, len(firsts), step)):
        dots = dense(a[firsts[start:start + step]] @ b_t)
        at = by_row[bounds[n]:bounds[n + 1]]
        out[at] = dots[row_of[at] - start, column_of[at]]
    return out


def expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Given runs (start, count), return the positions of every run's members, run after run."""
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def group_max(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Given a key and a value per entry, return the first entry of each key (in key order) and the key's max."""
    order = np.lexsort((-values, keys))
    first = np.r_[True, keys[order][1:] != keys[order][:-1]]
    return order[first], values[order][first]


def cross_candidates(d: sparse.csr_matrix, d_rare: sparse.csr_matrix, rows: np.ndarray, hd: sparse.csr_matrix,
                     hd_rare: sparse.csr_matrix, nv: sparse.csr_matrix, others: np.ndarray, pair_hd: np.ndarray,
                     pair_key: np.ndarray, own_keys: np.ndarray, p: dict) -> dict[str, Candidates]:
    """Given department vectors (and their rare terms), the rows of one block, the scope's hoạt động and nhiệm vụ
    vectors, the hoạt động of other areas (global indices), the scope's (hoạt động, nhiệm vụ) pairs and the
    nhiệm vụ of the row's own block, return each level's eligible candidates from other areas."""
    w, least = p["weight_hoat_dong_match"], p["cross_area_min"]
    empty = {"hoat_dong": Candidates.concat([]), "nhiem_vu": Candidates.concat([])}
    if not len(others) or not len(rows):
        return empty
    shared = (d_rare[rows] @ hd_rare[others].T).tocoo()
    if not shared.nnz:
        return empty
    r, h = rows[shared.row], others[shared.col]
    hd_cos = row_dots(d, hd, r, h)
    # each (row, hoạt động) with each of its nhiệm vụ
    order = np.argsort(pair_hd, kind="stable")
    starts = np.searchsorted(pair_hd[order], h)
    counts = np.searchsorted(pair_hd[order], h, side="right") - starts
    entry = np.repeat(np.arange(len(r)), counts)
    key = pair_key[order][expand(starts, counts)]
    nv_cos = row_dots(d, nv, r[entry], key)
    # level hoat_dong: the best of its nhiệm vụ
    first, best_nv = group_max(entry, nv_cos)
    score = w * hd_cos[entry[first]] + (1 - w) * best_nv
    ok = (hd_cos[entry[first]] > 0) & (score >= least)
    e = entry[first][ok]
    hoat_dong = Candidates(r[e], h[e], key[first][ok], score[ok], hd_cos[e], best_nv[ok], np.zeros(ok.sum(), bool))
    # level nhiem_vu: the best of its hoạt động, for a nhiệm vụ the row's own block does not hold
    width = np.int64(max(int(key.max()) + 1, 1))
    row_key = r[entry].astype(np.int64) * width + key
    first, best_hd = group_max(row_key, hd_cos[entry])
    score = w * best_hd + (1 - w) * nv_cos[first]
    ok = (best_hd > 0) & (score >= least) & ~np.isin(key[first], own_keys)
    f = first[ok]
    nhiem_vu = Candidates(r[entry[f]], h[entry[f]], key[f], score[ok], best_hd[ok], nv_cos[f], np.zeros(ok.sum(), bool))
    return {"hoat_dong": hoat_dong, "nhiem_vu": nhiem_vu}
