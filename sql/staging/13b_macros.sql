-- Macros the staging and intermediate views share: how a cell holding several codes is cut into one piece per
-- code, the key a framework row without a nhiệm vụ code is shown by, and the normalized text a review is keyed by.

-- code_split(text, codes): the text cut at every printed code of the list ("… 2.18. Tiếp tục …" → two pieces);
-- a code counts only as a whole word followed by its dot or a space, so "3.1" never cuts "3.10".
CREATE OR REPLACE MACRO code_split(text, codes) AS
    CASE WHEN len(codes) = 0 THEN [coalesce(text, '')]
         ELSE regexp_split_to_array(coalesce(text, ''),
                  '(?:^|\s+)(?:' || array_to_string(list_transform(codes, lambda c: replace(c, '.', '\.')), '|')
                  || ')\.?(?:\s+|$)') END;

-- code_pieces(text, codes): one {code, text} per code of a cell, each with its own text. The parser has already
-- cut the first code off the cell ("2.17. Đảm bảo …" → "Đảm bảo … 2.18. Tiếp tục …"), so as many pieces as codes
-- pair up in order; one piece more means a lead-in before the first printed code ("Tổ chức: 3.5. … 3.6. …"),
-- kept with each piece; any other count (a code printed twice, a number that looks like one) leaves the whole
-- cell to every code rather than guess. No codes: one piece with a NULL code.
CREATE OR REPLACE MACRO code_pieces(text, codes) AS
    CASE WHEN len(codes) = 0 THEN [{'code': NULL::VARCHAR, 'text': text}]
         -- the cell is cut once, and its pieces passed to a lambda (a macro repeats its argument wherever it is
         -- used: cutting again at each use compiled the pattern 2 + 2 × codes times a row, 4× the time)
         ELSE list_transform([code_split(text, codes)], lambda pieces:
             CASE WHEN len(pieces) = len(codes) + 1
                      THEN list_transform(range(1, len(codes) + 1), lambda i: {'code': codes[i], 'text':
                               nullif(trim(concat_ws(' ', nullif(trim(pieces[1]), ''), pieces[i + 1])), '')})
                  WHEN len(pieces) = len(codes)
                      THEN list_transform(range(1, len(codes) + 1), lambda i: {'code': codes[i], 'text':
                               nullif(trim(pieces[i]), '')})
                  ELSE list_transform(codes, lambda c: {'code': c, 'text': text}) END)[1] END;

-- roman(area_code): lĩnh vực 1–7 as printed in the plans (I … VII).
CREATE OR REPLACE MACRO roman(area_code) AS
    ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'][area_code];

-- printed_key(area_code, subarea, stt, row_no): how an analyst finds a framework row that has no nhiệm vụ code:
-- the lĩnh vực and the last number printed in its STT ("VI.10"; "7.2.1" under sub-area 7.2), else its STT as
-- printed, else '#<row_no>'.
CREATE OR REPLACE MACRO printed_key(area_code, subarea, stt, row_no) AS
    CASE WHEN nullif(regexp_extract(coalesce(stt, ''), '(\d+)\D*$', 1), '') IS NULL
             THEN coalesce(nullif(trim(stt), ''), '#' || row_no)
         WHEN nullif(regexp_extract(coalesce(subarea, ''), '^\s*(\d+\.\d+)', 1), '') IS NOT NULL
             THEN regexp_extract(subarea, '^\s*(\d+\.\d+)', 1) || '.'
                  || regexp_extract(stt, '(\d+)\D*$', 1)::INTEGER
         WHEN area_code BETWEEN 1 AND 7
             THEN roman(area_code) || '.' || regexp_extract(stt, '(\d+)\D*$', 1)::INTEGER
         ELSE trim(stt) END;

-- text_key(text): a row's text as a review remembers it: lower case, every run of punctuation and spaces one
-- space, so that re-typing a comma or a line break does not lose the review; then the first 16 hex of its md5.
-- lowered_key(lowered) is the same of a text already lower-cased (for a view that lower-cases it for another use
-- too). Its pattern is '[^\p{L}\p{N}]+' less the runs that are one plain space already: those are left as they
-- are, which is what replacing them would give, and each match costs RE2 a call (a match per word was 0.6 s of
-- the national build's 1 s of keys; tests/test_alignment_reviews.py holds the two patterns to the same keys).
CREATE OR REPLACE MACRO lowered_key(lowered) AS
    left(md5(trim(regexp_replace(coalesce(lowered, ''), '[^\p{L}\p{N}]{2,}|[^\p{L}\p{N} ]', ' ', 'g'))), 16);

CREATE OR REPLACE MACRO text_key(text) AS
    lowered_key(lower(text));

-- list_unique(l): the list without repeats, in the order of first appearance (list_distinct does not keep order).
CREATE OR REPLACE MACRO list_unique(l) AS
    list_filter(l, lambda x, i: list_position(l, x) = i);
