-- int_field_syllables: one row per compared field (int_row_fields), its text's syllables (int_text_syllables),
-- to read how a field was cut; the terms are counted from int_text_syllables, once per text.
CREATE OR REPLACE VIEW int_field_syllables AS
SELECT f.unit_id, f.scope_id, f.field, f.weight, s.syllables
FROM int_row_fields f
JOIN int_text_syllables s USING (text);
