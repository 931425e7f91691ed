-- int_syllables: one row per syllable of a compared field, in reading order: NFC, lower case, old tone
-- placement respelled (hoá → hóa), abbreviations expanded (TTHC → thủ tục hành chính); phrase_no counts
-- the stretches between punctuation, so that no bigram spans a comma; is_stop marks function syllables
-- and numbers, which are never terms.
CREATE OR REPLACE VIEW int_syllables AS
WITH cleaned AS (
    -- item numbers glued into merged cells ("… kiểm tra CCHC 3.19. Thông báo …") and document numbers
    -- ("130/2005/NĐ-CP", "12-NQ/TU") are not text: each becomes a phrase break
    SELECT doc_id, row_no, item_no, area_code, field, weight,
           regexp_replace(regexp_replace(lower(nfc_normalize(text)),
                                         '\d+(\s*[/-]\s*[\p{L}\p{N}]+)+', ' . ', 'g'),
                          '\d+(\.\d+)+\.?', ' . ', 'g') AS text
    FROM int_row_fields
),
phrases AS (
    SELECT c.doc_id, c.row_no, c.item_no, c.area_code, c.field, c.weight, p.phrase, p.phrase_no
    FROM cleaned c,
         unnest(regexp_split_to_array(c.text, '[^\p{L}\p{N}\s]+')) WITH ORDINALITY AS p(phrase, phrase_no)
),
words AS (
    SELECT ph.doc_id, ph.row_no, ph.item_no, ph.area_code, ph.field, ph.weight, ph.phrase_no, w.word, w.word_no
    FROM phrases ph,
         unnest(regexp_split_to_array(trim(ph.phrase), '\s+')) WITH ORDINALITY AS w(word, word_no)
    WHERE w.word <> ''
),
respelled AS (
    SELECT w.*,
           CASE WHEN t.old_ending IS NOT NULL
                     -- "quý", "quả": after q the u belongs to the consonant and the tone stays put
                     AND NOT (length(w.word) > 2 AND substr(w.word, length(w.word) - 2, 1) = 'q')
                THEN left(w.word, length(w.word) - 2) || t.new_ending
                ELSE w.word END AS spelled
    FROM words w
    LEFT JOIN stg_tone_placement t ON right(w.word, 2) = t.old_ending
),
expanded AS (
    SELECT r.doc_id, r.row_no, r.item_no, r.area_code, r.field, r.weight, r.phrase_no, r.word_no, s.syllable, s.sub_no
    FROM respelled r
    LEFT JOIN stg_abbreviations a ON a.abbreviation_key = r.spelled,
         unnest(CASE WHEN a.expansion IS NULL THEN [r.spelled] ELSE string_split(a.expansion, ' ') END)
             WITH ORDINALITY AS s(syllable, sub_no)
)
SELECT e.doc_id, e.row_no, e.item_no, e.area_code, e.field, e.weight, e.phrase_no,
       row_number() OVER (PARTITION BY e.doc_id, e.row_no, e.item_no, e.field, e.phrase_no
                          ORDER BY e.word_no, e.sub_no) AS syllable_no,
       e.syllable,
       (sw.syllable IS NOT NULL OR regexp_full_match(e.syllable, '\p{N}+')) AS is_stop
FROM expanded e
LEFT JOIN stg_stopwords sw ON sw.syllable = e.syllable;
