"""Score department rows against the framework units of their own lĩnh vực: one dense block per area.

A block is the department rows of one lĩnh vực (or of none) × the hoạt động of that lĩnh vực and those without
one (every hoạt động for rows without a lĩnh vực), with the nhiệm vụ those hoạt động belong to. Within a block
every pair is compared, cosines as dense matrices computed chunk by chunk (sparse × sparse products, or
sparse × dense when the framework side is small: operand):

    hoạt động level: score = w · cos(row, hoạt động) + (1 − w) · the best cos(row, nhiệm vụ) of its nhiệm vụ
    nhiệm vụ level:  score = w · the best cos(row, hoạt động) of its hoạt động + (1 − w) · cos(row, nhiệm vụ)

A candidate needs a kept term in common with a hoạt động (cos > 0). Per-group maxima ("the best of its …") are
taken over columns ordered so that each group's members sit together (numpy reduceat).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

CELLS_PER_CHUNK = 3_000_000     # a chunk of rows × the block's columns, about this many cells (12 MB a matrix)
# a product's right side of up to this many cells (terms × columns, 16 MB) is made dense before it is multiplied
DENSE_OPERAND_CELLS = 2_000_000


@dataclass(frozen=True)
class Candidates:
    """Candidate links of one level, one entry per (department row, framework candidate); indices are global."""

    row: np.ndarray          # department row (index among the scope's department units)
    hd: np.ndarray           # the hoạt động shown (for a nhiệm vụ: its best one)
    key: np.ndarray          # the nhiệm vụ
    score: np.ndarray
    hd_cos: np.ndarray
    nv_cos: np.ndarray
    same_area: np.ndarray

    @staticmethod
    def concat(parts: list[Candidates]) -> Candidates:
        """Given several sets of candidates, return them as one."""
        if not parts:
            empty = np.empty(0)
            return Candidates(*(empty.astype(np.int64),) * 3, empty, empty, empty, empty.astype(bool))
        return Candidates(*(np.concatenate([getattr(p, f) for p in parts]) for f in Candidates.__dataclass_fields__))

    def take(self, index: np.ndarray) -> Candidates:
        return Candidates(*(getattr(self, f)[index] for f in Candidates.__dataclass_fields__))


@dataclass(frozen=True)
class Block:
    """The framework side of one block: its hoạt động and nhiệm vụ columns and how they group."""

    hds: np.ndarray               # global hoạt động indices of the columns
    keys: np.ndarray              # global nhiệm vụ indices of the columns
    hd_t: sparse.csr_matrix       # terms × hoạt động
    nv_t: sparse.csr_matrix       # terms × nhiệm vụ
    key_of_pair: np.ndarray       # (hoạt động, nhiệm vụ) pairs ordered by hoạt động: the nhiệm vụ column
    hd_starts: np.ndarray         # where each hoạt động's pairs start
    hd_of_pair: np.ndarray        # the same pairs ordered by nhiệm vụ: the hoạt động column
    key_starts: np.ndarray        # where each nhiệm vụ's pairs start


def make_block(hds: np.ndarray, hd_matrix: sparse.csr_matrix, nv_matrix: sparse.csr_matrix,
               pair_hd: np.ndarray, pair_key: np.ndarray) -> Block | None:
    """Given the block's hoạt động (global indices), the scope's hoạt động and nhiệm vụ vectors and the scope's
    (hoạt động, nhiệm vụ) pairs, return the block, or None when it has no hoạt động with a nhiệm vụ."""
    inside = np.isin(pair_hd, hds)
    pair_hd, pair_key = pair_hd[inside], pair_key[inside]
    hds = np.unique(pair_hd)                      # a hoạt động without a nhiệm vụ is never a candidate
    if not len(hds):
        return None
    keys = np.unique(pair_key)
    local_hd, local_key = np.searchsorted(hds, pair_hd), np.searchsorted(keys, pair_key)
    by_hd = np.lexsort((local_key, local_hd))
    by_key = np.lexsort((local_hd, local_key))
    return Block(
        hds=hds, keys=keys, hd_t=hd_matrix[hds].T.tocsr(), nv_t=nv_matrix[keys].T.tocsr(),
        key_of_pair=local_key[by_hd], hd_starts=np.r_[0, np.flatnonzero(np.diff(local_hd[by_hd])) + 1],
        hd_of_pair=local_hd[by_key], key_starts=np.r_[0, np.flatnonzero(np.diff(local_key[by_key])) + 1],
    )


def operand(matrix: sparse.csr_matrix) -> sparse.csr_matrix | np.ndarray:
    """Given the right side of products, return it dense when it is small (DENSE_OPERAND_CELLS), else as it is.

    sparse × dense is one pass over the left side's entries, where sparse × sparse counts the result's entries
    first and then makes a sparse result to be made dense (2.5× the time for the blocks of the national corpus).
    The sums are the same, each added in the order of the left row's entries (a dense zero adds nothing)."""
    return matrix.toarray() if matrix.shape[0] * matrix.shape[1] <= DENSE_OPERAND_CELLS else matrix


