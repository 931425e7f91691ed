-- int_framework_items: one row per hoạt động of a framework row. A phụ lục cell often holds several
-- hoạt động run together ("Ban hành Kế hoạch kiểm tra CCHC 3.19. Thông báo lịch kiểm tra …"); when the
-- pieces between the printed codes are as many as the row's activity_codes they become one item each,
-- else the row stays one item with all its codes. item_no counts from 1; activity_code is the item's code.
CREATE OR REPLACE VIEW int_framework_items AS
WITH pieces AS (
    SELECT f.framework_doc_id, f.framework_row_no, f.activity_codes,
           -- a hoạt động code followed by its dot starts the next hoạt động: "… CCHC 3.19. Thông báo …"
           regexp_split_to_array(f.activity, '\s+\d+\.\d+\.\s+') AS texts,
           coalesce(len(f.activity_codes) > 1
                    AND len(regexp_split_to_array(f.activity, '\s+\d+\.\d+\.\s+')) = len(f.activity_codes),
                    false) AS split
    FROM stg_framework_rows f
)
SELECT framework_doc_id, framework_row_no, i.item_no::INTEGER AS item_no,
       activity_codes[i.item_no] AS activity_code, texts[i.item_no] AS activity
FROM pieces, range(1, len(activity_codes) + 1) AS i(item_no)
WHERE split
UNION ALL
SELECT framework_doc_id, framework_row_no, 1, activity_codes[1], array_to_string(texts, ' ')
FROM pieces
WHERE NOT split;
