"""Plain-text plans (.txt): lines → the phụ lục's grid in one of four layouts, plus body lines.

In: a .txt path (UTF-8, UTF-16, TCVN3/VNI). Out: `parsers.grid.ParsedFile`. Read `parse.py`
first (`parse_text`: decode, find the phụ lục, try the layouts), then `layouts.py` (tab rows,
one cell per line, a web table flattened with " |", a PDF text dump).
"""
from parsers.plaintext.parse import find_appendix, parse_text, read_lines

__all__ = ["find_appendix", "parse_text", "read_lines"]
