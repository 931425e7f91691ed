-- int_agency_assignments: one row per (agency some department plan answers as, row of the framework those
-- plans are compared with whose chủ trì / phối hợp include the agency), and how, taking the most direct naming
-- (by name before through one of its units before through a collective; chủ trì before phối hợp): assigned_as
-- lead | partner, via name | unit | group (see stg_agency_scope); rank orders these ways, 1 = lead by name.
-- What a framework asks of a department depends on its agency alone, so it is worked out once per agency, not
-- once per plan (sixty plans of Sở Nội vụ are asked the same). A row that does not assign the agency is not
-- listed (read it as assigned = false). task_keys are the nhiệm vụ the row belongs to (stg_framework_rows),
-- task_code the first of them.
CREATE OR REPLACE TABLE int_agency_assignments AS
WITH agencies AS (
    SELECT DISTINCT department_agency AS agency, framework_doc_id
    FROM stg_plan_frameworks
    WHERE department_agency IS NOT NULL
),
named AS (
    SELECT f.framework_doc_id, f.framework_row_no, n.name, 'lead' AS role
    FROM stg_framework_rows f, unnest(f.leads) AS n(name)
    UNION ALL
    SELECT f.framework_doc_id, f.framework_row_no, n.name, 'partner'
    FROM stg_framework_rows f, unnest(f.partners) AS n(name)
),
matches AS (
    SELECT a.agency, n.framework_doc_id, n.framework_row_no, n.role,
           -- a department the dictionary does not know still answers to its own name
           coalesce(s.via, 'name') AS via
    FROM agencies a
    JOIN named n ON n.framework_doc_id = a.framework_doc_id
    LEFT JOIN stg_agency_scope s ON s.agency = a.agency AND s.answers_to = n.name
    WHERE s.agency IS NOT NULL OR n.name = a.agency
),
ranked AS (
    SELECT *,
           2 * CASE via WHEN 'name' THEN 0 WHEN 'unit' THEN 1 ELSE 2 END
             + CASE role WHEN 'lead' THEN 1 ELSE 2 END AS rank
    FROM matches
),
best AS (
    SELECT agency, framework_doc_id, framework_row_no,
           arg_min(role, rank) AS assigned_as, arg_min(via, rank) AS via, min(rank) AS rank
    FROM ranked
    GROUP BY agency, framework_doc_id, framework_row_no
)
SELECT b.agency, f.framework_doc_id, f.framework_row_no, f.task_code, f.task_keys,
       true AS assigned,
       b.assigned_as,
       b.via,
       b.rank
FROM best b
JOIN stg_framework_rows f ON f.framework_doc_id = b.framework_doc_id AND f.framework_row_no = b.framework_row_no;

-- int_framework_assignments: one row per (department plan, row of its framework whose chủ trì / phối hợp
-- include the department), and how (assigned_as, via, rank as in int_agency_assignments, the plan's agency
-- being stg_plan_frameworks.department_agency). A row that does not assign the department is not listed (read
-- it as assigned = false): every row × every plan would be ten million rows for one large framework.
CREATE OR REPLACE VIEW int_framework_assignments AS
SELECT p.department_doc_id, a.framework_doc_id, a.framework_row_no, a.task_code, a.task_keys, a.assigned,
       a.assigned_as, a.via, a.rank
FROM stg_plan_frameworks p
JOIN int_agency_assignments a ON a.agency = p.department_agency AND a.framework_doc_id = p.framework_doc_id;
