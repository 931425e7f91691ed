-- stg_framework_rows: one row per phụ lục row (hoạt động level) of a framework some department plan is
-- compared with; task_code identifies its nhiệm vụ ('#<row_no>' when the row has no nhiệm vụ code).
CREATE OR REPLACE VIEW stg_framework_rows AS
SELECT t.doc_id AS framework_doc_id,
       t.row_no AS framework_row_no,
       t.area_code,
       t.subarea,
       t.stt,
       coalesce(t.task_code, '#' || t.row_no) AS task_code,
       t.task_codes,
       t.activity_codes,
       t.objective,
       t.task,
       t.activity,
       t.content,
       t.product,
       t.leads,
       t.partners,
       t.due_end,
       t.recurrence,
       t.budget_vnd
FROM tasks t
WHERE t.source_part = 'appendix'
  AND t.doc_id IN (SELECT framework_doc_id FROM stg_plan_frameworks);
