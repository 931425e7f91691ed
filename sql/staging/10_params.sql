-- alignment_params: one row holding every weight and threshold the alignment views use; change them here only.
-- Scores are cosines of TF-IDF vectors (or a mix of two), so every threshold is a number between 0 and 1.
CREATE OR REPLACE VIEW alignment_params AS
SELECT
    -- how much a syllable counts, by the field it is read from
    0.25::DOUBLE AS weight_objective,   -- mục tiêu / chỉ tiêu: states a target and is shared by several nhiệm vụ
    1.0::DOUBLE  AS weight_task,        -- nhiệm vụ
    1.0::DOUBLE  AS weight_activity,    -- hoạt động, or nội dung when the row has neither
    0.5::DOUBLE  AS weight_product,     -- sản phẩm / kết quả / tài liệu kiểm chứng: lower weight
    1.0::DOUBLE  AS weight_bigram,      -- a two-syllable term (Vietnamese words span syllables) against a unigram
    1.0::DOUBLE  AS max_df_ratio,       -- a term in more than this share of a framework's units is left out of scores
    -- a nhiệm vụ's score mixes the best cosine with one of its hoạt động (this share) and the cosine with
    -- the nhiệm vụ's own text (the rest): a row echoing one sub-activity of an unrelated nhiệm vụ scores low
    0.5::DOUBLE  AS weight_hoat_dong_match,
    0.35::DOUBLE AS strong_min,         -- score from which a match is strong
    0.25::DOUBLE AS weak_min,           -- score from which a match is weak; below it the band is none
    0.40::DOUBLE AS cross_area_min,     -- a framework row of another area is a candidate only from this score
    50::INTEGER  AS cross_area_max_df,  -- ... and only when it shares a term held by at most this many units
    3::INTEGER   AS top_k,              -- framework matches kept per department row and level
    -- nhiệm vụ level: when the best candidate gives the department only the other role, candidates from this score
    -- that give it the row's role come first (its own work: a nhiệm vụ it is chủ trì of; "phối hợp …": phối hợp)
    0.25::DOUBLE AS role_first_min,
    -- cchc review: a row needs a look when its best match is weak, or the second is this close behind it
    0.05::DOUBLE AS review_margin,
    -- two versions of a plan: rows pair up from this cosine (same part, one-to-one, most similar first)
    0.5::DOUBLE  AS version_match_min;
