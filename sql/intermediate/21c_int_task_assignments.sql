-- int_agency_task_assignments: one row per (agency, nhiệm vụ of the framework its plans are compared with that
-- assigns it: a nhiệm vụ not listed is not assigned): some row of the nhiệm vụ assigns the agency
-- (int_agency_assignments; a row shared by two nhiệm vụ counts for both), and the most direct way it does
-- (assigned_as lead | partner, via name | unit | group, rank as there); as_lead and as_partner: some row makes
-- the agency chủ trì, some row phối hợp (a nhiệm vụ can do both).
CREATE OR REPLACE TABLE int_agency_task_assignments AS
SELECT a.agency, a.framework_doc_id, k.task_code,
       bool_or(a.assigned) AS assigned,
       arg_min(a.assigned_as, a.rank) AS assigned_as,
       arg_min(a.via, a.rank) AS via,
       min(a.rank) AS rank,
       coalesce(bool_or(a.assigned_as = 'lead'), false) AS as_lead,
       coalesce(bool_or(a.assigned_as = 'partner'), false) AS as_partner
FROM int_agency_assignments a, unnest(a.task_keys) AS k(task_code)
GROUP BY a.agency, a.framework_doc_id, k.task_code;

-- int_task_assignments: one row per (department plan, nhiệm vụ of its framework that assigns it), as
-- int_agency_task_assignments says for the plan's agency (stg_plan_frameworks.department_agency).
CREATE OR REPLACE VIEW int_task_assignments AS
SELECT p.department_doc_id, a.framework_doc_id, a.task_code, a.assigned, a.assigned_as, a.via, a.rank, a.as_lead,
       a.as_partner
FROM stg_plan_frameworks p
JOIN int_agency_task_assignments a ON a.agency = p.department_agency AND a.framework_doc_id = p.framework_doc_id;
