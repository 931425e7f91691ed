-- stg_frameworks: one row per framework plan (khung nhiệm vụ) in its newest version: a province-level plan
-- whose phụ lục carries nhiệm vụ codes (coded = true), or any plan a department's sidecar names as its
-- framework (then its nhiệm vụ may be uncoded and are shown by their printed key, see stg_framework_rows).
CREATE OR REPLACE TABLE stg_frameworks AS
WITH coded AS (
    SELECT DISTINCT doc_id FROM tasks WHERE source_part = 'appendix' AND task_code IS NOT NULL
),
named AS (
    -- a sidecar naming an older version of a framework means its newest version
    SELECT DISTINCT v.newest_doc_id AS doc_id
    FROM documents d JOIN stg_document_versions v ON v.doc_id = d.framework_doc_id
)
SELECT f.doc_id AS framework_doc_id, f.issuer_level, f.province, f.plan_year, f.issued_date, f.plan_number,
       f.doc_id IN (SELECT doc_id FROM coded) AS coded,
       v.plan_key
FROM documents f
JOIN stg_document_versions v ON v.doc_id = f.doc_id
WHERE NOT v.superseded
  AND ((f.issuer_level = 'province' AND f.doc_id IN (SELECT doc_id FROM coded))
       OR f.doc_id IN (SELECT doc_id FROM named));
