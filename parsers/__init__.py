"""Parsers: a plan file → a `ParsedFile` (tables as grids of cells with provenance, plus body lines).

In: a path. Out: `parsers.grid.ParsedFile`, or a `parsers.errors.ParseError` naming the file.
Read `registry.py` first (which parser, by the file's bytes), then `grid.py` (the shape every
parser returns). One package per format: `plaintext/`, `docx/` (and `doc.py`, via LibreOffice),
`pdf/`. `headers.py` recognises a task table's header row and names its columns (`cellroles.py`
reads an unnamed column from its cells); `textutil/` is the floor below all.
Parsers know nothing of areas, typed fields, Parquet or SQL.
"""
