"""Pick the parser for a file by its first bytes, not only its name (sqlite-utils style sniffing)."""
from __future__ import annotations

import importlib.util
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
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
SNIFF_BYTES = 64 * 1024            # how much of a file is read to say what it is
WORD_STREAM = "WordDocument".encode("utf-16-le")          # an OLE container holding a Word 97-2003 file
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # …or a password-protected .docx
# What the bytes can be, in words for the warning, and the parser that reads each.
CONTENT = {"docx": "a Word .docx package", "pdf": "a PDF", "doc": "an old binary Word (.doc) file",
           "rtf": "RTF", "html": "a web page (HTML)", "odt": "an OpenDocument text", "txt": "plain text"}
PARSER_OF = {"docx": "docx", "pdf": "pdf", "doc": "doc", "rtf": "doc", "html": "doc", "odt": "doc", "txt": "txt"}
_HTML_STARTS = (b"<!doctype html", b"<html", b"mime-version:", b"<?xml")


@dataclass(frozen=True)
class Sniffed:
    """What a file is read as, and the warning when its name says something else (None when they agree)."""

    kind: str
    warning: str | None = None


def sniff(path: Path) -> str:
    """Given a file, return txt, docx, pdf or doc: the parser its bytes call for."""
    return sniff_file(path).kind


def sniff_file(path: Path) -> Sniffed:
    """Given a file, return the parser its bytes call for, with a warning when its extension says otherwise.

    A .docx named .doc is read as a .docx, a PDF named .txt as a PDF, RTF or a web page saved
    under a Word name goes to LibreOffice like a .doc. Bytes that are none of these keep the
    extension's parser when they may still be one (a truncated zip), else fail naming the file.
    """
    named = SUFFIXES.get(path.suffix.lower())
    if named is None:
        raise UnsupportedFormat(path, f"unsupported file type {path.suffix or '(none)'}")
    with path.open("rb") as fh:
        start = fh.read(SNIFF_BYTES)
    if not start:
        raise Corrupt(path, "empty file")
    content = content_kind(path, start)
    if content is None or (named == "txt" and content == "html"):
        if named == "txt" or (named == "docx" and start.startswith(b"PK")):
            return _checked(path, Sniffed(named))
        raise Corrupt(path, f"not a {named.upper()} file (its first bytes say otherwise)")
    if content == "ole" and named in ("doc", "docx"):
        return _checked(path, Sniffed(named))     # an OLE container its parser looks into
    if content == "ole":
        raise Corrupt(path, f"not a {named.upper()} file (an Office container of another kind)")
    kind = PARSER_OF[content]
    if content == named:
        return _checked(path, Sniffed(kind))
    how = "converted with LibreOffice" if kind == "doc" else f"read as {kind.upper()}"
    return _checked(path, Sniffed(kind, f"named {path.suffix} but its bytes are {CONTENT[content]}: {how}"))


def _checked(path: Path, sniffed: Sniffed) -> Sniffed:
    if sniffed.kind == "docx":
        check_zip(path)
    return sniffed


def content_kind(path: Path, start: bytes) -> str | None:
    """Given a file's first bytes, return what they are (a key of CONTENT, or "ole": an Office container
    of unknown content), or None when none of these."""
    head = start.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if start.startswith(b"%PDF") or head.startswith(b"%pdf"):
        return "pdf"
    if start.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if start.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in start:
            return "docx"                    # a password-protected .docx: its parser says so
        return "doc" if WORD_STREAM in start else "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_HTML_STARTS) and (b"<html" in start[:4096].lower() or b"w:worddocument" in start.lower()):
        return "html"
    return "txt" if _is_text(start) else None


def _zip_kind(path: Path) -> str | None:
    """Given a zip file, return docx (a Word package), odt (OpenDocument text), or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names or any(n.startswith("word/") for n in names):
                return "docx"
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    return None


def _is_text(start: bytes) -> bool:
    """Say whether bytes read as text: a UTF-16 BOM, or UTF-8 without control characters."""
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        text = start.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(start) - 4:       # a character cut at the end of the sample is fine
            return False
        text = start[: exc.start].decode("utf-8")
    return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)


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
    """Given any plan file, return what its parser makes of it (errors name the file).

    A file whose bytes are not what its extension says is read as what its bytes say, and the
    document's warnings say so first.
    """
    path = Path(path)
    sniffed = sniff_file(path)
    parsed = parser_for(sniffed.kind)(path)
    if sniffed.warning:
        parsed.warnings.insert(0, sniffed.warning)
    return parsed