def dense(product: sparse.spmatrix | np.ndarray) -> np.ndarray:
    """Given a product with an operand() right side, return it as a dense array."""
    return product.toarray() if sparse.issparse(product) else np.asarray(product)


def group_best(values: np.ndarray, members: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Given row × column values, the member column of each pair (grouped) and where each group starts, return
    row × group: the best value among the group's members."""
    return np.maximum.reduceat(values[:, members], starts, axis=1)


def best_member(values: np.ndarray, rows: np.ndarray, groups: np.ndarray, members: np.ndarray,
                starts: np.ndarray) -> np.ndarray:
    """Given row × column values and chosen (row, group) pairs, return the member column with the best value."""
    ends = np.r_[starts[1:], len(members)]
    best = np.full(len(rows), -1, dtype=np.int64)
    top = np.full(len(rows), -np.inf)
    for offset in range(int((ends - starts).max()) if len(starts) else 0):
        position = starts[groups] + offset
        valid = position < ends[groups]
        column = members[np.minimum(position, len(members) - 1)]
        value = np.where(valid, values[rows, column], -np.inf)
        better = value > top
        best, top = np.where(better, column, best), np.where(better, value, top)
    return best


def top_per_row(score: np.ndarray, ok: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Given row × column scores and eligibility, return the (row, column) of each row's k best eligible columns
    (in no order: the ranks are given once every block's candidates are in)."""
    k = min(k, score.shape[1])
    z = np.where(ok, score, -np.inf)
    pick = np.argpartition(-z, k - 1, axis=1)[:, :k] if k < score.shape[1] else np.tile(np.arange(k), (len(z), 1))
    rows = np.repeat(np.arange(len(z)), k)
    cols = pick.ravel()
    keep = np.isfinite(z[rows, cols])
    return rows[keep], cols[keep]


def level_scores(primary: np.ndarray, secondary: np.ndarray, members: np.ndarray, starts: np.ndarray,
                 primary_is_hd: bool, w: float, k: int) -> tuple[np.ndarray, ...]:
    """Given row × column cosines of one level (primary) and of the other (secondary), and for each primary column
    its members among the secondary ones, return the top k (row, column, best member, score, hoạt động cosine,
    nhiệm vụ cosine) of the level."""
    best = group_best(secondary, members, starts)
    hd_cos, nv_cos = (primary, best) if primary_is_hd else (best, primary)
    score = w * hd_cos + (1 - w) * nv_cos
    r, c = top_per_row(score, hd_cos > 0, k)
    member = best_member(secondary, r, c, members, starts)
    return r, c, member, score[r, c], hd_cos[r, c], nv_cos[r, c]


def score_block(d: sparse.csr_matrix, rows: np.ndarray, block: Block, w: float, k: int) -> dict[str, Candidates]:
    """Given department vectors, the rows (global indices) of one block and its framework side, return each
    level's top k candidates of those rows within the block."""
    found = {"hoat_dong": [], "nhiem_vu": []}
    step = max(1, CELLS_PER_CHUNK // max(len(block.hds), len(block.key_of_pair), 1))
    hd_t, nv_t = operand(block.hd_t), operand(block.nv_t)
    for start in range(0, len(rows), step):
        chunk = rows[start:start + step]
        vectors = d[chunk]                                  # the rows once, for both products
        hd = dense(vectors @ hd_t).astype(np.float32)
        nv = dense(vectors @ nv_t).astype(np.float32)
        # level hoat_dong: each hoạt động with the best of its nhiệm vụ
        r, c, m, *values = level_scores(hd, nv, block.key_of_pair, block.hd_starts, True, w, k)
        found["hoat_dong"].append(Candidates(chunk[r], block.hds[c], block.keys[m], *values, np.ones(len(r), bool)))
        # level nhiem_vu: each nhiệm vụ with its best hoạt động
        r, c, m, *values = level_scores(nv, hd, block.hd_of_pair, block.key_starts, False, w, k)
        found["nhiem_vu"].append(Candidates(chunk[r], block.hds[m], block.keys[c], *values, np.ones(len(r), bool)))
    return {level: Candidates.concat(parts) for level, parts in found.items()}
