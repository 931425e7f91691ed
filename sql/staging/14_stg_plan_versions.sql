-- stg_plan_versions: one row per pair of consecutive versions of one plan (older_doc_id is replaced by
-- newer_doc_id), found two ways (matched_by):
--   'sidecar'  the newer file's sidecar names the older (`supersedes = "…"`: its file name, path or plan number);
--   'title'    same issuer, province, plan_period and title (the title without "dự thảo"), neither named in a
--              sidecar link: in order, a draft ("dự thảo" / "du-thao" in the title or file name) before the final,
--              an earlier issued_date before a later one, else the file names' order.
CREATE OR REPLACE TABLE stg_plan_versions AS
WITH docs AS (
    SELECT doc_id, source_file, plan_number, supersedes, issued_date, province, plan_period,
           coalesce(issuer_agency, issuer) AS issuer_key,
           nullif(trim(regexp_replace(lower(coalesce(title, '')), '[(\[]?\s*dự\s+thảo\s*[)\]]?', ' ', 'g')), '')
               AS title_key,
           regexp_matches(lower(source_file || ' ' || coalesce(title, '')), 'dự[\s_-]*thảo|du[\s_-]*thao|draft')
               AS is_draft
    FROM documents
),
names AS (
    -- what a sidecar may call a document by: its path, its file name, its plan number (when no other carries it)
    SELECT doc_id, source_file AS name FROM docs
    UNION
    SELECT doc_id, parse_filename(source_file) FROM docs
    UNION
    SELECT any_value(doc_id), plan_number FROM docs WHERE plan_number IS NOT NULL GROUP BY plan_number
    HAVING count(*) = 1
),
sidecar AS (
    SELECT DISTINCT m.doc_id AS older_doc_id, n.doc_id AS newer_doc_id
    FROM docs n
    JOIN names m ON m.name = n.supersedes AND m.doc_id <> n.doc_id
),
titled AS (
    SELECT lag(doc_id) OVER (PARTITION BY issuer_key, province, plan_period, title_key
                             ORDER BY is_draft DESC, issued_date NULLS FIRST, source_file) AS older_doc_id,
           doc_id AS newer_doc_id
    FROM docs
    WHERE issuer_key IS NOT NULL AND plan_period IS NOT NULL AND title_key IS NOT NULL
      AND doc_id NOT IN (SELECT older_doc_id FROM sidecar UNION ALL SELECT newer_doc_id FROM sidecar)
)
SELECT older_doc_id, newer_doc_id, 'sidecar' AS matched_by FROM sidecar
UNION ALL
SELECT older_doc_id, newer_doc_id, 'title' FROM titled WHERE older_doc_id IS NOT NULL;
