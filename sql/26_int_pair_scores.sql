-- int_pair_scores: one row per (department row, framework hoạt động of its framework) where the department
-- row shares a kept term with the hoạt động or with its nhiệm vụ's own text: both cosines, the mixed score
-- weight_hoat_dong_match · hoat_dong_cosine + (1 - weight_hoat_dong_match) · nhiem_vu_cosine, the
-- strongest shared terms, and whether both are in the same area (blocking; a row without an area_code is
-- in every area); eligible = same area, or a cross-area score of at least cross_area_min. The bigrams of
-- the department's own name ("văn phòng", "ủy ban" for Văn phòng UBND tỉnh) do not count: that a framework
-- row names the department is what `responsible` says, not what the row is about (its single syllables
-- stay: "văn" is also half of "văn bản").
CREATE OR REPLACE VIEW int_pair_scores AS
WITH dot AS (
    SELECT d.department_doc_id, d.department_row_no, d.framework_doc_id,
           fv.row_no AS framework_row_no, fv.item_no,
           sum(dv.unit_weight * fv.unit_weight) AS cosine,
           count(*) AS shared_terms,
           list(dv.term ORDER BY dv.unit_weight * fv.unit_weight DESC)[1:5] AS top_terms
    FROM stg_department_rows d
    JOIN int_row_vectors dv
      ON dv.doc_id = d.department_doc_id AND dv.row_no = d.department_row_no AND dv.item_no = 0
    JOIN int_row_vectors fv ON fv.doc_id = d.framework_doc_id AND fv.term = dv.term
    ANTI JOIN int_row_terms own
      ON own.doc_id = d.department_doc_id AND own.item_no = -2 AND own.n_syllables = 2 AND own.term = dv.term
    GROUP BY d.department_doc_id, d.department_row_no, d.framework_doc_id, fv.row_no, fv.item_no
),
by_task AS (
    -- the nhiệm vụ text unit is keyed by the nhiệm vụ's first row (item_no -1)
    SELECT dot.department_doc_id, dot.department_row_no, dot.framework_doc_id, f.task_code,
           dot.cosine, dot.top_terms
    FROM dot
    JOIN stg_framework_rows f ON f.framework_doc_id = dot.framework_doc_id AND f.framework_row_no = dot.framework_row_no
    WHERE dot.item_no = -1
),
touched AS (
    -- nhiệm vụ reached through one of their hoạt động or through their own text
    SELECT DISTINCT dot.department_doc_id, dot.department_row_no, dot.framework_doc_id, f.task_code
    FROM dot
    JOIN stg_framework_rows f ON f.framework_doc_id = dot.framework_doc_id AND f.framework_row_no = dot.framework_row_no
),
candidates AS (
    SELECT t.department_doc_id, t.department_row_no, t.framework_doc_id, t.task_code,
           f.framework_row_no, i.item_no, f.area_code
    FROM touched t
    JOIN stg_framework_rows f ON f.framework_doc_id = t.framework_doc_id AND f.task_code = t.task_code
    JOIN int_framework_items i ON i.framework_doc_id = f.framework_doc_id AND i.framework_row_no = f.framework_row_no
)
SELECT c.department_doc_id, c.department_row_no, c.framework_doc_id, c.framework_row_no, c.item_no, c.task_code,
       coalesce(h.cosine, 0) AS hoat_dong_cosine,
       coalesce(n.cosine, 0) AS nhiem_vu_cosine,
       p.weight_hoat_dong_match * coalesce(h.cosine, 0)
           + (1 - p.weight_hoat_dong_match) * coalesce(n.cosine, 0) AS score,
       coalesce(h.shared_terms, 0) AS shared_terms,
       coalesce(h.top_terms, n.top_terms) AS top_terms,
       coalesce(d.area_code = c.area_code, true) AS same_area,
       coalesce(d.area_code = c.area_code, true)
           OR p.weight_hoat_dong_match * coalesce(h.cosine, 0)
              + (1 - p.weight_hoat_dong_match) * coalesce(n.cosine, 0) >= p.cross_area_min AS eligible
FROM candidates c
CROSS JOIN alignment_params p
JOIN stg_department_rows d
  ON d.department_doc_id = c.department_doc_id AND d.department_row_no = c.department_row_no
LEFT JOIN dot h
  ON h.department_doc_id = c.department_doc_id AND h.department_row_no = c.department_row_no
 AND h.framework_doc_id = c.framework_doc_id AND h.framework_row_no = c.framework_row_no AND h.item_no = c.item_no
LEFT JOIN by_task n
  ON n.department_doc_id = c.department_doc_id AND n.department_row_no = c.department_row_no
 AND n.framework_doc_id = c.framework_doc_id AND n.task_code = c.task_code;
