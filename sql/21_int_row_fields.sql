-- int_row_fields: one row per text field of a compared unit, with the unit's area and the field's weight.
-- Units: a department row (item_no 0: mục tiêu, nhiệm vụ, hoạt động, nội dung when it repeats neither,
-- sản phẩm); a framework hoạt động (item_no ≥ 1: its row's mục tiêu, nhiệm vụ and sản phẩm plus its own hoạt
-- động); a framework nhiệm vụ's own text (item_no -1, row_no = its first row: the distinct nhiệm vụ and mục
-- tiêu texts of its rows); a department plan's own agency name and aliases (item_no -2, row_no 0: its
-- terms say who, not what, and are left out of that department's scores).
CREATE OR REPLACE VIEW int_row_fields AS
WITH units AS (
    SELECT department_doc_id AS doc_id, department_row_no AS row_no, 0 AS item_no, area_code,
           objective, task, activity,
           -- content is the hoạt động, else the nhiệm vụ, else the nội dung: count it only when it is new
           CASE WHEN content IS DISTINCT FROM task AND content IS DISTINCT FROM activity THEN content END AS content,
           product
    FROM stg_department_rows
    UNION ALL
    SELECT f.framework_doc_id, f.framework_row_no, i.item_no, f.area_code,
           f.objective, f.task, i.activity, NULL, f.product
    FROM stg_framework_rows f
    JOIN int_framework_items i
      ON i.framework_doc_id = f.framework_doc_id AND i.framework_row_no = f.framework_row_no
    UNION ALL
    SELECT framework_doc_id, min(framework_row_no), -1, min(area_code),
           string_agg(DISTINCT objective, ' . '), string_agg(DISTINCT task, ' . '), NULL, NULL, NULL
    FROM stg_framework_rows
    GROUP BY framework_doc_id, task_code
    UNION ALL
    SELECT p.department_doc_id, 0, -2, NULL,
           NULL, NULL, NULL, array_to_string(list_prepend(p.department_agency, coalesce(a.aliases, [])), ' . '), NULL
    FROM stg_plan_frameworks p
    LEFT JOIN agencies a ON a.name = p.department_agency
),
fields AS (
    SELECT u.doc_id, u.row_no, u.item_no, u.area_code,
           unnest([
               {'field': 'objective', 'text': u.objective, 'weight': p.weight_objective},
               {'field': 'task', 'text': u.task, 'weight': p.weight_task},
               {'field': 'activity', 'text': u.activity, 'weight': p.weight_activity},
               {'field': 'content', 'text': u.content, 'weight': p.weight_activity},
               {'field': 'product', 'text': u.product, 'weight': p.weight_product}
           ]) AS f
    FROM units u, alignment_params p
)
SELECT doc_id, row_no, item_no, area_code, f.field AS field, f.weight AS weight, f.text AS text
FROM fields
WHERE nullif(trim(f.text), '') IS NOT NULL;
