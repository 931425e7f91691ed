-- int_framework_items: one row per hoạt động of a framework row. A phụ lục cell often holds several hoạt động
-- run together ("Ban hành Kế hoạch kiểm tra CCHC 3.19. Thông báo lịch kiểm tra …"): each code becomes an item
-- with its own text (macro code_pieces: a lead-in before the first printed code is kept with each). A row without
-- hoạt động codes is one item with its hoạt động text (or none) and no code. item_no counts from 1.
CREATE OR REPLACE TABLE int_framework_items AS
SELECT f.framework_doc_id, f.framework_row_no, p.item_no::INTEGER AS item_no,
       p.piece.code AS activity_code, p.piece.text AS activity
FROM stg_framework_rows f,
     unnest(code_pieces(f.activity, f.activity_codes)) WITH ORDINALITY AS p(piece, item_no);
