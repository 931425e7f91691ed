-- int_row_terms: one row per (compared unit, term): tf sums, over every occurrence of the term in the unit's
-- fields (int_row_fields × int_text_terms), the field's weight times the occurrence's (bigrams × weight_bigram).
-- The scores compute the same sums per framework, as a product of sparse matrices (fields × texts, texts ×
-- terms: pipeline.database.alignment.inputs); this view is their rule, to read.
CREATE OR REPLACE VIEW int_row_terms AS
SELECT f.scope_id, f.unit_id, t.term, sum(f.weight * t.weight) AS tf
FROM int_row_fields f
JOIN int_text_terms t USING (text)
GROUP BY f.scope_id, f.unit_id, t.term;
