-- stg_agency_scope: one row per (agency, name it answers to in a chủ trì / phối hợp cell): its own canonical
-- name ('name'), the label of every collective group it belongs to ('group', e.g. "Các sở, ban, ngành cấp
-- tỉnh"), and the names of its own internal units ('unit': a task given to a Sở's trung tâm is the Sở's).
CREATE OR REPLACE TABLE stg_agency_scope AS
SELECT a.name AS agency, a.name AS answers_to, 'name' AS via
FROM agencies a
UNION ALL
SELECT a.name, g.label, 'group'
FROM agencies a, unnest(a.groups) AS m(group_key)
JOIN agency_groups g ON g.key = m.group_key
UNION ALL
SELECT u.parent, u.name, 'unit'
FROM agencies u
WHERE u.parent IS NOT NULL AND u.parent <> u.name;
