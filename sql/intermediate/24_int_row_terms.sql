-- int_row_terms: one row per (compared unit, term): a term is a syllable (unigram) or two adjacent syllables
-- (bigram), neither a stop syllable (function word, number) nor a break; tf sums the weights of the fields it
-- occurs in (bigrams times weight_bigram). A long name the abbreviation table spells out ("văn bản quy phạm
-- pháp luật", "tiêu chuẩn việt nam") is one thing said in many syllables: the terms inside it count
-- weight_compound each, so that naming the thing does not outweigh what is done with it.
CREATE OR REPLACE VIEW int_row_terms AS
WITH stops AS (
    SELECT list(syllable) AS stops FROM stg_stopwords
),
compounds AS (
    -- every expansion of the abbreviation table, longest first (VBQPPL before QPPL)
    SELECT list(expansion ORDER BY len(string_split(expansion, ' ')) DESC, expansion) AS compounds
    FROM stg_abbreviations
    WHERE expansion NOT IN (SELECT phrase FROM stg_domain_phrases) AND contains(expansion, ' ')
),
marked AS (
    -- a stop syllable or a break becomes NULL: it is no term, and no bigram goes across it; inside[i] says
    -- whether syllable i is part of a long name (its spaces turned into '~' for a moment to find it)
    SELECT f.unit_id, f.scope_id, f.weight,
           list_transform(f.syllables, lambda x:
               CASE WHEN x = '|' OR list_contains(s.stops, x) OR regexp_full_match(x, '\p{N}+')
                    THEN NULL ELSE x END) AS syl,
           flatten(list_transform(
               string_split(list_reduce(c.compounds,
                                        lambda text, e: replace(text, ' ' || e || ' ', ' ' || replace(e, ' ', '~') || ' '),
                                        ' ' || array_to_string(f.syllables, ' ') || ' '), ' ')[2:-2],
               lambda t: list_transform(string_split(t, '~'), lambda x: contains(t, '~')))) AS inside
    FROM int_field_syllables f, stops s, compounds c
),
occurrences AS (
    SELECT m.unit_id, m.scope_id,
           m.weight * CASE WHEN m.inside[i] THEN p.weight_compound ELSE 1 END AS weight, m.syl[i] AS term
    FROM marked m, alignment_params p, range(1, len(m.syl) + 1) AS r(i)
    WHERE m.syl[i] IS NOT NULL
    UNION ALL
    SELECT m.unit_id, m.scope_id,
           m.weight * p.weight_bigram * CASE WHEN m.inside[i] AND m.inside[i + 1] THEN p.weight_compound ELSE 1 END,
           m.syl[i] || ' ' || m.syl[i + 1]
    FROM marked m, alignment_params p, range(1, len(m.syl)) AS r(i)
    WHERE m.syl[i] IS NOT NULL AND m.syl[i + 1] IS NOT NULL
)
SELECT scope_id, unit_id, term, sum(weight) AS tf
FROM occurrences
GROUP BY scope_id, unit_id, term;
