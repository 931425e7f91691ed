-- failures: one row per file the tables leave out, with the reason (one line naming the file).
-- A failed file stays here (quarantined) until it changes, then it is tried again; error_type is
-- the kind of failure (Corrupt, NotAPlan, UnsupportedFormat, Encrypted, Duplicate, PermissionError, …).
CREATE OR REPLACE VIEW failures AS
SELECT * FROM read_parquet('{normalized}/failures.parquet');
