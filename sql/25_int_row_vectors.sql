-- int_row_vectors: one row per (compared unit, kept term) with its TF-IDF weight ln(1 + tf) · idf and that
-- weight divided by the unit's vector length (unit_weight), so that the dot product of two units is their
-- cosine.
CREATE OR REPLACE VIEW int_row_vectors AS
WITH weighted AS (
    SELECT t.doc_id, t.row_no, t.item_no, t.term, t.n_syllables, ln(1 + t.tf) * i.idf AS weight
    FROM int_row_terms t
    JOIN int_term_idf i ON i.term = t.term
    WHERE i.kept
)
SELECT doc_id, row_no, item_no, term, n_syllables, weight,
       weight / sqrt(sum(weight * weight) OVER (PARTITION BY doc_id, row_no, item_no)) AS unit_weight
FROM weighted;
