"""TF-IDF within one scope: every weight is computed from the units of that scope alone.

A scope is one framework with the department plans compared with it (or two versions of a plan), so adding
another province's plans changes nothing here. The rules, with n the scope's corpus units (department rows and
framework hoạt động; a nhiệm vụ's own text repeats its rows and a department's name is no task, so neither
counts) and df a term's number of corpus units:

    idf    = ln((1 + n) / (1 + df)) + 1          (smoothed; a term no corpus unit holds is left out)
    weight = ln(1 + tf) · idf                     (tf: the unit's field weights summed, from int_row_terms)
    unit_weight = weight / the unit's vector length, so that the dot product of two units is their cosine
    kept   = df / n ≤ max_df_ratio                (a more common term counts in the length, not in dot products)
    rare   = df ≤ cross_area_max_df               (the only terms through which another lĩnh vực is reached)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

CORPUS_KINDS = ("department", "hoat_dong")


@dataclass(frozen=True)
class ScopeVectors:
    """The TF-IDF vectors of one scope: row i of `matrix` is unit `unit_ids[i]`, column j is term `terms[j]`."""

    unit_ids: np.ndarray          # uint64, sorted
    kinds: np.ndarray             # the unit's kind, per row
    terms: pa.Array               # the term of each column
    matrix: sparse.csr_matrix     # unit_weight of every (unit, term)
    kept: np.ndarray              # per column
    rare: np.ndarray              # per column
    bigram: np.ndarray            # per column: a two-syllable term

    def rows(self, mask: np.ndarray) -> sparse.csr_matrix:
        """Given a mask over the units, return their rows."""
        return self.matrix[np.flatnonzero(mask)]


def idf(df: np.ndarray, n_units: int) -> np.ndarray:
    """Given each term's document frequency and the corpus size, return its smoothed idf."""
    return np.log((1.0 + n_units) / (1.0 + df)) + 1.0


def scope_vectors(units: pa.Table, terms: pa.Table, params: dict, corpus_kinds=CORPUS_KINDS,
                  vocabulary: pa.Array | None = None) -> ScopeVectors:
    """Given a scope's units (sorted by unit_id), its (unit, term, tf) rows and alignment_params, return its vectors.

    The terms are strings (column `term`), or numbers (column `term_id`) into `vocabulary`; either way the
    columns are the scope's own terms, in the order of their first row (by term_id: the binary order).
    """
    unit_ids = units["unit_id"].to_numpy()
    kinds = units["kind"].to_numpy(zero_copy_only=False)
    if vocabulary is None:
        encoded = pc.dictionary_encode(terms["term"]).combine_chunks()
        ids, vocabulary = encoded.indices.to_numpy(), encoded.dictionary
    else:
        ids = terms["term_id"].to_numpy()
    used, term_idx = numbered(ids, len(vocabulary))
    vocabulary = vocabulary.take(pa.array(used))
    unit_pos = np.searchsorted(unit_ids, terms["unit_id"].to_numpy())
    in_corpus = np.isin(kinds, corpus_kinds)
    n_units = int(in_corpus.sum())
    df = np.bincount(term_idx[in_corpus[unit_pos]], minlength=len(vocabulary))
    present = df[term_idx] > 0
    unit_pos, term_idx = unit_pos[present], term_idx[present]
    weight = np.log1p(terms["tf"].to_numpy()[present]) * idf(df, n_units)[term_idx]
    length = np.sqrt(np.bincount(unit_pos, weight * weight, minlength=len(unit_ids)))
    matrix = sparse.csr_matrix((weight / length[unit_pos], (unit_pos, term_idx)),
                               shape=(len(unit_ids), len(vocabulary)))
    ratio = df / max(n_units, 1)
    return ScopeVectors(
        unit_ids=unit_ids, kinds=kinds, terms=vocabulary, matrix=matrix,
        kept=ratio <= params["max_df_ratio"], rare=df <= params["cross_area_max_df"],
        bigram=pc.match_substring(vocabulary, " ").to_numpy(zero_copy_only=False),
    )


def numbered(ids: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Given numbers below size, return the distinct ones in order and each number's place among them (what
    np.unique(ids, return_inverse=True) gives, counted rather than sorted)."""
    held = np.bincount(ids, minlength=size) > 0
    return np.flatnonzero(held), (np.cumsum(held) - 1)[ids]


def keep_columns(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """Given a matrix and a mask over its columns, return it with the other columns' entries zeroed (dropped)."""
    return kept_entries(matrix, columns[matrix.indices])


def kept_entries(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """Given a matrix and a mask over its stored entries, return it with those entries only, in their order."""
    counted = np.r_[0, np.cumsum(keep)]
    return sparse.csr_matrix((matrix.data[keep], matrix.indices[keep], counted[matrix.indptr]), shape=matrix.shape)
