-- int_text_terms: one row per occurrence of a term in a distinct text of a compared field (int_text_syllables):
-- a term is a syllable (unigram, weight 1) or two adjacent syllables (bigram, weight_bigram), neither a stop
-- syllable (function word, number) nor a break. Each text's terms are listed once, however many fields hold
-- it; int_row_terms counts them for every field. The scores list the same terms in Arrow and numpy
-- (pipeline/database/alignment/terms.py: no row per occurrence), held to this view by tests/test_alignment_terms.py:
-- a change of the rule here is made there too (and ALIGNMENT_VERSION bumped), or that test fails.
CREATE OR REPLACE VIEW int_text_terms AS
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
)
SELECT text, unnest(unigrams) AS term, 1.0::DOUBLE AS weight
FROM listed
UNION ALL
SELECT l.text, unnest(l.bigrams), p.weight_bigram
FROM listed l, alignment_params p;
