"""Rows: a parser's grids and body lines → task rows with their lĩnh vực, before typing.

In: `parsers.grid.ParsedFile`. Out: `pipeline.rows.raw.RawTask` per row (cell texts by field,
area, STT, provenance, warnings). Read `document.py` first (`file_tasks`), then `tables.py`
(grids: header, area headings, merged and continued cells), `narrative.py` (the "- "
bullets under the CCHC areas of a plan's body) and `prose.py` (the items its prose assigns to
an agency: "Giao Sở X chủ trì…:", agency headings, "Đơn vị chủ trì: …"); `areas.py` maps a
heading to its lĩnh vực I–VII.
"""
