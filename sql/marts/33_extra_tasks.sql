-- extra_tasks: one row per department row with no framework counterpart (its best nhiệm vụ match has band
-- none): what the department added on its own; nearest_task_code / nearest_score show the closest
-- framework nhiệm vụ all the same (null when no framework row shares a term with it).
CREATE OR REPLACE VIEW extra_tasks AS
SELECT a.department_doc_id,
       pf.department_agency AS department,
       a.department_row_no,
       a.department_part,
       a.department_area_code AS area_code,
       a.department_stt,
       a.department_content,
       r.product AS department_product,
       r.due_end AS department_due_end,
       r.budget_vnd AS department_budget_vnd,
       a.task_code AS nearest_task_code,
       a.framework_content AS nearest_task,
       a.score AS nearest_score
FROM alignment a
JOIN stg_plan_frameworks pf ON pf.department_doc_id = a.department_doc_id
JOIN stg_department_rows r
  ON r.department_doc_id = a.department_doc_id AND r.department_row_no = a.department_row_no
WHERE a.level = 'nhiem_vu' AND a.rank = 1 AND a.match_band = 'none';
