-- int_alignment_links: one row per department row × one of its best framework matches, at two levels
-- ('nhiem_vu', 'hoat_dong'): the scores' candidates (int_alignment_candidates) with the analysts' reviews
-- applied (int_reviews), their rank, match band and whether the framework asks it of the department; computed
-- once per build, into a table without the rows' text. The mart `alignment` (a view) shows each link with the
-- rows' text, deadlines and keys, read from the staging tables (see there for what each column means): nationally
-- 600,000 links, whose text written again into a table cost more than all the other marts.
CREATE OR REPLACE TABLE int_alignment_links AS
WITH rows AS (
    SELECT r.department_doc_id, r.department_row_no, r.plan_key, r.row_key, p.framework_doc_id, p.framework_key
    FROM stg_department_rows r
    JOIN stg_plan_frameworks p ON p.department_doc_id = r.department_doc_id
),
reviews AS (
    -- the reviews that apply to a row loaded now: same plan, same text, same framework (never by row_no)
    SELECT r.department_doc_id, r.department_row_no, r.framework_doc_id, v.task_code, v.verdict, v.reviewer,
           v.reviewed_at
    FROM rows r
    JOIN int_reviews v ON v.plan_key = r.plan_key AND v.row_key = r.row_key AND v.framework_key = r.framework_key
),
untouched AS (
    -- the rows no review applies to keep the scores' order as it is (rank and second computed with the scores)
    SELECT c.* EXCLUDE (scope_id), c.rank AS score_rank, NULL AS verdict, NULL AS reviewer,
           NULL::TIMESTAMPTZ AS reviewed_at
    FROM int_alignment_candidates c
    ANTI JOIN (SELECT DISTINCT department_doc_id, department_row_no FROM reviews) v
      ON v.department_doc_id = c.department_doc_id AND v.department_row_no = c.department_row_no
),
machine AS (
    -- the candidates of reviewed rows that no review judged (a confirmed one comes back below, as reviewed;
    -- a rejected nhiệm vụ goes, with its hoạt động)
    SELECT c.* EXCLUDE (scope_id, second_task_code, second_score), 1 AS priority, NULL AS verdict,
           NULL AS reviewer, NULL::TIMESTAMPTZ AS reviewed_at
    FROM int_alignment_candidates c
    SEMI JOIN reviews v ON v.department_doc_id = c.department_doc_id AND v.department_row_no = c.department_row_no
    ANTI JOIN reviews v
      ON v.department_doc_id = c.department_doc_id AND v.department_row_no = c.department_row_no
     AND v.task_code = c.task_code AND (c.level = 'nhiem_vu' OR v.verdict = 'rejected')
),
reviewed AS (
    -- a confirmed or added link, with what the scores said of it when they offered it
    SELECT c.department_unit, r.department_doc_id, r.department_row_no,
           'nhiem_vu' AS level, c.rank, c.framework_unit,
           coalesce(c.framework_row_no, t.framework_rows[1]) AS framework_row_no, c.item_no, r.task_code, c.score,
           c.hoat_dong_cosine, c.nhiem_vu_cosine, c.same_area, c.shared_terms, 0 AS priority, r.verdict,
           r.reviewer, r.reviewed_at
    FROM reviews r
    JOIN stg_framework_tasks t ON t.framework_doc_id = r.framework_doc_id AND t.task_code = r.task_code
    LEFT JOIN int_alignment_candidates c
      ON c.department_doc_id = r.department_doc_id AND c.department_row_no = r.department_row_no
     AND c.level = 'nhiem_vu' AND c.task_code = r.task_code
    WHERE r.verdict IN ('confirmed', 'added')
),
reranked AS (
    -- reviewed links first, then the scores' order
    SELECT m.* EXCLUDE (rank, priority), m.rank AS score_rank,
           row_number() OVER w AS rank,
           lead(m.task_code) OVER w AS second_task_code, lead(m.score) OVER w AS second_score
    FROM (SELECT * FROM machine UNION ALL BY NAME SELECT * FROM reviewed) m
    WINDOW w AS (PARTITION BY m.department_doc_id, m.department_row_no, m.level
                 ORDER BY m.priority, m.score DESC NULLS LAST, m.framework_unit)
),
kept AS (
    SELECT * FROM untouched
    UNION ALL BY NAME
    SELECT * FROM reranked
    UNION ALL BY NAME
    -- department rows without any candidate left: one empty rank-1 row per level
    SELECT r.department_doc_id, r.department_row_no, lv.level, 1 AS rank, 0.0 AS score, 0.0 AS hoat_dong_cosine,
           0.0 AS nhiem_vu_cosine
    FROM rows r CROSS JOIN (VALUES ('nhiem_vu'), ('hoat_dong')) AS lv(level)   -- CROSS JOIN: DuckDB 1.5 binds the ANTI JOIN below to both
    ANTI JOIN (SELECT department_doc_id, department_row_no, level FROM untouched
               UNION ALL SELECT department_doc_id, department_row_no, level FROM reranked) k
      ON k.department_doc_id = r.department_doc_id AND k.department_row_no = r.department_row_no
     AND k.level = lv.level
)
SELECT k.department_doc_id,
       k.department_row_no,
       k.level,
       k.rank,
       k.score_rank,
       pf.framework_doc_id,
       k.task_code,
       k.framework_row_no,
       k.item_no,
       round(k.score, 4) AS score,
       round(k.hoat_dong_cosine, 4) AS hoat_dong_cosine,
       round(k.nhiem_vu_cosine, 4) AS nhiem_vu_cosine,
       k.same_area,
       CASE WHEN k.task_code IS NULL THEN 'none'
            WHEN k.verdict IS NOT NULL THEN 'reviewed'
            -- the bands of the score as shown (rounded)
            WHEN round(k.score, 4) >= p.strong_min THEN 'strong'
            WHEN round(k.score, 4) >= p.weak_min THEN 'weak'
            ELSE 'none' END AS match_band,
       k.verdict AS review,                  -- confirmed | added | null (a rejected link is not shown)
       k.reviewer,
       k.reviewed_at,
       -- the terms as one text with '|' between them ('|' is a break, never inside a term: int_text_syllables);
       -- 600,000 lists of five strings cost the table's write 0.4 s more than as many texts. The mart
       -- alignment gives them back as a list.
       coalesce(array_to_string(k.shared_terms, '|'), '') AS shared_terms,
       k.second_task_code,
       round(k.second_score, 4) AS second_score,
       round(k.score - coalesce(k.second_score, 0), 4) AS margin,
       CASE WHEN k.task_code IS NULL THEN NULL
            WHEN k.level = 'nhiem_vu' THEN coalesce(ta.assigned, false)
            ELSE coalesce(ra.assigned, false) END AS responsible,
       CASE k.level WHEN 'nhiem_vu' THEN ta.assigned_as ELSE ra.assigned_as END AS responsible_as,
       CASE k.level WHEN 'nhiem_vu' THEN ta.via ELSE ra.via END AS responsible_via,
       k.department_unit,                  -- unit ids (int_units)
       k.framework_unit
FROM kept k
JOIN stg_plan_frameworks pf ON pf.department_doc_id = k.department_doc_id
CROSS JOIN alignment_params p
-- what the framework asks of the department is what it asks of its agency (int_agency_assignments)
LEFT JOIN int_agency_task_assignments ta
  ON ta.agency = pf.department_agency AND ta.framework_doc_id = pf.framework_doc_id AND ta.task_code = k.task_code
LEFT JOIN int_agency_assignments ra
  ON ra.agency = pf.department_agency AND ra.framework_doc_id = pf.framework_doc_id
 AND ra.framework_row_no = k.framework_row_no;
