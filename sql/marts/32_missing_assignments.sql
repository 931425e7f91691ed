-- missing_assignments: one row per framework nhiệm vụ assigned to a department that no row of the
-- department's plan matches (coverage status missing), with who the framework names and the deadline;
-- direct = the framework names the department itself or one of its units, not only a collective.
CREATE OR REPLACE VIEW missing_assignments AS
SELECT c.department_doc_id,
       c.department,
       c.framework_doc_id,
       c.task_code,
       c.area_code,
       c.framework_task,
       c.framework_due_end,
       c.assigned_as,
       c.assigned_via,
       c.assigned_via <> 'group' AS direct,
       t.leads AS framework_leads,
       t.partners AS framework_partners,
       c.score AS best_score
FROM coverage c
JOIN stg_framework_tasks t ON t.framework_doc_id = c.framework_doc_id AND t.task_code = c.task_code
WHERE c.status = 'missing';
