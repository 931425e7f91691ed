-- plan_changes: one row per row added, removed or changed from one version of a plan to the next
-- (stg_plan_versions), the rows lined up one to one by int_version_pairs: change added | removed | changed;
-- what_changed lists what differs in a changed pair: text (the content, compared as reviews compare it, macro
-- text_key: case, spacing and punctuation aside), deadline (thời gian as printed, or due_end), lead (chủ trì)
-- and product (sản phẩm). Rows that did not change are not listed. similarity is the pair's cosine.
CREATE OR REPLACE VIEW plan_changes AS
WITH lined_up AS (
    SELECT v.older_doc_id, v.newer_doc_id, v.matched_by, p.older_row_no, p.newer_row_no, p.score AS similarity
    FROM stg_plan_versions v
    JOIN int_version_pairs p ON p.older_doc_id = v.older_doc_id AND p.newer_doc_id = v.newer_doc_id
    UNION ALL
    -- a row of the older version without a partner (removed), then one of the newer (added); each side joined on
    -- equalities alone, so that no pair of versions is compared with every task row
    SELECT v.older_doc_id, v.newer_doc_id, v.matched_by, t.row_no, NULL, NULL
    FROM stg_plan_versions v
    JOIN tasks t ON t.doc_id = v.older_doc_id
    ANTI JOIN int_version_pairs p
      ON p.older_doc_id = v.older_doc_id AND p.newer_doc_id = v.newer_doc_id AND p.older_row_no = t.row_no
    UNION ALL
    SELECT v.older_doc_id, v.newer_doc_id, v.matched_by, NULL, t.row_no, NULL
    FROM stg_plan_versions v
    JOIN tasks t ON t.doc_id = v.newer_doc_id
    ANTI JOIN int_version_pairs p
      ON p.older_doc_id = v.older_doc_id AND p.newer_doc_id = v.newer_doc_id AND p.newer_row_no = t.row_no
),
compared AS (
    SELECT l.*, o.source_part AS older_part, n.source_part AS newer_part,
           coalesce(n.area_code, o.area_code) AS area_code, o.stt AS older_stt, n.stt AS newer_stt,
           o.content AS older_content, n.content AS newer_content,
           o.timeline_raw AS older_timeline, n.timeline_raw AS newer_timeline,
           o.due_end AS older_due_end, n.due_end AS newer_due_end,
           o.leads AS older_leads, n.leads AS newer_leads, o.product AS older_product, n.product AS newer_product,
           -- (two texts printed alike have the same key: text_key, a pattern per call, only for those that differ)
           list_filter([
               CASE WHEN o.content IS DISTINCT FROM n.content AND text_key(o.content) <> text_key(n.content)
                    THEN 'text' END,
               CASE WHEN (o.timeline_raw IS DISTINCT FROM n.timeline_raw
                          AND text_key(o.timeline_raw) <> text_key(n.timeline_raw))
                         OR o.due_end IS DISTINCT FROM n.due_end THEN 'deadline' END,
               CASE WHEN list_sort(o.leads) <> list_sort(n.leads)
                         OR (o.lead_raw IS DISTINCT FROM n.lead_raw AND text_key(o.lead_raw) <> text_key(n.lead_raw))
                    THEN 'lead' END,
               CASE WHEN o.product IS DISTINCT FROM n.product AND text_key(o.product) <> text_key(n.product)
                    THEN 'product' END
           ], lambda x: x IS NOT NULL) AS what_changed
    FROM lined_up l
    LEFT JOIN tasks o ON o.doc_id = l.older_doc_id AND o.row_no = l.older_row_no
    LEFT JOIN tasks n ON n.doc_id = l.newer_doc_id AND n.row_no = l.newer_row_no
)
SELECT c.older_doc_id,
       od.source_file AS older_file,
       c.newer_doc_id,
       nd.source_file AS newer_file,
       c.matched_by,
       CASE WHEN c.older_row_no IS NULL THEN 'added'
            WHEN c.newer_row_no IS NULL THEN 'removed'
            ELSE 'changed' END AS change,
       CASE WHEN c.older_row_no IS NULL OR c.newer_row_no IS NULL THEN [] ELSE c.what_changed END AS what_changed,
       coalesce(c.newer_part, c.older_part) AS source_part,
       c.area_code,
       c.older_row_no, c.newer_row_no, c.older_stt, c.newer_stt, c.older_content, c.newer_content,
       c.older_timeline, c.newer_timeline, c.older_due_end, c.newer_due_end, c.older_leads, c.newer_leads,
       c.older_product, c.newer_product,
       round(c.similarity, 4) AS similarity
FROM compared c
JOIN documents od ON od.doc_id = c.older_doc_id
JOIN documents nd ON nd.doc_id = c.newer_doc_id
WHERE c.older_row_no IS NULL OR c.newer_row_no IS NULL OR len(c.what_changed) > 0;
