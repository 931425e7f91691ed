-- stg_department_rows: one row per task row (phụ lục row or body bullet) of a department plan that has a
-- framework, with the framework it is compared with and the department's canonical agency name. plan_key and
-- row_key (the row's normalized text, macro text_key) identify the row across re-ingests and small edits of
-- the plan: reviews are keyed by them, never by row_no. role: 'partner' when the row says it supports others'
-- work ("Phối hợp với …", "Tham gia …", stg_role_cues), else 'lead' (the department's own work).
CREATE OR REPLACE TABLE stg_department_rows AS
SELECT t.doc_id AS department_doc_id,
       t.row_no AS department_row_no,
       p.framework_doc_id,
       p.department_agency,
       p.plan_key,
       lowered_key(t.lowered) AS row_key,
       -- a plain substring test per cue: a pattern read from a table would be compiled again for every row
       CASE WHEN len(list_filter(c.cues, lambda cue: contains(t.lowered, cue))) > 0
            THEN 'partner' ELSE 'lead' END AS role,
       t.source_part,
       t.area_code,
       t.subarea,
       t.stt,
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
-- the text lower-cased once, for its key and its cues (not once per cue, inside the lambda)
FROM (SELECT *, lower(content) AS lowered FROM tasks) t
JOIN stg_plan_frameworks p ON p.department_doc_id = t.doc_id
CROSS JOIN (SELECT coalesce(list(cue), []) AS cues FROM stg_role_cues WHERE role = 'partner') c;
