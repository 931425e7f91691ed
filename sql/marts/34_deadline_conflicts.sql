-- deadline_conflicts: one row per department row linked to a framework nhiệm vụ (best match, band strong or
-- weak) whose deadline is later than the framework's for the linked row (its best hoạt động's row; the
-- nhiệm vụ's latest due_end when that row has none): days_late = how much later.
CREATE OR REPLACE VIEW deadline_conflicts AS
SELECT a.department_doc_id,
       pf.department_agency AS department,
       a.department_row_no,
       a.department_stt,
       a.department_content,
       a.task_code,
       a.framework_row_no,
       a.framework_content,
       a.match_band,
       a.score,
       a.department_due_end,
       coalesce(a.framework_due_end, t.due_end) AS framework_due_end,
       date_diff('day', coalesce(a.framework_due_end, t.due_end), a.department_due_end) AS days_late
FROM alignment a
JOIN stg_plan_frameworks pf ON pf.department_doc_id = a.department_doc_id
JOIN stg_framework_tasks t ON t.framework_doc_id = a.framework_doc_id AND t.task_code = a.task_code
WHERE a.level = 'nhiem_vu' AND a.rank = 1 AND a.match_band <> 'none'
  AND a.department_due_end > coalesce(a.framework_due_end, t.due_end);
