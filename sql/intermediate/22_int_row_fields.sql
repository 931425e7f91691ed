-- int_row_fields: one row per non-empty text field of a compared unit, with the field's weight (and the unit's
-- scope, so that reading one scope reads only its units).
CREATE OR REPLACE VIEW int_row_fields AS
WITH fields AS (
    SELECT u.unit_id, u.scope_id,
           unnest([
               {'field': 'objective', 'text': u.objective, 'weight': p.weight_objective},
               {'field': 'task', 'text': u.task, 'weight': p.weight_task},
               {'field': 'activity', 'text': u.activity, 'weight': p.weight_activity},
               {'field': 'content', 'text': u.content, 'weight': p.weight_activity},
               {'field': 'product', 'text': u.product, 'weight': p.weight_product}
           ]) AS f
    FROM int_units u, alignment_params p
)
SELECT unit_id, scope_id, f.field AS field, f.weight AS weight, f.text AS text
FROM fields
-- not empty once trimmed: ltrim leaves nothing exactly when trim does, and stops at the first letter (trim reads
-- every character of the text to find its end: 0.35 s of the national build)
WHERE ltrim(f.text) <> '';
