"""A text's terms, as the view int_text_terms lists them, computed over every text at once in Arrow and numpy.

The rule is the view's (sql/intermediate/24_int_text_terms.sql, to read): a term is a syllable (unigram,
weight 1) or two adjacent syllables joined by a space (bigram, weight_bigram), neither a stop syllable
(stg_stopwords), a number nor a break ('|'). Here a text's syllables are numbered once per distinct syllable
(a plan's wording repeats a few thousand syllables millions of times), the stops found among the distinct ones,
and a bigram is a pair of numbers until the distinct pairs are spelled out: no string is made per occurrence.
For the national corpus the view's 6 million rows took DuckDB 2 s to list and 2 s more to number and read;
this gives the same sums in 0.5-1.5 s (tests/test_alignment_terms.py holds it to the view).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

BREAK = "|"
NUMBER = r"^\p{N}+$"      # the view's regexp_full_match(x, '\p{N}+'): RE2 in DuckDB and in Arrow alike


def text_terms(syllables: pa.Array | pa.ChunkedArray, stops: pa.Array, weight_bigram: float
               ) -> tuple[pa.Array, sparse.csr_matrix]:
    """Given each text's syllables (int_text_syllables, a list per text), the stop syllables and the bigrams'
    weight, return the terms in binary order (the vocabulary) and texts × terms: row i, text i; a term's weights
    summed over its occurrences in the text."""
    lists = syllables.combine_chunks() if isinstance(syllables, pa.ChunkedArray) else syllables
    # millions of syllables: small types, and no array per syllable that is not needed (a VM's fresh memory is slow)
    offsets = pc.list_value_length(lists).fill_null(0).to_numpy().astype(np.int64).cumsum()
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    distinct = encoded.dictionary
    # a null syllable is no term either (the view: NULL in, NULL out); it is numbered len(distinct), a stop
    indices = encoded.indices.fill_null(len(distinct)) if encoded.indices.null_count else encoded.indices
    syllable = indices.to_numpy().astype(np.int32, copy=False)
    stop = np.r_[_flags(pc.equal(distinct, BREAK)) | _flags(pc.is_in(distinct, value_set=stops))
                 | _flags(pc.match_substring_regex(distinct, NUMBER)), True]
    term = ~stop[syllable]
    # a bigram at i: syllable i and the next, in one text, both terms
    pair = np.zeros(len(syllable), bool)
    pair[:-1] = term[:-1] & term[1:]
    pair[offsets[(offsets > 0) & (offsets <= len(syllable))] - 1] = False      # a text's last syllable
    width = len(distinct) + 1
    used = np.zeros(width, bool)
    used[syllable[term]] = True
    unigrams = np.flatnonzero(used)
    # the pairs numbered by a hash (not a sort): the terms' order is given once they are spelled
    at = np.flatnonzero(pair)
    pair_of = syllable[at].astype(np.int64)
    pair_of *= width
    pair_of += syllable[at + 1]
    pairs = pc.dictionary_encode(pa.array(pair_of))
    pair_no, pairs = pairs.indices.to_numpy(), pairs.dictionary.to_numpy()
    spelled = pa.concat_arrays([
        distinct.take(pa.array(unigrams)).cast(pa.string()),
        pc.binary_join_element_wise(distinct.take(pa.array(pairs // width)), distinct.take(pa.array(pairs % width)),
                                    " ").cast(pa.string())])
    order = pc.sort_indices(spelled).to_numpy()                 # term_id: the terms in binary order
    term_id = np.empty(len(order), dtype=np.int32)
    term_id[order] = np.arange(len(order), dtype=np.int32)
    # each syllable's unigram, then the bigram it starts: the entries in text order, so the matrix is put together
    # as it stands (its duplicates, a term met twice in a text, add up in any product with it)
    unigram_id = np.zeros(width, dtype=np.int32)
    unigram_id[unigrams] = term_id[:len(unigrams)]
    is_bigram = np.column_stack([np.zeros(len(term), bool), pair])[np.column_stack([term, pair])]
    columns = np.empty(len(is_bigram), dtype=np.int32)
    columns[~is_bigram] = unigram_id[syllable[term]]
    columns[is_bigram] = term_id[len(unigrams) + pair_no]
    weights = np.where(is_bigram, float(weight_bigram), 1.0)     # float64: any weight_bigram, as the view's DOUBLE
    # a running count of the entries (unigram, bigram) before each syllable: a text's end where its syllables end
    before = np.zeros(len(syllable) + 1, dtype=np.int64)
    np.cumsum(term.view(np.int8) + pair.view(np.int8), dtype=np.int64, out=before[1:])
    return spelled.take(pa.array(order)), sparse.csr_matrix(
        (weights, columns, before[np.r_[0, offsets]]), shape=(len(lists), len(order)))


def _flags(mask: pa.Array) -> np.ndarray:
    """Given a boolean array (nulls false), return it as numpy."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool)
