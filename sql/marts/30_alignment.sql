-- alignment: one row per department row × one of its best framework matches, at two levels:
--   level 'nhiem_vu'  a framework nhiệm vụ (task_code), shown with its best hoạt động (framework_row_no, item_no);
--   level 'hoat_dong' one hoạt động of a framework row (framework_row_no, item_no, activity_codes = its code).
-- The scores' candidates (int_alignment_candidates) with the analysts' reviews applied (int_reviews): a
-- confirmed or added nhiệm vụ comes first with match_band 'reviewed'; a rejected one is gone, at both levels;
-- the rest keep their order by score. rank 1..; match_band strong | weak | none from alignment_params (or
-- reviewed); score_rank is the rank the scores alone gave (null for a link only an analyst made). A department
-- row without any candidate left still has one rank-1 row per level, with band none and no framework row.
-- Why it matched: shared_terms (the terms that weigh most in the row × hoạt động cosine), second_task_code and
-- second_score (the candidate ranked next) and margin (score − second_score).
-- responsible: the framework names the department as chủ trì or phối hợp, by name, through one of its units
-- or through a collective it belongs to (any row of the nhiệm vụ at level nhiem_vu; the row at hoat_dong).
-- A view: the links are a table (int_alignment_links), the text beside them is read from the rows they link.
CREATE OR REPLACE VIEW alignment AS
SELECT l.department_doc_id,
       l.department_row_no,
       d.source_part AS department_part,
       d.area_code AS department_area_code,
       d.stt AS department_stt,
       d.content AS department_content,
       d.due_end AS department_due_end,
       l.level,
       l.rank,
       l.score_rank,
       l.framework_doc_id,
       l.task_code,
       l.framework_row_no,
       l.item_no,
       CASE WHEN l.task_code IS NULL THEN []
            WHEN l.level = 'nhiem_vu' THEN t.activity_codes
            WHEN i.activity_code IS NULL THEN []
            ELSE [i.activity_code] END AS activity_codes,
       coalesce(f.area_code, t.area_code) AS framework_area_code,
       CASE l.level WHEN 'nhiem_vu' THEN t.task ELSE coalesce(i.activity, f.content) END AS framework_content,
       coalesce(f.due_end, t.due_end) AS framework_due_end,
       l.score,
       l.hoat_dong_cosine,
       l.nhiem_vu_cosine,
       l.same_area,
       l.match_band,
       l.review,
       l.reviewer,
       l.reviewed_at,
       CASE WHEN l.shared_terms = '' THEN [] ELSE string_split(l.shared_terms, '|') END AS shared_terms,
       l.second_task_code,
       l.second_score,
       l.margin,
       l.responsible,
       l.responsible_as,
       l.responsible_via,
       coalesce(f.leads, []) AS framework_leads,
       coalesce(f.partners, []) AS framework_partners,
       d.plan_key,                         -- the keys a review of this row is filed under (int_reviews)
       d.row_key,
       pf.framework_key,
       l.department_unit,
       l.framework_unit
FROM int_alignment_links l
JOIN stg_department_rows d
  ON d.department_doc_id = l.department_doc_id AND d.department_row_no = l.department_row_no
JOIN stg_plan_frameworks pf ON pf.department_doc_id = l.department_doc_id
LEFT JOIN stg_framework_tasks t ON t.framework_doc_id = l.framework_doc_id AND t.task_code = l.task_code
LEFT JOIN stg_framework_rows f
  ON f.framework_doc_id = l.framework_doc_id AND f.framework_row_no = l.framework_row_no
LEFT JOIN int_framework_items i
  ON i.framework_doc_id = l.framework_doc_id AND i.framework_row_no = l.framework_row_no AND i.item_no = l.item_no;
