-- review_queue: the department rows an analyst should look at (`cchc review FRAMEWORK` writes them to a
-- worksheet), one line per row × one of its top candidates (alignment, level nhiem_vu): rows whose best match is
-- weak (reason 'weak'), or whose second candidate is within review_margin of the first (reason 'close_second').
-- A row with any review already is not asked again. The keys (plan_key, row_key, framework_key) bring the
-- filled-in worksheet back to the same rows after any re-ingest.
CREATE OR REPLACE VIEW review_queue AS
WITH asked AS (
    SELECT a.department_doc_id, a.department_row_no,
           CASE WHEN a.match_band = 'weak' THEN 'weak' ELSE 'close_second' END AS reason
    FROM alignment a, alignment_params p
    WHERE a.level = 'nhiem_vu' AND a.rank = 1
      AND (a.match_band = 'weak'
           OR (a.match_band = 'strong' AND a.second_task_code IS NOT NULL AND a.margin < p.review_margin))
      AND NOT EXISTS (SELECT 1 FROM alignment r
                      WHERE r.department_doc_id = a.department_doc_id AND r.department_row_no = a.department_row_no
                        AND r.review IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM int_reviews v
                      WHERE v.plan_key = a.plan_key AND v.row_key = a.row_key AND v.framework_key = a.framework_key)
)
SELECT a.framework_doc_id,
       f.plan_number AS framework,
       pf.department_agency AS department,
       a.department_doc_id,
       a.department_row_no,
       a.department_area_code AS area_code,
       a.department_stt,
       a.department_content,
       q.reason,
       a.rank,
       a.task_code,
       a.framework_content AS framework_task,
       a.match_band,
       a.score,
       a.margin,
       a.shared_terms,
       a.responsible,
       a.plan_key,
       a.row_key,
       a.framework_key
FROM asked q
JOIN alignment a
  ON a.department_doc_id = q.department_doc_id AND a.department_row_no = q.department_row_no
 AND a.level = 'nhiem_vu' AND a.task_code IS NOT NULL
JOIN stg_plan_frameworks pf ON pf.department_doc_id = a.department_doc_id
JOIN documents f ON f.doc_id = a.framework_doc_id;
