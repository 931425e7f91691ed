-- int_pair_scores: one row per (department row, framework unit of its framework) sharing a kept term, keyed by
-- the unit ids of int_units: the cosine of the two units and whether they are in the same area. A framework
-- unit is a hoạt động or a nhiệm vụ's own text. (Which terms made a score: join int_row_vectors of both
-- units on term_id, as pipeline.scoring.SHARED_TERMS_SQL does.)
-- Blocking: a department row is compared with the framework units of its own area_code (every area when
-- either side has none). Framework units of other areas are compared only when they share a rare term
-- with it, since only those can reach cross_area_min. The bigrams of the department's own name ("văn
-- phòng", "ủy ban" for Văn phòng UBND tỉnh) do not count: that a framework row names the department is
-- what `responsible` says, not what the row is about (its single syllables stay: "văn" is half of "văn bản").
CREATE OR REPLACE VIEW int_pair_scores AS
WITH vectors AS MATERIALIZED (
    SELECT unit_id, kind, doc_id, framework_doc_id, area_code, term_id, contains(term, ' ') AS bigram, kept, rare,
           unit_weight
    FROM int_row_vectors
),
dept AS MATERIALIZED (
    SELECT v.unit_id, v.framework_doc_id, v.area_code, v.term_id, v.rare, v.unit_weight
    FROM vectors v
    ANTI JOIN (SELECT doc_id, term_id FROM vectors WHERE kind = 'own_name' AND bigram) o
      ON o.doc_id = v.doc_id AND o.term_id = v.term_id
    WHERE v.kind = 'department' AND v.kept
),
fw AS MATERIALIZED (
    SELECT unit_id, framework_doc_id, area_code, term_id, unit_weight
    FROM vectors
    WHERE kind IN ('hoat_dong', 'nhiem_vu') AND kept
),
cross_candidates AS (
    -- framework units of another area sharing a rare term with the department row
    SELECT DISTINCT d.unit_id AS department_unit, f.unit_id AS framework_unit
    FROM (SELECT * FROM dept WHERE rare AND area_code IS NOT NULL) d
    JOIN (SELECT * FROM fw WHERE area_code IS NOT NULL) f
      ON f.framework_doc_id = d.framework_doc_id AND f.term_id = d.term_id
    WHERE f.area_code <> d.area_code
),
same_area AS (
    SELECT d.unit_id AS department_unit, f.unit_id AS framework_unit, sum(d.unit_weight * f.unit_weight) AS cosine
    FROM dept d
    JOIN fw f ON f.framework_doc_id = d.framework_doc_id AND f.area_code = d.area_code AND f.term_id = d.term_id
    GROUP BY d.unit_id, f.unit_id
),
no_area AS (
    -- a department row without an area meets every framework unit, a framework unit without one every row
    SELECT d.unit_id AS department_unit, f.unit_id AS framework_unit, sum(d.unit_weight * f.unit_weight) AS cosine
    FROM (SELECT * FROM dept WHERE area_code IS NULL) d
    JOIN fw f ON f.framework_doc_id = d.framework_doc_id AND f.term_id = d.term_id
    GROUP BY d.unit_id, f.unit_id
    UNION ALL
    SELECT d.unit_id, f.unit_id, sum(d.unit_weight * f.unit_weight)
    FROM (SELECT * FROM dept WHERE area_code IS NOT NULL) d
    JOIN (SELECT * FROM fw WHERE area_code IS NULL) f ON f.framework_doc_id = d.framework_doc_id AND f.term_id = d.term_id
    GROUP BY d.unit_id, f.unit_id
),
cross_area AS (
    SELECT c.department_unit, c.framework_unit, sum(d.unit_weight * f.unit_weight) AS cosine
    FROM cross_candidates c
    JOIN dept d ON d.unit_id = c.department_unit
    JOIN fw f ON f.unit_id = c.framework_unit AND f.term_id = d.term_id
    GROUP BY c.department_unit, c.framework_unit
)
SELECT department_unit, framework_unit, cosine, true AS same_area FROM same_area
UNION ALL
SELECT department_unit, framework_unit, cosine, true FROM no_area
UNION ALL
SELECT department_unit, framework_unit, cosine, false FROM cross_area;
