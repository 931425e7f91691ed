-- int_units: one row per unit of text the similarity compares, with its texts and a numeric unit_id
-- (hash of doc_id, row_no, item_no) the heavy views key on. kind:
--   'department'   a department row (item_no 0): mục tiêu, nhiệm vụ, hoạt động, nội dung, sản phẩm;
--   'hoat_dong'    one hoạt động of a framework row (item_no ≥ 1): the row's mục tiêu, nhiệm vụ and sản phẩm
--                  plus the hoạt động itself;
--   'nhiem_vu'     a framework nhiệm vụ's own text (item_no -1, row_no = its first row): the distinct nhiệm vụ
--                  and mục tiêu texts of its rows;
--   'own_name'     a department plan's own agency name and aliases (item_no -2, row_no 0): its bigrams say
--                  who, not what, and are left out of that department's scores.
-- framework_doc_id is the framework the unit belongs to or is compared with; area_code is the blocking key;
-- task_unit_id is, for a framework unit, the unit_id of its nhiệm vụ's own text.
CREATE OR REPLACE VIEW int_units AS
WITH units AS (
    SELECT 'department' AS kind, department_doc_id AS doc_id, department_row_no AS row_no, 0 AS item_no,
           framework_doc_id, area_code, NULL AS task_code, objective, task, activity,
           -- content is the hoạt động, else the nhiệm vụ, else the nội dung: count it only when it is new
           CASE WHEN content IS DISTINCT FROM task AND content IS DISTINCT FROM activity THEN content END AS content,
           product
    FROM stg_department_rows
    UNION ALL
    SELECT 'hoat_dong', f.framework_doc_id, f.framework_row_no, i.item_no, f.framework_doc_id, f.area_code,
           f.task_code, f.objective, f.task, i.activity, NULL, f.product
    FROM stg_framework_rows f
    JOIN int_framework_items i
      ON i.framework_doc_id = f.framework_doc_id AND i.framework_row_no = f.framework_row_no
    UNION ALL
    SELECT 'nhiem_vu', framework_doc_id, min(framework_row_no), -1, framework_doc_id, min(area_code), task_code,
           string_agg(DISTINCT objective, ' . '), string_agg(DISTINCT task, ' . '), NULL, NULL, NULL
    FROM stg_framework_rows
    GROUP BY framework_doc_id, task_code
    UNION ALL
    SELECT 'own_name', p.department_doc_id, 0, -2, p.framework_doc_id, NULL, NULL,
           NULL, NULL, NULL, array_to_string(list_prepend(p.department_agency, coalesce(a.aliases, [])), ' . '), NULL
    FROM stg_plan_frameworks p
    LEFT JOIN agencies a ON a.name = p.department_agency
)
SELECT hash(doc_id, row_no, item_no) AS unit_id,
       CASE WHEN kind IN ('hoat_dong', 'nhiem_vu')
            THEN hash(doc_id, min(row_no) OVER (PARTITION BY doc_id, task_code), -1) END AS task_unit_id,
       *
FROM units;
