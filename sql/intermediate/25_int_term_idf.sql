-- int_term_idf: one row per term of the compared corpus: department rows and framework hoạt động (a nhiệm
-- vụ's own text repeats its rows and a department's name is no task, so neither counts). term_id is the
-- term's hash, the key the heavy joins use. df = units holding the term, idf = ln((1 + units) / (1 + df))
-- + 1 (smoothed). kept = false for a term in more than
-- max_df_ratio of all units: it still counts in a unit's vector length, but dot products leave it out (its
-- idf is low, its share of a score small, and it would pair every row with every row); rare = a term held
-- by at most cross_area_max_df units, the only terms through which a framework row of another area can
-- become a candidate.
CREATE OR REPLACE VIEW int_term_idf AS
WITH corpus AS (
    SELECT t.term
    FROM int_row_terms t
    SEMI JOIN int_units u ON u.unit_id = t.unit_id AND u.kind IN ('department', 'hoat_dong')
),
everything AS (
    SELECT count(*)::DOUBLE AS n_units FROM int_units WHERE kind IN ('department', 'hoat_dong')
)
SELECT c.term,
       hash(c.term) AS term_id,
       count(*) AS df,
       ln((1 + e.n_units) / (1 + count(*))) + 1 AS idf,
       count(*) / e.n_units <= p.max_df_ratio AS kept,
       count(*) <= p.cross_area_max_df AS rare
FROM corpus c, everything e, alignment_params p
GROUP BY c.term, e.n_units, p.max_df_ratio, p.cross_area_max_df;
