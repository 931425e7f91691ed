-- int_version_pairs: one row per pair of rows lined up between two versions of one plan (stg_plan_versions):
-- the older row, the newer row, their cosine. Rows without a partner are in neither column. Computed by
-- pipeline.database.alignment (versions.py says the rules), only when either version changes; loaded from the
-- Parquet it keeps in the current snapshot's alignment/ folder ({alignment}).
CREATE OR REPLACE TABLE int_version_pairs AS
SELECT * FROM read_parquet('{alignment}/version_pairs/*.parquet');
