-- int_framework_assignments: one row per (department plan, row of its framework) saying whether the row's
-- chủ trì / phối hợp include the department: assigned_as lead | partner | null (lead wins), via name |
-- unit | group (the most direct way it is named; see stg_agency_scope).
CREATE OR REPLACE VIEW int_framework_assignments AS
WITH named AS (
    SELECT f.framework_doc_id, f.framework_row_no, n.name, 'lead' AS role
    FROM stg_framework_rows f, unnest(f.leads) AS n(name)
    UNION ALL
    SELECT f.framework_doc_id, f.framework_row_no, n.name, 'partner'
    FROM stg_framework_rows f, unnest(f.partners) AS n(name)
),
matches AS (
    SELECT p.department_doc_id, n.framework_doc_id, n.framework_row_no, n.role,
           -- a department the dictionary does not know still answers to its own name
           coalesce(s.via, 'name') AS via
    FROM stg_plan_frameworks p
    JOIN named n ON n.framework_doc_id = p.framework_doc_id
    LEFT JOIN stg_agency_scope s ON s.agency = p.department_agency AND s.answers_to = n.name
    WHERE s.agency IS NOT NULL OR n.name = p.department_agency
),
best AS (
    SELECT department_doc_id, framework_doc_id, framework_row_no,
           CASE WHEN bool_or(role = 'lead') THEN 'lead' ELSE 'partner' END AS assigned_as,
           arg_min(via, CASE via WHEN 'name' THEN 1 WHEN 'unit' THEN 2 ELSE 3 END) AS via
    FROM matches
    GROUP BY department_doc_id, framework_doc_id, framework_row_no
)
SELECT p.department_doc_id, f.framework_doc_id, f.framework_row_no, f.task_code,
       b.assigned_as IS NOT NULL AS assigned,
       b.assigned_as,
       b.via
FROM stg_plan_frameworks p
JOIN stg_framework_rows f ON f.framework_doc_id = p.framework_doc_id
LEFT JOIN best b ON b.department_doc_id = p.department_doc_id
                AND b.framework_doc_id = f.framework_doc_id AND b.framework_row_no = f.framework_row_no;
