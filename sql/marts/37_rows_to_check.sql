-- rows_to_check: one row per document and reason its task rows may mislead a count: 'no lead' (no chủ trì
-- read: an empty cell, a cited document instead of an agency), 'no area' (no lĩnh vực: a plan on another
-- subject, a duty under "Tổ chức thực hiện") or 'no deadline' (no due date read: an empty or unreadable
-- cell, a deadline set elsewhere); with how many of the document's rows have that gap, out of how many,
-- and the first row numbers to look at. A document none of whose rows has a gap is not listed.
CREATE OR REPLACE VIEW rows_to_check AS
WITH gaps AS (
    SELECT t.doc_id, t.row_no, r.reason
    FROM tasks t
    CROSS JOIN (VALUES ('no lead'), ('no area'), ('no deadline')) AS r(reason)
    WHERE CASE r.reason
              WHEN 'no lead' THEN len(t.leads) = 0
              WHEN 'no area' THEN t.area_code IS NULL
              ELSE t.due_end IS NULL              -- a recurrence alone ("theo kế hoạch") dates nothing
          END
),
totals AS (
    SELECT doc_id, count(*) AS document_rows FROM tasks GROUP BY doc_id
)
SELECT d.doc_id,
       d.source_file,
       d.issuer,
       g.reason,
       count(*) AS rows,
       any_value(n.document_rows) AS document_rows,
       list(g.row_no ORDER BY g.row_no)[1:10] AS first_row_nos,
       len(d.warnings) AS document_warnings
FROM gaps g
JOIN documents d USING (doc_id)
JOIN totals n USING (doc_id)
GROUP BY d.doc_id, d.source_file, d.issuer, g.reason, d.warnings
ORDER BY d.source_file, g.reason;
