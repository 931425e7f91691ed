-- int_alignment_candidates: one row per department row × one of its best framework candidates, at two levels
-- ('nhiem_vu': a nhiệm vụ, framework_unit = its best-matching hoạt động; 'hoat_dong': one hoạt động), as the
-- scores give them (no review applied): rank 1..top_k by score, the cosines the score mixes, same_area, and the
-- shared terms that weigh most in the row × hoạt động cosine. Computed per framework, only when its inputs
-- change, by pipeline.database.alignment (framework.py says the rules) from int_units and int_row_terms;
-- read from the Parquet it keeps in the current snapshot's alignment/ folder ({alignment}), not copied into the
-- database (the mart alignment holds them, reviews applied). Unit ids as in int_units.
CREATE OR REPLACE VIEW int_alignment_candidates AS
SELECT * FROM read_parquet('{alignment}/candidates/*.parquet');
