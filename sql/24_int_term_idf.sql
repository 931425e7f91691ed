-- int_term_idf: one row per term of the compared corpus: department rows and framework hoạt động (a nhiệm
-- vụ's own text repeats its rows and a department's name is no task, so neither is counted). df = units
-- holding the term, idf = ln((1 + units) / (1 + df)) + 1 (smoothed); kept = false for a term in more than
-- max_df_ratio of all units.
CREATE OR REPLACE VIEW int_term_idf AS
WITH corpus AS (
    SELECT term, n_syllables FROM int_row_terms WHERE item_no >= 0
),
everything AS (
    SELECT count(*)::DOUBLE AS n_units
    FROM (SELECT DISTINCT doc_id, row_no, item_no FROM int_row_terms WHERE item_no >= 0)
)
SELECT c.term,
       any_value(c.n_syllables) AS n_syllables,
       count(*) AS df,
       ln((1 + e.n_units) / (1 + count(*))) + 1 AS idf,
       count(*) / e.n_units <= p.max_df_ratio AS kept
FROM corpus c, everything e, alignment_params p
GROUP BY c.term, e.n_units, p.max_df_ratio;
