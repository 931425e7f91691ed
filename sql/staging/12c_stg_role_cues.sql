-- stg_role_cues: one row per phrase of schemas/role_cues.csv that makes a department row a phối hợp row (role
-- 'partner': "Phối hợp với …", "Tham gia …"); a row without any is the department's own work (role 'lead').
CREATE OR REPLACE VIEW stg_role_cues AS
SELECT DISTINCT lower(nfc_normalize(trim(cue))) AS cue, trim(role) AS role
FROM read_csv('{schemas}/role_cues.csv', header = true, all_varchar = true);
