-- stg_tone_placement: one row per old-style ending of a syllable (hoá, uỷ) and its new-style spelling
-- (hóa, ủy), from schemas/tone_placement.csv: both spellings occur in the plans and must be one term.
CREATE OR REPLACE VIEW stg_tone_placement AS
SELECT nfc_normalize(old) AS old_ending, nfc_normalize(new) AS new_ending
FROM read_csv('{schemas}/tone_placement.csv', header = true, all_varchar = true);
