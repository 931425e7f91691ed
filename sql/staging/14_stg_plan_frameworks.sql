-- stg_plan_frameworks: one row per department plan that has a framework to be compared with: the framework
-- its sidecar names, else the provincial framework (issuer_level province, with coded nhiệm vụ rows) of the
-- same province and plan_year (the most recently issued one when there are several).
CREATE OR REPLACE VIEW stg_plan_frameworks AS
WITH frameworks AS (
    -- a framework is a province-level plan whose phụ lục carries nhiệm vụ codes
    SELECT d.doc_id, d.province, d.plan_year, d.issued_date
    FROM documents d
    WHERE d.issuer_level = 'province'
      AND d.doc_id IN (SELECT doc_id FROM tasks WHERE source_part = 'appendix' AND task_code IS NOT NULL)
),
plans AS (
    SELECT d.*
    FROM documents d
    WHERE d.issuer_level <> 'province' OR d.framework_doc_id IS NOT NULL
),
candidates AS (
    SELECT p.doc_id AS department_doc_id, f.doc_id AS framework_doc_id, 'sidecar' AS matched_by, 0 AS preference,
           f.issued_date
    FROM plans p JOIN documents f ON f.doc_id = p.framework_doc_id
    WHERE f.doc_id <> p.doc_id
    UNION ALL
    SELECT p.doc_id, f.doc_id, 'province_year', 1, f.issued_date
    FROM plans p JOIN frameworks f ON f.province = p.province AND f.plan_year = p.plan_year
    WHERE f.doc_id <> p.doc_id
)
SELECT c.department_doc_id,
       c.framework_doc_id,
       c.matched_by,                                            -- sidecar | province_year
       -- the department as the agency dictionary names it; the printed issuer when the dictionary lacks it
       coalesce(p.issuer_agency, p.issuer) AS department_agency,
       p.issuer AS department_issuer,
       coalesce(p.province, f.province) AS province,
       coalesce(p.plan_year, f.plan_year) AS plan_year
FROM candidates c
JOIN documents p ON p.doc_id = c.department_doc_id
JOIN documents f ON f.doc_id = c.framework_doc_id
QUALIFY row_number() OVER (PARTITION BY c.department_doc_id
                           ORDER BY c.preference, c.issued_date DESC NULLS LAST, c.framework_doc_id) = 1;
