-- stg_stopwords: one row per function syllable (các, của, theo, …) of schemas/stopwords.csv: never a term,
-- and no bigram is formed across it.
CREATE OR REPLACE VIEW stg_stopwords AS
SELECT DISTINCT lower(nfc_normalize(trim(syllable))) AS syllable
FROM read_csv('{schemas}/stopwords.csv', header = true, all_varchar = true);
