-- area_summary: one row per department plan × area_code (lĩnh vực 1–7; null = rows without an area):
-- the department's rows, how many are linked to a framework nhiệm vụ or extra, and their budget; the
-- framework's nhiệm vụ and rows in that area, how many nhiệm vụ are assigned to the department and how many
-- of those its plan covers or touches (coverage status covered, weak), and the framework's budget for the area.
CREATE OR REPLACE VIEW area_summary AS
WITH best AS MATERIALIZED (
    SELECT department_doc_id, department_row_no, rank, framework_doc_id, task_code, score, match_band
    FROM alignment
    WHERE level = 'nhiem_vu'
),
tasks AS MATERIALIZED (
    -- every nhiệm vụ of each department plan's framework, whether it is assigned to the department
    SELECT p.department_doc_id, t.framework_doc_id, t.task_code, t.area_code, len(t.framework_rows) AS rows,
           t.budget_vnd, coalesce(a.assigned, false) AS assigned
    FROM stg_plan_frameworks p
    JOIN stg_framework_tasks t ON t.framework_doc_id = p.framework_doc_id
    LEFT JOIN int_agency_task_assignments a
      ON a.agency = p.department_agency AND a.framework_doc_id = t.framework_doc_id AND a.task_code = t.task_code
),
department_side AS (
    SELECT r.department_doc_id, r.area_code,
           count(*) AS department_rows,
           count(*) FILTER (WHERE b.match_band <> 'none') AS department_rows_linked,
           count(*) FILTER (WHERE b.match_band = 'none') AS department_rows_extra,
           sum(r.budget_vnd) AS department_budget_vnd
    FROM stg_department_rows r
    JOIN best b ON b.department_doc_id = r.department_doc_id AND b.department_row_no = r.department_row_no
               AND b.rank = 1
    GROUP BY r.department_doc_id, r.area_code
),
framework_side AS (
    SELECT t.department_doc_id, t.area_code,
           count(*) AS framework_tasks,
           sum(t.rows) AS framework_rows,
           count(*) FILTER (WHERE t.assigned) AS framework_tasks_assigned,
           count(*) FILTER (WHERE t.assigned AND c.status = 'covered') AS framework_tasks_covered,
           count(*) FILTER (WHERE t.assigned AND c.status = 'weak') AS framework_tasks_weak,
           sum(t.budget_vnd) AS framework_budget_vnd
    FROM tasks t
    LEFT JOIN coverage c
      ON c.department_doc_id = t.department_doc_id AND c.framework_doc_id = t.framework_doc_id
     AND c.task_code = t.task_code
    GROUP BY t.department_doc_id, t.area_code
),
areas AS (
    SELECT department_doc_id, area_code FROM department_side
    UNION
    SELECT department_doc_id, area_code FROM framework_side
)
SELECT a.department_doc_id,
       pf.department_agency AS department,
       a.area_code,
       coalesce(d.department_rows, 0) AS department_rows,
       coalesce(d.department_rows_linked, 0) AS department_rows_linked,
       coalesce(d.department_rows_extra, 0) AS department_rows_extra,
       d.department_budget_vnd,
       coalesce(f.framework_tasks, 0) AS framework_tasks,
       coalesce(f.framework_rows, 0) AS framework_rows,
       coalesce(f.framework_tasks_assigned, 0) AS framework_tasks_assigned,
       coalesce(f.framework_tasks_covered, 0) AS framework_tasks_covered,
       coalesce(f.framework_tasks_weak, 0) AS framework_tasks_weak,
       f.framework_budget_vnd
FROM areas a
JOIN stg_plan_frameworks pf ON pf.department_doc_id = a.department_doc_id
LEFT JOIN department_side d
  ON d.department_doc_id = a.department_doc_id AND d.area_code IS NOT DISTINCT FROM a.area_code
LEFT JOIN framework_side f
  ON f.department_doc_id = a.department_doc_id AND f.area_code IS NOT DISTINCT FROM a.area_code;
