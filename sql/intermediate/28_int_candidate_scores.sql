-- int_candidate_scores: one row per department row × framework candidate it is scored against, at two levels:
--   'hoat_dong'  a framework hoạt động (framework_unit = its unit);
--   'nhiem_vu'   a framework nhiệm vụ (framework_unit = its best-matching hoạt động);
-- score = weight_hoat_dong_match · hoat_dong_cosine + (1 - weight_hoat_dong_match) · nhiem_vu_cosine, where
-- hoat_dong_cosine is the cosine with the hoạt động (for a nhiệm vụ: with its best hoạt động) and
-- nhiem_vu_cosine the cosine with the nhiệm vụ's own text: a row echoing one sub-activity of an unrelated
-- nhiệm vụ scores low. (A hoạt động carries its nhiệm vụ's text, so every nhiệm vụ that shares a term with
-- the row is reached through one of its hoạt động.) eligible = same area, or a score of at least
-- cross_area_min. Unit ids as in int_units.
CREATE OR REPLACE VIEW int_candidate_scores AS
WITH scored AS MATERIALIZED (
    SELECT s.department_unit, s.framework_unit, u.kind, u.task_unit_id, s.cosine, s.same_area
    FROM int_pair_scores s
    JOIN int_units u ON u.unit_id = s.framework_unit
),
items AS (
    SELECT i.department_unit, i.framework_unit, i.task_unit_id, i.cosine AS hoat_dong_cosine,
           coalesce(t.cosine, 0) AS nhiem_vu_cosine, i.same_area
    FROM (SELECT * FROM scored WHERE kind = 'hoat_dong') i
    LEFT JOIN (SELECT * FROM scored WHERE kind = 'nhiem_vu') t
      ON t.department_unit = i.department_unit AND t.framework_unit = i.task_unit_id
),
levels AS (
    SELECT department_unit, 'hoat_dong' AS level, framework_unit, task_unit_id, hoat_dong_cosine, nhiem_vu_cosine,
           same_area
    FROM items
    UNION ALL
    -- a nhiệm vụ is scored with its best hoạt động
    SELECT department_unit, 'nhiem_vu', arg_max(framework_unit, hoat_dong_cosine), task_unit_id,
           max(hoat_dong_cosine), any_value(nhiem_vu_cosine), bool_or(same_area)
    FROM items
    GROUP BY department_unit, task_unit_id
)
SELECT l.*,
       p.weight_hoat_dong_match * l.hoat_dong_cosine + (1 - p.weight_hoat_dong_match) * l.nhiem_vu_cosine AS score,
       l.same_area
           OR p.weight_hoat_dong_match * l.hoat_dong_cosine
              + (1 - p.weight_hoat_dong_match) * l.nhiem_vu_cosine >= p.cross_area_min AS eligible
FROM levels l, alignment_params p;
