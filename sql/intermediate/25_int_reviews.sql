-- int_reviews: one row per analyst's verdict on a link from a department row to a framework nhiệm vụ, the
-- latest one when the same link was reviewed twice: verdict confirmed | rejected | added (a link the analyst
-- adds that the scores did not offer), with who and when. Rows are keyed by the plan's identity (plan_key), the
-- row's normalized text (row_key, macro text_key) and the framework's identity (framework_key), never by
-- row_no, so a review survives re-ingest and edits of other rows. Read from reviews.csv beside the output folder
-- (`cchc review`), copied by pipeline.database.alignment into {alignment}/reviews.parquet (the
-- current snapshot's alignment/ folder) at every build.
CREATE OR REPLACE TABLE int_reviews AS
SELECT plan_key, row_key, framework_key, task_code, verdict, reviewer, reviewed_at, department_stt,
       department_content, note
FROM read_parquet('{alignment}/reviews.parquet')
QUALIFY row_number() OVER (PARTITION BY plan_key, row_key, framework_key, task_code
                           ORDER BY reviewed_at DESC NULLS LAST) = 1;
