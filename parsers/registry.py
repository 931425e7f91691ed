"""Pick the parser for a file by its first bytes, not only its name (sqlite-utils style sniffing)."""
from __future__ import annotations

import importlib.util
import zipfile
from collections.abc import Callable
from pathlib import Path

from parsers.errors import Corrupt, UnsupportedFormat
from parsers.grid import ParsedFile

SUFFIXES = {".txt": "txt", ".docx": "docx", ".pdf": "pdf", ".doc": "doc"}
# A DOCX is a zip: refuse one that would inflate past these before any parser opens it (zip bomb).
# Real plans stay far below: the largest word/document.xml we have seen is a few MB, media included.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_INFLATE_RATIO = 200            # for members over BIG_MEMBER_BYTES; XML rarely compresses 30:1
BIG_MEMBER_BYTES = 8 * 1024 * 1024


OLE_MAGIC = b"\xd0\xcf\x11\xe0"


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
    if kind == "docx" and start.startswith(OLE_MAGIC):
        return kind                  # a password-protected .docx is an OLE container: the parser says so
    if expected and not start.startswith(expected):
        raise Corrupt(path, f"not a {kind.upper()} file (its first bytes say otherwise)")
    if kind == "docx":
        check_zip(path)
    return kind


def check_zip(path: Path) -> None:
    """Given a zip-based file, raise Corrupt when it would inflate past the limits (a zip bomb).

    The sizes come from the zip's central directory; Python's zipfile never returns more than
    the declared size of a member (a lying header ends in a CRC error), so the check bounds what
    any parser built on zipfile can be made to inflate. A zip too damaged to open is left for
    the parser to report: nothing can be inflated from it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        return
    if len(members) > MAX_ZIP_MEMBERS:
        raise Corrupt(path, f"zip bomb: {len(members)} parts (limit {MAX_ZIP_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise Corrupt(path, f"zip bomb: its parts would inflate to {_mb(total)}, over the {_mb(MAX_UNZIPPED_BYTES)}"
                            " limit")
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > BIG_MEMBER_BYTES and ratio > MAX_INFLATE_RATIO:
            raise Corrupt(path, f"zip bomb: {m.filename} would inflate {ratio:.0f}:1 to {_mb(m.file_size)}, over the"
                                f" {MAX_INFLATE_RATIO}:1 limit for parts above {_mb(BIG_MEMBER_BYTES)}")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def available_kinds() -> list[str]:
    """Return the kinds of file a parser exists for now (txt always; docx, pdf, doc once written)."""
    return ["txt"] + [kind for kind in ("docx", "pdf", "doc") if importlib.util.find_spec(f"parsers.{kind}")]


def parser_for(kind: str) -> Callable[[Path], ParsedFile]:
    """Given a sniffed kind, return the function that parses such a file."""
    if kind == "txt":
        from parsers.plaintext import parse_text

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
