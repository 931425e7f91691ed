-- tasks: one row per task row of a plan (a phụ lục table row, or a "- " bullet of the body).
CREATE OR REPLACE VIEW tasks AS
SELECT * FROM read_parquet('{normalized}/tasks.parquet');
