"""A text's terms computed in Arrow and numpy (pipeline/database/alignment/terms.py) are the view's own
(sql/intermediate/24_int_text_terms.sql): the same terms, weights summed alike, for any syllables."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.database.alignment.terms import text_terms
from pipeline.database.build import SQL_DIR

STOPS = ["các", "của", "và", "theo"]
# syllables as int_text_syllables gives them: words, stop syllables, breaks, numbers (any script's digits), an
# empty one (an expansion with two spaces), words that are another's prefix, and now and then a null
SYLLABLES = st.sampled_from(["cải", "cách", "thủ", "tục", "hành", "chính", "số", "hóa", "các", "của", "và", "theo",
                             "|", "2026", "١٢", "3a", "", "hồ", "hồn", "q", "quý", None])
TEXTS = st.lists(st.lists(SYLLABLES, max_size=12), max_size=8)


def view_terms(texts: list[list[str | None]], weight_bigram: float) -> dict[tuple[int, str], float]:
    """Given each text's syllables, return {(text number, term): the summed weight} as int_text_terms lists them."""
    con = duckdb.connect()
    con.execute("CREATE TABLE int_text_syllables AS SELECT i AS text, s AS syllables FROM"
                " (SELECT unnest(range(len(?::VARCHAR[][]))) AS i, unnest(?::VARCHAR[][]) AS s)", [texts, texts])
    con.execute("CREATE TABLE stg_stopwords AS SELECT unnest(?::VARCHAR[]) AS syllable", [STOPS])
    con.execute("CREATE TABLE alignment_params AS SELECT ?::DOUBLE AS weight_bigram", [weight_bigram])
    con.execute((SQL_DIR / "intermediate" / "24_int_text_terms.sql").read_text(encoding="utf-8"))
    rows = con.execute("SELECT text, term, sum(weight) FROM int_text_terms GROUP BY ALL").fetchall()
    return {(int(text), term): weight for text, term, weight in rows}


def computed_terms(texts: list[list[str | None]], weight_bigram: float) -> tuple[list[str], dict]:
    vocabulary, matrix = text_terms(pa.array(texts, pa.list_(pa.string())), pa.array(STOPS), weight_bigram)
    coo = matrix.tocsr()
    coo.sum_duplicates()
    coo = coo.tocoo()
    terms = vocabulary.to_pylist()
    return terms, {(int(r), terms[c]): float(v) for r, c, v in zip(coo.row, coo.col, coo.data, strict=True)}


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from([0.5, 0.25, 1.0, 0.3]))
def test_the_terms_of_any_syllables_are_the_views(texts, weight_bigram):
    terms, computed = computed_terms(texts, weight_bigram)
    viewed = view_terms(texts, weight_bigram)
    assert computed.keys() == viewed.keys()
    if weight_bigram == 0.3:                                # not dyadic: the same sums, added in another order
        assert computed == pytest.approx(viewed, rel=1e-12)
    else:                                                   # 1, 0.5, 0.25: every sum exact, whatever its order
        assert computed == viewed
    assert terms == sorted(terms, key=lambda t: t.encode()) and len(set(terms)) == len(terms)   # binary order


def test_a_text_s_terms_are_its_syllables_and_their_pairs_not_across_a_stop_or_a_break():
    terms, computed = computed_terms([["cải", "cách", "của", "thủ", "tục", "|", "hành", "chính", "2026", "số"],
                                      ["thủ", "tục", "thủ", "tục"]], 0.5)
    assert computed == {
        (0, "cải"): 1.0, (0, "cách"): 1.0, (0, "cải cách"): 0.5, (0, "thủ"): 1.0, (0, "tục"): 1.0,
        (0, "thủ tục"): 0.5, (0, "hành"): 1.0, (0, "chính"): 1.0, (0, "hành chính"): 0.5, (0, "số"): 1.0,
        (1, "thủ"): 2.0, (1, "tục"): 2.0, (1, "thủ tục"): 1.0, (1, "tục thủ"): 0.5}
    assert "của" not in terms and "2026" not in terms and "|" not in terms


def test_no_text_gives_no_terms():
    vocabulary, matrix = text_terms(pa.array([], pa.list_(pa.string())), pa.array(STOPS), 0.5)
    assert len(vocabulary) == 0 and matrix.shape == (0, 0)
    vocabulary, matrix = text_terms(pa.array([[], ["của"]], pa.list_(pa.string())), pa.array(STOPS), 0.5)
    assert len(vocabulary) == 0 and matrix.shape == (2, 0) and matrix.nnz == 0
