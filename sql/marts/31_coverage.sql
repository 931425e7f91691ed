-- coverage: one row per department plan × framework nhiệm vụ assigned to that department (any of its rows
-- names the department as chủ trì or phối hợp, by name, through a unit or through a collective): status
-- covered | weak | missing from the best department row linked to it (alignment, level nhiem_vu, every row's
-- top matches; a link an analyst confirmed or added counts as covered and comes before any score), that row
-- and its score; reviewed = the status rests on an analyst's review. assigned_as lead | partner and
-- assigned_via name | unit | group tell the most direct way the nhiệm vụ names the department (assigned_via
-- <> 'group': the framework names the department itself or one of its units, not only a collective).
CREATE OR REPLACE VIEW coverage AS
WITH links AS (
    SELECT department_doc_id, framework_doc_id, task_code,
           -- rows of equal score: the first of the plan (a tie never lets the row shown move between builds)
           arg_max(department_row_no, {'reviewed': match_band = 'reviewed', 'score': coalesce(score, 0),
                                       'first': -department_row_no}) AS department_row_no,
           max(score) AS best_score,
           bool_or(match_band = 'reviewed') AS reviewed,
           count(*) FILTER (WHERE match_band <> 'none') AS linked_rows
    FROM alignment
    WHERE level = 'nhiem_vu' AND task_code IS NOT NULL
    GROUP BY department_doc_id, framework_doc_id, task_code
)
SELECT a.department_doc_id,
       pf.department_agency AS department,
       a.framework_doc_id,
       a.task_code,
       t.area_code,
       t.task AS framework_task,
       t.due_end AS framework_due_end,
       a.assigned_as,
       a.via AS assigned_via,
       CASE WHEN l.reviewed OR l.best_score >= p.strong_min THEN 'covered'
            WHEN l.best_score >= p.weak_min THEN 'weak'
            ELSE 'missing' END AS status,
       coalesce(l.reviewed, false) AS reviewed,
       CASE WHEN l.reviewed OR l.best_score >= p.weak_min THEN l.department_row_no END AS department_row_no,
       CASE WHEN l.reviewed OR l.best_score >= p.weak_min THEN r.stt END AS department_stt,
       CASE WHEN l.reviewed OR l.best_score >= p.weak_min THEN r.content END AS department_content,
       round(coalesce(l.best_score, 0), 4) AS score,
       coalesce(l.linked_rows, 0) AS linked_rows
FROM int_task_assignments a
CROSS JOIN alignment_params p
JOIN stg_plan_frameworks pf ON pf.department_doc_id = a.department_doc_id
JOIN stg_framework_tasks t ON t.framework_doc_id = a.framework_doc_id AND t.task_code = a.task_code
LEFT JOIN links l
  ON l.department_doc_id = a.department_doc_id AND l.framework_doc_id = a.framework_doc_id
 AND l.task_code = a.task_code
LEFT JOIN stg_department_rows r
  ON r.department_doc_id = a.department_doc_id AND r.department_row_no = l.department_row_no
WHERE a.assigned;
