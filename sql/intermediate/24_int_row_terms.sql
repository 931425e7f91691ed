-- int_row_terms: one row per (compared unit, term): a term is a syllable (unigram) or two adjacent syllables
-- (bigram), neither a stop syllable (function word, number) nor a break; tf sums the weights of the fields it
-- occurs in (bigrams times weight_bigram). The terms of each distinct text are listed once (int_text_syllables),
-- then counted for every field holding it.
CREATE OR REPLACE VIEW int_row_terms AS
WITH stops AS (
    SELECT list(syllable) AS stops FROM stg_stopwords
),
marked AS (
    -- a stop syllable or a break becomes NULL: it is no term, and no bigram goes across it
    SELECT t.text,
           list_transform(t.syllables, lambda x:
               CASE WHEN x = '|' OR list_contains(s.stops, x) OR regexp_full_match(x, '\p{N}+')
                    THEN NULL ELSE x END) AS syl
    FROM int_text_syllables t, stops s
),
listed AS (
    SELECT text, list_filter(syl, lambda x: x IS NOT NULL) AS unigrams,
           list_filter(list_transform(range(1, len(syl)), lambda i: syl[i] || ' ' || syl[i + 1]),
                       lambda x: x IS NOT NULL) AS bigrams
    FROM marked
),
fields AS (
    SELECT f.unit_id, f.scope_id, f.weight, l.unigrams, l.bigrams
    FROM int_row_fields f
    JOIN listed l USING (text)
),
occurrences AS (
    SELECT unit_id, scope_id, weight, unnest(unigrams) AS term
    FROM fields
    UNION ALL
    SELECT f.unit_id, f.scope_id, f.weight * p.weight_bigram, unnest(f.bigrams)
    FROM fields f, alignment_params p
)
SELECT scope_id, unit_id, term, sum(weight) AS tf
FROM occurrences
GROUP BY scope_id, unit_id, term;
