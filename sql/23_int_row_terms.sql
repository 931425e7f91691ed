-- int_row_terms: one row per (compared unit, term): a term is a syllable (unigram) or two adjacent syllables
-- of one phrase (bigram), neither a stop syllable; tf sums the weights of the fields it occurs in (bigrams
-- times weight_bigram).
CREATE OR REPLACE VIEW int_row_terms AS
WITH paired AS (
    SELECT s.*,
           lead(s.syllable) OVER w AS next_syllable,
           lead(s.is_stop) OVER w AS next_is_stop
    FROM int_syllables s
    WINDOW w AS (PARTITION BY s.doc_id, s.row_no, s.item_no, s.field, s.phrase_no ORDER BY s.syllable_no)
),
occurrences AS (
    SELECT doc_id, row_no, item_no, area_code, syllable AS term, 1 AS n_syllables, weight
    FROM paired
    WHERE NOT is_stop
    UNION ALL
    SELECT doc_id, row_no, item_no, area_code, syllable || ' ' || next_syllable, 2, weight * p.weight_bigram
    FROM paired, alignment_params p
    WHERE NOT is_stop AND NOT next_is_stop
)
SELECT doc_id, row_no, item_no, any_value(area_code) AS area_code, term,
       any_value(n_syllables) AS n_syllables, sum(weight) AS tf
FROM occurrences
GROUP BY doc_id, row_no, item_no, term;
