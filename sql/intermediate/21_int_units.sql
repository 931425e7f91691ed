-- int_units: one row per unit of text the similarity compares, with its texts and a numeric unit_id the Python
-- scoring (pipeline.database.alignment) keys on. scope_id is the set of units weighed and compared together: a
-- framework (framework_doc_id: its hoạt động and nhiệm vụ and the rows of the department plans compared with it)
-- or two versions of one plan ('versions:<older>><newer>'). kind:
--   'department'   a department row (item_no 0): mục tiêu, nhiệm vụ, hoạt động, nội dung, sản phẩm;
--   'hoat_dong'    one hoạt động of a framework row (item_no ≥ 1): the row's mục tiêu, nhiệm vụ and sản phẩm
--                  plus the hoạt động itself; task_keys = the nhiệm vụ it belongs to (two for a "2.17. … 2.18." row);
--   'nhiem_vu'     a framework nhiệm vụ's own text (item_no -1, row_no = its first row, task_code = its key): its
--                  piece of the nhiệm vụ cell and the distinct mục tiêu of its rows;
--   'own_name'     a department plan's own agency name and aliases (item_no -2, row_no 0): its bigrams say
--                  who, not what, and are left out of that department's scores;
--   'version_row'  a task row of one of two versions of a plan (item_no 0), to line the versions up row to row.
-- A view: a build reads it twice (the scopes' fingerprints, then the units of the scopes to score), and making it
-- again costs less than writing its texts into a table (0.3 s of the national build).
CREATE OR REPLACE VIEW int_units AS
WITH units AS (
    SELECT 'department' AS kind, framework_doc_id AS scope_id, department_doc_id AS doc_id,
           department_row_no AS row_no, 0 AS item_no, source_part, area_code, NULL::VARCHAR AS task_code,
           NULL::VARCHAR[] AS task_keys, objective, task, activity,
           -- content is the hoạt động, else the nhiệm vụ, else the nội dung: count it only when it is new
           CASE WHEN content IS DISTINCT FROM task AND content IS DISTINCT FROM activity THEN content END AS content,
           product
    FROM stg_department_rows
    UNION ALL
    SELECT 'hoat_dong', f.framework_doc_id, f.framework_doc_id, f.framework_row_no, i.item_no, 'appendix',
           f.area_code, NULL, f.task_keys, f.objective, f.task, i.activity, NULL, f.product
    FROM stg_framework_rows f
    JOIN int_framework_items i
      ON i.framework_doc_id = f.framework_doc_id AND i.framework_row_no = f.framework_row_no
    UNION ALL
    SELECT 'nhiem_vu', framework_doc_id, framework_doc_id, framework_rows[1], -1, 'appendix', area_code, task_code,
           [task_code], objective, task, NULL, NULL, NULL
    FROM stg_framework_tasks
    UNION ALL
    SELECT 'own_name', p.framework_doc_id, p.department_doc_id, 0, -2, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, array_to_string(list_prepend(p.department_agency, coalesce(a.aliases, [])), ' . '), NULL
    FROM stg_plan_frameworks p
    LEFT JOIN agencies a ON a.name = p.department_agency
    UNION ALL
    SELECT 'version_row', 'versions:' || v.older_doc_id || '>' || v.newer_doc_id, t.doc_id, t.row_no, 0,
           t.source_part, t.area_code, NULL, NULL, t.objective, t.task, t.activity,
           CASE WHEN t.content IS DISTINCT FROM t.task AND t.content IS DISTINCT FROM t.activity THEN t.content END,
           t.product
    FROM stg_plan_versions v
    JOIN tasks t ON t.doc_id IN (v.older_doc_id, v.newer_doc_id)
)
SELECT CASE kind WHEN 'nhiem_vu' THEN hash(doc_id, task_code, -1)
                 WHEN 'version_row' THEN hash(scope_id, doc_id, row_no)
                 ELSE hash(doc_id, row_no, item_no) END AS unit_id,
       *
FROM units;
