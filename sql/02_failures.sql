-- failures: one row per file of the last run that could not be read, with the reason.
CREATE OR REPLACE VIEW failures AS
SELECT * FROM read_parquet('{normalized}/failures.parquet');
