-- runs: one row per `cchc ingest` run (runs.jsonl, appended by pipeline.runlog): when it ran, what it
-- found, how long each step took. status: running (written when a run starts) | ok | some_failed | failed |
-- locked (another run held the lock) | interrupted (Ctrl-C or SIGTERM: nothing changed) | killed (it never
-- finished: marked so by the next run).
-- Counts: new/changed/unchanged/removed partition the listed files; reparsed = read again although
-- unchanged (full run, new parser version, retry); failed = failed in this run; quarantined = every
-- file the tables leave out now.
CREATE OR REPLACE VIEW runs AS
SELECT *
FROM read_json('{normalized}/runs.jsonl', format = 'newline_delimited',
    -- explicit columns: the view binds on an empty log, and a line from an older version still reads
    columns = {run_id: 'VARCHAR', started_at: 'TIMESTAMPTZ', ended_at: 'TIMESTAMPTZ', mode: 'VARCHAR',
               status: 'VARCHAR', exit_code: 'INTEGER', raw_dir: 'VARCHAR', jobs: 'INTEGER',
               files: 'INTEGER', new: 'INTEGER', changed: 'INTEGER', unchanged: 'INTEGER',
               removed: 'INTEGER', reparsed: 'INTEGER', failed: 'INTEGER', quarantined: 'INTEGER',
               documents: 'INTEGER', task_rows: 'BIGINT', rows_parsed: 'BIGINT',
               wrote_snapshot: 'BOOLEAN', db_rebuilt: 'BOOLEAN', snapshot: 'VARCHAR', reprocess_reason: 'VARCHAR',
               error: 'VARCHAR', parser_version: 'VARCHAR', pid: 'INTEGER',
               plan_s: 'DOUBLE', parse_s: 'DOUBLE', write_s: 'DOUBLE', db_s: 'DOUBLE', total_s: 'DOUBLE'},
    -- a line being appended at this very instant is skipped rather than failing the query
    ignore_errors = true)
WHERE run_id IS NOT NULL;
