-- framework_assignments: one row per framework nhiệm vụ × agency it assigns, whether or not any department
-- plan is loaded: every name in the chủ trì / phối hợp cells of the nhiệm vụ's rows (via 'name'), the agency an
-- internal unit belongs to (via 'unit'), and, for a collective ("Các sở, ban, ngành cấp tỉnh"), every agency
-- of that framework's province known from the plans (the issuers of the province's plans and of the plans
-- compared with the framework, and the agencies the framework names itself) that the collective covers
-- (via 'group', collective = the collective's label). The most direct way wins: chủ trì before phối hợp,
-- by name before through a unit before through a collective (rank as in int_framework_assignments).
CREATE OR REPLACE VIEW framework_assignments AS
WITH named AS (
    SELECT f.framework_doc_id, k.task_code, f.framework_row_no, n.name, 'lead' AS role
    FROM stg_framework_rows f, unnest(f.task_keys) AS k(task_code), unnest(f.leads) AS n(name)
    UNION ALL
    SELECT f.framework_doc_id, k.task_code, f.framework_row_no, n.name, 'partner'
    FROM stg_framework_rows f, unnest(f.task_keys) AS k(task_code), unnest(f.partners) AS n(name)
),
known AS (
    SELECT fw.framework_doc_id, d.issuer_agency AS agency
    FROM stg_frameworks fw JOIN documents d ON d.province = fw.province
    WHERE d.issuer_agency IS NOT NULL
    UNION
    SELECT framework_doc_id, department_agency FROM stg_plan_frameworks
    UNION
    SELECT n.framework_doc_id, n.name FROM named n SEMI JOIN agencies a ON a.name = n.name
),
reached AS (
    -- a name that is no collective reaches itself
    SELECT n.*, n.name AS agency, 'name' AS via, NULL AS collective
    FROM named n ANTI JOIN agency_groups g ON g.label = n.name
    UNION ALL
    -- an internal unit reaches the agency it belongs to
    SELECT n.*, s.agency, 'unit', NULL
    FROM named n JOIN stg_agency_scope s ON s.answers_to = n.name AND s.via = 'unit'
    UNION ALL
    -- a collective reaches the known agencies of the province it covers
    SELECT n.*, s.agency, 'group', n.name
    FROM named n
    JOIN stg_agency_scope s ON s.answers_to = n.name AND s.via = 'group'
    JOIN known k ON k.framework_doc_id = n.framework_doc_id AND k.agency = s.agency
),
ranked AS (
    SELECT *, 2 * CASE via WHEN 'name' THEN 0 WHEN 'unit' THEN 1 ELSE 2 END
                + CASE role WHEN 'lead' THEN 1 ELSE 2 END AS rank
    FROM reached
),
best AS (
    SELECT framework_doc_id, task_code, agency,
           arg_min(role, rank) AS assigned_as, arg_min(via, rank) AS via,
           -- (arg_min alone would skip a null; collectives of one rank: the first label, the same every build)
           arg_min({'c': collective}, {'rank': rank, 'label': coalesce(collective, '')}).c AS collective,
           min(rank) AS rank, list(DISTINCT framework_row_no ORDER BY framework_row_no) AS assigning_rows
    FROM ranked
    GROUP BY framework_doc_id, task_code, agency
)
SELECT b.framework_doc_id,
       d.plan_number AS framework,
       fw.province,
       b.task_code,
       t.area_code,
       t.task AS framework_task,
       t.framework_rows[1] AS framework_row_no,   -- the nhiệm vụ's first row: its place in the framework
       t.activity_codes,
       b.agency,
       b.assigned_as,                             -- lead (chủ trì) | partner (phối hợp)
       b.via,                                     -- name | unit | group
       b.collective,                              -- the collective's label when via = 'group'
       b.rank,
       b.assigning_rows,
       t.due_end AS framework_due_end,
       t.budget_vnd AS framework_budget_vnd,
       t.leads AS framework_leads,
       t.partners AS framework_partners
FROM best b
JOIN stg_frameworks fw ON fw.framework_doc_id = b.framework_doc_id
JOIN documents d ON d.doc_id = b.framework_doc_id
JOIN stg_framework_tasks t ON t.framework_doc_id = b.framework_doc_id AND t.task_code = b.task_code;
