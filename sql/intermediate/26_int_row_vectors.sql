-- int_row_vectors: one row per (compared unit, term) with its TF-IDF weight ln(1 + tf) · idf and that weight
-- divided by the unit's vector length (unit_weight), so that the dot product of two units is their cosine;
-- with the unit's kind, doc, framework and area (the blocking keys), whether the term is kept (common terms
-- count in the length but are left out of dot products) and whether it is rare.
CREATE OR REPLACE VIEW int_row_vectors AS
WITH weighted AS (
    SELECT t.unit_id, t.term, i.term_id, ln(1 + t.tf) * i.idf AS weight, i.kept, i.rare
    FROM int_row_terms t
    JOIN int_term_idf i ON i.term = t.term
),
lengths AS (
    SELECT unit_id, sqrt(sum(weight * weight)) AS length FROM weighted GROUP BY unit_id
)
SELECT w.unit_id, u.kind, u.doc_id, u.framework_doc_id, u.area_code, u.task_unit_id, w.term, w.term_id, w.kept,
       w.rare,
       w.weight, w.weight / l.length AS unit_weight
FROM weighted w
JOIN lengths l ON l.unit_id = w.unit_id
JOIN int_units u ON u.unit_id = w.unit_id;
