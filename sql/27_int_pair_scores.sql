-- int_pair_scores: one row per (department row, framework unit of its framework) sharing a kept term, keyed by
-- the unit ids of int_units: the cosine of the two units, whether they are in the same area, and the
-- strongest shared terms. A framework unit is a hoạt động or a nhiệm vụ's own text (framework_kind).
-- Blocking: a department row is compared with the framework units of its own area_code (every area when
-- either side has none). Framework units of other areas are compared only when they share a rare term
-- with it, since only those can reach cross_area_min. The bigrams of the department's own name ("văn
-- phòng", "ủy ban" for Văn phòng UBND tỉnh) do not count: that a framework row names the department is
-- what `responsible` says, not what the row is about (its single syllables stay: "văn" is half of "văn bản").
CREATE OR REPLACE VIEW int_pair_scores AS
WITH own_name AS (
    SELECT u.doc_id, t.term
    FROM int_row_terms t
    JOIN int_units u ON u.unit_id = t.unit_id
    WHERE u.kind = 'own_name' AND contains(t.term, ' ')
),
dept AS (
    SELECT v.unit_id, v.doc_id, v.framework_doc_id, v.area_code, v.term, v.rare, v.unit_weight
    FROM int_row_vectors v
    ANTI JOIN own_name o ON o.doc_id = v.doc_id AND o.term = v.term
    WHERE v.kind = 'department' AND v.kept
),
fw AS (
    SELECT unit_id, kind, framework_doc_id, area_code, term, unit_weight
    FROM int_row_vectors
    WHERE kind IN ('hoat_dong', 'nhiem_vu') AND kept
),
pairs AS (
    SELECT d.unit_id AS department_unit, f.unit_id AS framework_unit, d.unit_weight * f.unit_weight AS product,
           d.term, true AS same_area
    FROM dept d
    JOIN fw f ON f.framework_doc_id = d.framework_doc_id AND f.area_code = d.area_code AND f.term = d.term
    UNION ALL
    -- a department row without an area meets every framework unit
    SELECT d.unit_id, f.unit_id, d.unit_weight * f.unit_weight, d.term, true
    FROM (SELECT * FROM dept WHERE area_code IS NULL) d
    JOIN fw f ON f.framework_doc_id = d.framework_doc_id AND f.term = d.term
    UNION ALL
    -- a framework unit without an area meets every department row
    SELECT d.unit_id, f.unit_id, d.unit_weight * f.unit_weight, d.term, true
    FROM dept d
    JOIN (SELECT * FROM fw WHERE area_code IS NULL) f ON f.framework_doc_id = d.framework_doc_id AND f.term = d.term
    WHERE d.area_code IS NOT NULL
    UNION ALL
    -- units of other areas sharing a rare term: every shared term of theirs counts
    SELECT d.unit_id, f.unit_id, d.unit_weight * f.unit_weight, d.term, false
    FROM (SELECT DISTINCT d.unit_id AS department_unit, f.unit_id AS framework_unit
          FROM dept d
          JOIN fw f ON f.framework_doc_id = d.framework_doc_id AND f.term = d.term
          WHERE d.rare AND f.area_code <> d.area_code) c
    JOIN dept d ON d.unit_id = c.department_unit
    JOIN fw f ON f.unit_id = c.framework_unit AND f.term = d.term
)
SELECT department_unit, framework_unit,
       sum(product) AS cosine,
       bool_and(same_area) AS same_area,
       max_by(term, product, 5) AS top_terms
FROM pairs
GROUP BY department_unit, framework_unit;
