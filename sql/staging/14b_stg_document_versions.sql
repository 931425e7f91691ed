-- stg_document_versions: one row per document: the newest version of its plan (itself when nothing replaces it,
-- following stg_plan_versions from version to version), whether it is superseded (only the newest version of a
-- plan counts in the alignment and coverage), and plan_key, the plan's identity across versions and re-ingests
-- (issuer | province | period; the file name when the issuer is unknown) that reviews are keyed by.
CREATE OR REPLACE TABLE stg_document_versions AS
WITH RECURSIVE chain(doc_id, newest_doc_id, steps) AS (
    SELECT older_doc_id, newer_doc_id, 1 FROM stg_plan_versions
    UNION ALL
    SELECT c.doc_id, v.newer_doc_id, c.steps + 1
    FROM chain c JOIN stg_plan_versions v ON v.older_doc_id = c.newest_doc_id
    WHERE c.steps < 50                                  -- a sidecar loop (a supersedes b supersedes a) ends here
),
newest AS (
    SELECT doc_id, arg_max(newest_doc_id, steps) AS newest_doc_id FROM chain GROUP BY doc_id
)
SELECT d.doc_id,
       coalesce(n.newest_doc_id, d.doc_id) AS newest_doc_id,
       n.doc_id IS NOT NULL AS superseded,
       CASE WHEN coalesce(d.issuer_agency, d.issuer) IS NOT NULL
            THEN concat_ws(' | ', coalesce(d.issuer_agency, d.issuer), coalesce(d.province, ''),
                           coalesce(d.plan_period, d.plan_year::VARCHAR, ''))
            ELSE d.source_file END AS plan_key
FROM documents d
LEFT JOIN newest n ON n.doc_id = d.doc_id;
