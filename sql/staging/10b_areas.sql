-- areas: the seven lĩnh vực of cải cách hành chính (Nghị quyết 76/NQ-CP), one row each: area_code 1–7 (as in
-- tasks.area_code), the Roman numeral plans print (I–VII), the name, and the headings the parsers recognise
-- for it (folded: no tones, lower case; schemas/areas.csv).
CREATE OR REPLACE VIEW areas AS
SELECT CAST(area_code AS INTEGER) AS area_code,
       ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'][CAST(area_code AS INTEGER)] AS roman,
       any_value(area_name) AS area_name,
       list(DISTINCT keyword ORDER BY keyword) AS headings
FROM read_csv('{schemas}/areas.csv', header = true, all_varchar = true)
GROUP BY ALL
ORDER BY area_code;
