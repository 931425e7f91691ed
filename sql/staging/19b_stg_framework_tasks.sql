-- stg_framework_tasks: one row per framework nhiệm vụ (task_code: a nhiệm vụ code, or the printed key of an
-- uncoded framework's row) with its rows gathered: area, the nhiệm vụ's own text (its piece of a cell holding
-- several codes, macro code_pieces), its hoạt động codes, every chủ trì / phối hợp named on any of its rows, the
-- latest due_end and the summed budget (a row shared by two nhiệm vụ counts its budget under the first only,
-- so that budgets add up); objective gathers the distinct mục tiêu of its rows.
CREATE OR REPLACE TABLE stg_framework_tasks AS
WITH pieces AS (
    SELECT f.*, k.task_key, k.key_no,
           list_filter(code_pieces(f.task, f.task_keys), lambda p: p.code = k.task_key)[1].text AS own_task
    FROM stg_framework_rows f,
         unnest(f.task_keys) WITH ORDINALITY AS k(task_key, key_no)
)
SELECT framework_doc_id,
       task_key AS task_code,
       min(area_code) AS area_code,
       min(subarea) AS subarea,
       string_agg(DISTINCT objective, ' . ' ORDER BY objective) AS objective,
       -- a row whose task cell has no code (an uncoded framework) is its own text
       arg_min(coalesce(CASE WHEN len(task_codes) > 0 THEN own_task ELSE task END, content), framework_row_no) AS task,
       list(framework_row_no ORDER BY framework_row_no) AS framework_rows,
       list_unique(flatten(list(activity_codes ORDER BY framework_row_no))) AS activity_codes,
       list_unique(flatten(list(leads ORDER BY framework_row_no))) AS leads,
       list_unique(flatten(list(partners ORDER BY framework_row_no))) AS partners,
       max(due_end) AS due_end,
       sum(budget_vnd) FILTER (WHERE key_no = 1) AS budget_vnd
FROM pieces
GROUP BY framework_doc_id, task_key;
