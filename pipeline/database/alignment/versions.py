"""Line two versions of one plan up row to row, with the same TF-IDF as the alignment (weights.py).

Within a version scope (int_units kind 'version_row', the rows of the older and the newer document), every
older row is paired with at most one newer row and the other way round: the most similar pairs first (cosine,
then the nearer position, then the earlier row), only rows of the same part (phụ lục or body), and only from
version_match_min. A row left without a partner was removed (older) or added (newer); plan_changes says what
changed in a pair.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from pipeline.database.alignment.weights import ScopeVectors, keep_columns

VERSION_PAIRS_SCHEMA = pa.schema([
    ("scope_id", pa.string()), ("older_doc_id", pa.string()), ("newer_doc_id", pa.string()),
    ("older_row_no", pa.int64()), ("newer_row_no", pa.int64()), ("score", pa.float64()),
])


def scope_documents(scope_id: str) -> tuple[str, str]:
    """Given a version scope id ('versions:<older>><newer>'), return (older doc_id, newer doc_id)."""
    older, newer = scope_id.removeprefix("versions:").split(">")
    return older, newer


def greedy_pairs(score: np.ndarray, allowed: np.ndarray, rows_a: np.ndarray, rows_b: np.ndarray
                 ) -> list[tuple[int, int]]:
    """Given a score matrix and where a pair is allowed, return one-to-one (a, b) index pairs, best first."""
    a, b = np.nonzero(allowed)
    order = np.lexsort((rows_a[a], np.abs(rows_a[a] - rows_b[b]), -score[a, b]))
    used_a, used_b, out = set(), set(), []
    for i, j in zip(a[order].tolist(), b[order].tolist(), strict=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return out


def pair_versions(scope_id: str, units: pa.Table, vectors: ScopeVectors, p: dict) -> pa.Table:
    """Given a version scope's units and vectors and alignment_params, return its row pairs."""
    older, newer = scope_documents(scope_id)
    docs = units["doc_id"].to_numpy(zero_copy_only=False)
    rows = units["row_no"].to_numpy()
    parts = units["source_part"].to_numpy(zero_copy_only=False)
    is_old, is_new = docs == older, docs == newer
    matrix = keep_columns(vectors.matrix, vectors.kept)
    score = (matrix[np.flatnonzero(is_old)] @ matrix[np.flatnonzero(is_new)].T).toarray()
    allowed = (parts[is_old][:, None] == parts[is_new][None, :]) & (score >= p["version_match_min"])
    pairs = greedy_pairs(score, allowed, rows[is_old], rows[is_new])
    i = np.array([a for a, _ in pairs], dtype=np.int64)
    j = np.array([b for _, b in pairs], dtype=np.int64)
    return pa.table({
        "scope_id": [scope_id] * len(pairs), "older_doc_id": [older] * len(pairs),
        "newer_doc_id": [newer] * len(pairs), "older_row_no": rows[is_old][i], "newer_row_no": rows[is_new][j],
        "score": score[i, j] if len(pairs) else np.empty(0),
    }, schema=VERSION_PAIRS_SCHEMA)
