-- int_row_terms: one row per (compared unit, term): a term is a syllable (unigram) or two adjacent syllables
-- (bigram), neither a stop syllable (function word, number) nor a break; tf sums the weights of the fields it
-- occurs in (bigrams times weight_bigram).
CREATE OR REPLACE VIEW int_row_terms AS
WITH stops AS (
    SELECT list(syllable) AS stops FROM stg_stopwords
),
marked AS (
    -- a stop syllable or a break becomes NULL: it is no term, and no bigram goes across it
    SELECT f.unit_id, f.scope_id, f.weight,
           list_transform(f.syllables, lambda x:
               CASE WHEN x = '|' OR list_contains(s.stops, x) OR regexp_full_match(x, '\p{N}+')
                    THEN NULL ELSE x END) AS syl
    FROM int_field_syllables f, stops s
),
occurrences AS (
    SELECT unit_id, scope_id, weight, unnest(list_filter(syl, lambda x: x IS NOT NULL)) AS term
    FROM marked
    UNION ALL
    SELECT m.unit_id, m.scope_id, m.weight * p.weight_bigram,
           unnest(list_filter(list_transform(range(1, len(m.syl)), lambda i: m.syl[i] || ' ' || m.syl[i + 1]),
                              lambda x: x IS NOT NULL))
    FROM marked m, alignment_params p
)
SELECT scope_id, unit_id, term, sum(weight) AS tf
FROM occurrences
GROUP BY scope_id, unit_id, term;
