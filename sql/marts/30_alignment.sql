-- alignment: one row per department row × one of its best framework matches, at two levels:
--   level 'nhiem_vu'  a framework nhiệm vụ (task_code), shown with its best hoạt động (framework_row_no, item_no);
--   level 'hoat_dong' one hoạt động of a framework row (framework_row_no, item_no, activity_codes = its code).
-- rank 1..top_k by score within the level; match_band strong | weak | none from alignment_params. A department
-- row without any eligible candidate still has one rank-1 row per level, with band none and no framework row.
-- responsible: the framework names the department as chủ trì or phối hợp, by name, through one of its units
-- or through a collective it belongs to (any row of the nhiệm vụ at level nhiem_vu; the row at hoat_dong).
CREATE OR REPLACE VIEW alignment AS
WITH best AS MATERIALIZED (
    -- the top_k eligible candidates of each department row and level, best first
    SELECT c.*,
           row_number() OVER (PARTITION BY c.department_unit, c.level
                              ORDER BY c.score DESC, c.framework_unit) AS rank
    FROM int_candidate_scores c, alignment_params p
    WHERE c.eligible
    QUALIFY rank <= p.top_k
),
kept AS (
    SELECT d.doc_id AS department_doc_id, d.row_no AS department_row_no, b.level, b.rank,
           b.department_unit, b.framework_unit,
           f.doc_id AS framework_doc_id, f.task_code, f.row_no AS framework_row_no, f.item_no,
           b.score, b.hoat_dong_cosine, b.nhiem_vu_cosine, b.same_area
    FROM best b
    JOIN int_units d ON d.unit_id = b.department_unit
    JOIN int_units f ON f.unit_id = b.framework_unit
    UNION ALL
    -- department rows without any eligible candidate: one empty rank-1 row per level
    SELECT d.department_doc_id, d.department_row_no, lv.level, 1, NULL, NULL, d.framework_doc_id, NULL, NULL, NULL,
           0.0, 0.0, 0.0, NULL
    FROM stg_department_rows d CROSS JOIN (VALUES ('nhiem_vu'), ('hoat_dong')) AS lv(level)
    ANTI JOIN (SELECT u.doc_id, u.row_no FROM best b JOIN int_units u ON u.unit_id = b.department_unit
               WHERE b.rank = 1) e
      ON e.doc_id = d.department_doc_id AND e.row_no = d.department_row_no
),
task_assignment AS (
    -- a nhiệm vụ assigns the department when any of its rows does; the most direct way wins
    SELECT department_doc_id, framework_doc_id, task_code,
           bool_or(assigned) AS assigned, arg_min(assigned_as, rank) AS assigned_as, arg_min(via, rank) AS via
    FROM int_framework_assignments
    GROUP BY department_doc_id, framework_doc_id, task_code
)
SELECT k.department_doc_id,
       k.department_row_no,
       d.source_part AS department_part,
       d.area_code AS department_area_code,
       d.stt AS department_stt,
       d.content AS department_content,
       d.due_end AS department_due_end,
       k.level,
       k.rank,
       k.framework_doc_id,
       k.task_code,
       k.framework_row_no,
       k.item_no,
       CASE WHEN k.task_code IS NULL THEN []
            WHEN k.level = 'nhiem_vu' THEN f.activity_codes
            WHEN i.activity_code IS NULL THEN []
            ELSE [i.activity_code] END AS activity_codes,
       f.area_code AS framework_area_code,
       CASE k.level WHEN 'nhiem_vu' THEN coalesce(f.task, f.content)
                    ELSE coalesce(i.activity, f.content) END AS framework_content,
       f.due_end AS framework_due_end,
       round(k.score, 4) AS score,
       round(k.hoat_dong_cosine, 4) AS hoat_dong_cosine,
       round(k.nhiem_vu_cosine, 4) AS nhiem_vu_cosine,
       k.same_area,
       CASE WHEN k.task_code IS NULL THEN 'none'
            WHEN k.score >= p.strong_min THEN 'strong'
            WHEN k.score >= p.weak_min THEN 'weak'
            ELSE 'none' END AS match_band,
       CASE WHEN k.task_code IS NULL THEN NULL
            WHEN k.level = 'nhiem_vu' THEN coalesce(ta.assigned, false)
            ELSE coalesce(ra.assigned, false) END AS responsible,
       CASE k.level WHEN 'nhiem_vu' THEN ta.assigned_as ELSE ra.assigned_as END AS responsible_as,
       CASE k.level WHEN 'nhiem_vu' THEN ta.via ELSE ra.via END AS responsible_via,
       f.leads AS framework_leads,
       f.partners AS framework_partners,
       k.department_unit,                  -- unit ids (int_units): join int_row_vectors to see the shared terms
       k.framework_unit
FROM kept k
CROSS JOIN alignment_params p
JOIN stg_department_rows d
  ON d.department_doc_id = k.department_doc_id AND d.department_row_no = k.department_row_no
LEFT JOIN stg_framework_rows f
  ON f.framework_doc_id = k.framework_doc_id AND f.framework_row_no = k.framework_row_no
LEFT JOIN int_framework_items i
  ON i.framework_doc_id = k.framework_doc_id AND i.framework_row_no = k.framework_row_no AND i.item_no = k.item_no
LEFT JOIN task_assignment ta
  ON ta.department_doc_id = k.department_doc_id AND ta.framework_doc_id = k.framework_doc_id
 AND ta.task_code = k.task_code
LEFT JOIN int_framework_assignments ra
  ON ra.department_doc_id = k.department_doc_id AND ra.framework_doc_id = k.framework_doc_id
 AND ra.framework_row_no = k.framework_row_no;
