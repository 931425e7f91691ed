-- stg_framework_tasks: one row per framework nhiệm vụ (task_code) with its rows gathered: area, the nhiệm vụ
-- text, its hoạt động codes, every chủ trì / phối hợp named on any of its rows, the latest due_end and the
-- summed budget.
CREATE OR REPLACE VIEW stg_framework_tasks AS
SELECT framework_doc_id,
       task_code,
       min(area_code) AS area_code,
       min(subarea) AS subarea,
       arg_min(coalesce(task, content), framework_row_no) AS task,
       list(framework_row_no ORDER BY framework_row_no) AS framework_rows,
       list_distinct(flatten(list(activity_codes ORDER BY framework_row_no))) AS activity_codes,
       list_distinct(flatten(list(leads))) AS leads,
       list_distinct(flatten(list(partners))) AS partners,
       max(due_end) AS due_end,
       sum(budget_vnd) AS budget_vnd
FROM stg_framework_rows
GROUP BY framework_doc_id, task_code;
