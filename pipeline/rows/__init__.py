"""Rows: a parser's grids and body lines → task rows with their lĩnh vực, before typing.

In: `parsers.grid.ParsedFile`. Out: `pipeline.rows.raw.RawTask` per row (cell texts by field,
area, STT, provenance, warnings). Read `document.py` first (`file_tasks`), then `tables.py`
(grids: header, area headings, merged and continued cells) and `narrative.py` (the "- "
bullets of a plan's body); `areas.py` maps a heading to its lĩnh vực I–VII.
"""
