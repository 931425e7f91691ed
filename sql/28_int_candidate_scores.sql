-- int_candidate_scores: one row per department row × framework candidate it is scored against, at two levels:
--   'hoat_dong'  a framework hoạt động (framework_unit = its unit);
--   'nhiem_vu'   a framework nhiệm vụ (framework_unit = its best hoạt động, or its first row's when only the
--                nhiệm vụ's own text was reached);
-- score = weight_hoat_dong_match · hoat_dong_cosine + (1 - weight_hoat_dong_match) · nhiem_vu_cosine, where
-- hoat_dong_cosine is the cosine with the hoạt động (for a nhiệm vụ: with its best hoạt động) and
-- nhiem_vu_cosine the cosine with the nhiệm vụ's own text: a row echoing one sub-activity of an unrelated
-- nhiệm vụ scores low. eligible = same area, or a score of at least cross_area_min. Unit ids as in int_units.
CREATE OR REPLACE VIEW int_candidate_scores AS
WITH scored AS MATERIALIZED (
    SELECT s.department_unit, s.framework_unit, u.kind, u.task_unit_id, s.cosine, s.same_area, s.top_terms
    FROM int_pair_scores s
    JOIN int_units u ON u.unit_id = s.framework_unit
),
items AS (
    SELECT * FROM scored WHERE kind = 'hoat_dong'
),
tasks AS (
    SELECT * FROM scored WHERE kind = 'nhiem_vu'
),
best_items AS (
    SELECT department_unit, task_unit_id,
           max(cosine) AS cosine,
           arg_max(framework_unit, cosine) AS framework_unit,
           arg_max(top_terms, cosine) AS top_terms,
           bool_or(same_area) AS same_area
    FROM items
    GROUP BY department_unit, task_unit_id
),
levels AS (
    SELECT i.department_unit, 'hoat_dong' AS level, i.framework_unit, i.task_unit_id,
           i.cosine AS hoat_dong_cosine, coalesce(t.cosine, 0) AS nhiem_vu_cosine, i.same_area, i.top_terms
    FROM items i
    LEFT JOIN tasks t ON t.department_unit = i.department_unit AND t.framework_unit = i.task_unit_id
    UNION ALL
    SELECT coalesce(b.department_unit, t.department_unit), 'nhiem_vu',
           -- the nhiệm vụ text unit is keyed by the nhiệm vụ's first row: its hoạt động 1 stands for it
           coalesce(b.framework_unit, first_item.unit_id),
           coalesce(b.task_unit_id, t.framework_unit),
           coalesce(b.cosine, 0), coalesce(t.cosine, 0),
           coalesce(b.same_area, t.same_area), coalesce(b.top_terms, t.top_terms)
    FROM best_items b
    FULL OUTER JOIN tasks t ON t.department_unit = b.department_unit AND t.framework_unit = b.task_unit_id
    LEFT JOIN int_units task_unit ON b.department_unit IS NULL AND task_unit.unit_id = t.framework_unit
    LEFT JOIN int_units first_item
      ON b.department_unit IS NULL AND first_item.kind = 'hoat_dong' AND first_item.doc_id = task_unit.doc_id
     AND first_item.row_no = task_unit.row_no AND first_item.item_no = 1
)
SELECT l.*,
       p.weight_hoat_dong_match * l.hoat_dong_cosine + (1 - p.weight_hoat_dong_match) * l.nhiem_vu_cosine AS score,
       l.same_area
           OR p.weight_hoat_dong_match * l.hoat_dong_cosine
              + (1 - p.weight_hoat_dong_match) * l.nhiem_vu_cosine >= p.cross_area_min AS eligible
FROM levels l, alignment_params p;
