-- stg_domain_phrases: one row per phrase of schemas/domain_phrases.csv that names the subject of the whole
-- corpus ("cải cách hành chính", also its abbreviation CCHC). Every plan is about it, so, like a function word,
-- it tells nothing about which task a row is: it is cut out of the text (a break, no term, no bigram across it).
CREATE OR REPLACE VIEW stg_domain_phrases AS
SELECT DISTINCT lower(nfc_normalize(trim(phrase))) AS phrase
FROM read_csv('{schemas}/domain_phrases.csv', header = true, all_varchar = true);
