-- documents: one row per plan file that parsed (kế hoạch / phụ lục), with its header metadata.
CREATE OR REPLACE VIEW documents AS
SELECT * FROM read_parquet('{normalized}/documents.parquet');
