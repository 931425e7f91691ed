-- stg_framework_rows: one row per phụ lục row (hoạt động level) of a framework (stg_frameworks). task_keys are
-- the nhiệm vụ the row belongs to: its nhiệm vụ codes as printed (a cell "2.17. … 2.18. …" belongs to both),
-- else, in a framework without codes, its printed key ("VI.10", see macro printed_key); task_code is the first.
CREATE OR REPLACE TABLE stg_framework_rows AS
WITH keyed AS (
    SELECT t.*,
           CASE WHEN len(t.task_codes) > 0 THEN t.task_codes
                WHEN t.task_code IS NOT NULL THEN [t.task_code]
                ELSE [printed_key(t.area_code, t.subarea, t.stt, t.row_no)] END AS task_keys
    FROM tasks t
    WHERE t.source_part = 'appendix'
      AND t.doc_id IN (SELECT framework_doc_id FROM stg_frameworks)
)
SELECT doc_id AS framework_doc_id,
       row_no AS framework_row_no,
       area_code,
       subarea,
       stt,
       task_keys[1] AS task_code,
       task_keys,
       task_codes,
       activity_codes,
       objective,
       task,
       activity,
       content,
       product,
       leads,
       partners,
       due_end,
       recurrence,
       budget_vnd
FROM keyed;
