-- stg_abbreviations: one row per abbreviation of schemas/abbreviations.csv: its lower-case key and the
-- lower-case text it stands for (TTHC → thủ tục hành chính), both NFC.
CREATE OR REPLACE VIEW stg_abbreviations AS
SELECT lower(nfc_normalize(trim(abbreviation))) AS abbreviation_key,
       lower(nfc_normalize(trim(expansion)))    AS expansion
FROM read_csv('{schemas}/abbreviations.csv', header = true, all_varchar = true);
