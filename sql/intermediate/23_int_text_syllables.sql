-- int_text_syllables: one row per distinct text of a compared field (int_row_fields), as a list of syllables in
-- reading order: lower case (the Parquet text is NFC already: parsers.textclean), old tone placement respelled
-- (hoá → hóa), abbreviations expanded (TTHC → thủ tục hành chính), the corpus's subject (stg_domain_phrases)
-- cut out, and '|' where punctuation, an item number ("3.19.") or a document number ("130/2005/NĐ-CP") broke
-- the text, so that no bigram spans it. Each text is cut once, however many fields hold it: a draft and its
-- final, a framework's rows in its own scope and in its versions', a plan copying the framework's wording.
CREATE OR REPLACE VIEW int_text_syllables AS
WITH lookups AS (
    SELECT (SELECT map_from_entries(list({'key': abbreviation_key, 'value': expansion}))
            FROM stg_abbreviations) AS abbreviations,
           (SELECT map_from_entries(list({'key': old_ending, 'value': new_ending}))
            FROM stg_tone_placement) AS endings,
           (SELECT coalesce(list(phrase), []) FROM stg_domain_phrases) AS domain_phrases
),
texts AS (
    SELECT DISTINCT text FROM int_row_fields
),
words AS (
    SELECT t.text,
           list_filter(string_split(regexp_replace(
               -- the subject phrases cut out one by one (a plain replace: a pattern read from a table
               -- would be compiled again for every field)
               regexp_replace(list_reduce(l.domain_phrases, lambda acc, phrase: replace(acc, phrase, ' | '),
                                          lower(t.text)),
                   -- a document number | an item number | a run of punctuation
                   '\d+(?:\s*[/-]\s*[\p{L}\p{N}]+)+|\d+(?:\.\d+)+\.?|[^\p{L}\p{N}\s]+', ' | ', 'g'),
               -- tabs and line breaks are spaces (a pattern, not translate: RE2 skips to the few there are,
               -- where translate looks every character up)
               '[\t\n\r]', ' ', 'g'), ' '), lambda x: x <> '') AS words
    FROM texts t, lookups l
),
respelled AS (
    SELECT w.text,
           list_transform(w.words, lambda x:
               -- "quý", "quả": after q the u belongs to the consonant and the tone stays put
               CASE WHEN l.endings[right(x, 2)] IS NOT NULL AND NOT (length(x) > 2 AND x[length(x) - 2] = 'q')
                    THEN left(x, length(x) - 2) || l.endings[right(x, 2)]
                    ELSE x END) AS words,
           l.abbreviations, l.domain_phrases
    FROM words w, lookups l
)
SELECT text,
       string_split(array_to_string(list_transform(words, lambda x:
               -- an abbreviation of a domain phrase (CCHC) is cut out like the phrase itself
               CASE WHEN list_contains(domain_phrases, abbreviations[x]) THEN '|' ELSE coalesce(abbreviations[x], x) END), ' '), ' ')
           AS syllables
FROM respelled;
