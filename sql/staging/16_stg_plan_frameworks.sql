-- stg_plan_frameworks: one row per department plan (in its newest version: a superseded draft is not compared)
-- that has a framework to be compared with: the framework its sidecar names (in that framework's newest
-- version), else the provincial framework (issuer_level province, with coded nhiệm vụ rows) of the same province
-- and plan_year (the most recently issued one when there are several). plan_key is the plan's identity across
-- versions (stg_document_versions), framework_key the framework's.
CREATE OR REPLACE TABLE stg_plan_frameworks AS
WITH plans AS (
    SELECT d.*, v.plan_key
    FROM documents d
    JOIN stg_document_versions v ON v.doc_id = d.doc_id
    WHERE NOT v.superseded AND (d.issuer_level <> 'province' OR d.framework_doc_id IS NOT NULL)
),
candidates AS (
    SELECT p.doc_id AS department_doc_id, v.newest_doc_id AS framework_doc_id, 'sidecar' AS matched_by,
           0 AS preference, NULL::DATE AS issued_date
    FROM plans p JOIN stg_document_versions v ON v.doc_id = p.framework_doc_id
    WHERE v.newest_doc_id <> p.doc_id
    UNION ALL
    SELECT p.doc_id, f.framework_doc_id, 'province_year', 1, f.issued_date
    FROM plans p JOIN stg_frameworks f ON f.province = p.province AND f.plan_year = p.plan_year
    WHERE f.coded AND f.issuer_level = 'province' AND f.framework_doc_id <> p.doc_id
)
SELECT c.department_doc_id,
       c.framework_doc_id,
       c.matched_by,                                            -- sidecar | province_year
       -- the department as the agency dictionary names it; the printed issuer when the dictionary lacks it
       coalesce(p.issuer_agency, p.issuer) AS department_agency,
       p.issuer AS department_issuer,
       coalesce(p.province, f.province) AS province,
       coalesce(p.plan_year, f.plan_year) AS plan_year,
       p.plan_key,
       f.plan_key AS framework_key
FROM candidates c
JOIN plans p ON p.doc_id = c.department_doc_id
JOIN stg_frameworks f ON f.framework_doc_id = c.framework_doc_id
QUALIFY row_number() OVER (PARTITION BY c.department_doc_id
                           ORDER BY c.preference, c.issued_date DESC NULLS LAST, c.framework_doc_id) = 1;
