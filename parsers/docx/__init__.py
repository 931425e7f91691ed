"""DOCX plans: a Word file → grids of cells with provenance, plus body lines (a `ParsedFile`).

In: a .docx path. Out: `parsers.grid.ParsedFile`. Read `assemble.py` first (`parse_docx`),
then `reader.py` (paragraphs and tables → grid rows); `package.py` opens the zip safely,
`numbering.py` prints Word's list labels, `wordml.py` holds the XML names.
"""
from parsers.docx.assemble import parse_docx

__all__ = ["parse_docx"]
