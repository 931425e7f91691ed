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
CREATE OR REPLACE VIEW alignment AS
SELECT l.department_doc_id, l.department_row_no, l.department_part, l.department_area_code, l.department_stt,
       l.department_content, l.department_due_end, l.level, l.rank, l.score_rank, l.framework_doc_id, l.task_code,
       l.framework_row_no, l.item_no, l.activity_codes, l.framework_area_code, l.framework_content,
       l.framework_due_end, l.score, l.hoat_dong_cosine, l.nhiem_vu_cosine, l.same_area,
       CASE WHEN l.task_code IS NULL THEN 'none'
            WHEN l.review IS NOT NULL THEN 'reviewed'
            WHEN l.score >= p.strong_min THEN 'strong'
            WHEN l.score >= p.weak_min THEN 'weak'
            ELSE 'none' END AS match_band,
       l.review, l.reviewer, l.reviewed_at, l.shared_terms, l.second_task_code, l.second_score, l.margin,
       l.responsible, l.responsible_as, l.responsible_via, l.framework_leads, l.framework_partners,
       l.plan_key, l.row_key, l.framework_key, l.department_unit, l.framework_unit
FROM int_alignment_links l
CROSS JOIN alignment_params p;
