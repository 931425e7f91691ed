"""Pick the parser for a file by its first bytes, not only its name (sqlite-utils style sniffing)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from parsers.errors import Corrupt, UnsupportedFormat
from parsers.grid import ParsedFile

SUFFIXES = {".txt": "txt", ".docx": "docx", ".pdf": "pdf", ".doc": "doc"}


def sniff(path: Path) -> str:
    """Given a file, return txt, docx, pdf or doc from its extension, checked against its bytes."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnsupportedFormat(path, f"unsupported file type {path.suffix or '(none)'}")
    with path.open("rb") as fh:
        start = fh.read(8)
    if not start:
        raise Corrupt(path, "empty file")
    expected = {"docx": b"PK\x03\x04", "pdf": b"%PDF", "doc": b"\xd0\xcf\x11\xe0"}.get(kind)
    if expected and not start.startswith(expected):
        raise Corrupt(path, f"not a {kind.upper()} file (its first bytes say otherwise)")
    return kind


def parser_for(kind: str) -> Callable[[Path], ParsedFile]:
    """Given a sniffed kind, return the function that parses such a file."""
    if kind == "txt":
        from parsers.text import parse_text

        return parse_text
    try:
        if kind == "docx":
            from parsers.docx import parse_docx as parse
        elif kind == "pdf":
            from parsers.pdf import parse_pdf as parse
        else:
            from parsers.doc import parse_doc as parse
    except ImportError:
        def parse(path: Path) -> ParsedFile:
            raise UnsupportedFormat(path, f"{kind.upper()} files are not supported yet")
    return parse


def parse_file(path: str | Path) -> ParsedFile:
    """Given any plan file, return what its parser makes of it (errors name the file)."""
    path = Path(path)
    return parser_for(sniff(path))(path)
