-- responsibility_gaps: one row per department row linked to a framework nhiệm vụ (best match, band strong or
-- weak) that does not assign that department: no row of the nhiệm vụ names it, one of its units or a
-- collective it belongs to as chủ trì or phối hợp. The department does work the framework gave to others.
CREATE OR REPLACE VIEW responsibility_gaps AS
SELECT a.department_doc_id,
       pf.department_agency AS department,
       a.department_row_no,
       a.department_stt,
       a.department_content,
       a.task_code,
       t.task AS framework_task,
       a.match_band,
       a.score,
       t.leads AS framework_leads,
       t.partners AS framework_partners
FROM alignment a
JOIN stg_plan_frameworks pf ON pf.department_doc_id = a.department_doc_id
JOIN stg_framework_tasks t ON t.framework_doc_id = a.framework_doc_id AND t.task_code = a.task_code
WHERE a.level = 'nhiem_vu' AND a.rank = 1 AND a.match_band <> 'none' AND NOT a.responsible;
