"""The Word package: refuse what cannot be a readable .docx, then open its XML parts.

check_package (encrypted, truncated, an old .doc under a .docx name, not Word, a part whose
header says it would inflate past the limit) → open_package (the package relationships lead to
the document, styles and numbering parts; each is inflated to at most MAX_XML_BYTES, whatever
its header says, and parsed with a plain lxml parser: no entities, no network, bounded depth).
"""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from parsers.errors import Corrupt, Encrypted
from parsers.zipparts import PartMismatch, PartTooBig, UnreadableCompression, read_part

MAX_PART_BYTES = 200 * 1024 * 1024      # a part whose header says it inflates past this is refused (zip bomb)
# The XML the parser reads (document, styles, numbering) is read to at most this, whatever its header says:
# the largest real document.xml we have is 1 MB, and parsing XML costs ~12 bytes of memory per byte.
MAX_XML_BYTES = 32 * 1024 * 1024
MAX_XML_DEPTH = 256                     # libxml2's nesting cap without XML_PARSE_HUGE (lxml's huge_tree=False)
RT_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT, RT_STYLES, RT_NUMBERING = (RT_BASE + t for t in ("officeDocument", "styles", "numbering"))
MAX_OLE_SCAN_BYTES = 64 * 1024 * 1024   # how much of an OLE container is searched for encryption
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")   # MS-OFFCRYPTO: an encrypted OOXML file
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}


def check_package(path: Path) -> None:
    """Given a .docx path, raise Encrypted or Corrupt when it cannot be a readable Word package."""
    with path.open("rb") as fh:
        start = fh.read(8)
        if start.startswith(OLE_MAGIC[:4]):
            if ENCRYPTED_STREAM in fh.read(MAX_OLE_SCAN_BYTES):
                raise Encrypted(path, "password-protected Word file: remove the password in Word and save again")
            raise Corrupt(path, "an old binary Word 97-2003 file named .docx: rename it to .doc")
    if not zipfile.is_zipfile(path):
        if start.startswith(b"PK"):
            raise Corrupt(path, "truncated or damaged: the zip directory at the end of the file is missing")
        raise Corrupt(path, "not a Word file: neither a zip package nor an OLE container")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Corrupt(path, f"damaged zip archive ({exc})") from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise Corrupt(path, "a zip archive but not a Word document (no word/ part)")
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise Corrupt(path, f"{info.filename} would inflate to {_size(info.file_size)}, "
                                f"over the {_size(MAX_PART_BYTES)} limit")


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


@dataclass
class WordXml:
    """The parts of a Word package the parser reads, as plain lxml trees (None when absent)."""

    document: object
    styles: object = None
    numbering: object = None


def open_package(path: Path) -> WordXml:
    """Given a checked .docx path, return its document, styles and numbering XML (errors are Corrupt).

    The parts are found through the package's relationships (_rels/.rels → the main document →
    its styles and numbering) and only those are read, each through `parsers.zipparts.read_part`
    (at most MAX_XML_BYTES, whatever the zip header says); media are never inflated. The XML is
    parsed with a plain lxml parser: no entities, no network, and libxml2's own cap of
    MAX_XML_DEPTH levels of nesting (walking plain elements is several times faster than
    python-docx's element classes on a large table).
    """
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            main = _target(archive, "", RT_OFFICE_DOCUMENT)
            content_type = _content_type(archive, main)
            if main is None or content_type not in WORD_MAIN_TYPES:
                raise Corrupt(path, f"a zip package but not a Word document (content type {content_type or '(none)'})")
            parts = {"document": main, "styles": _target(archive, main, RT_STYLES),
                     "numbering": _target(archive, main, RT_NUMBERING)}
            xml = {key: _xml(archive, name) if name else None for key, name in parts.items()}
    except PartTooBig as exc:
        raise Corrupt(path, f"{exc.args[0]} inflates past {_size(exc.args[1])} of XML, more than a plan could"
                            " need: refused") from None
    except (PartMismatch, UnreadableCompression) as exc:
        raise Corrupt(path, str(exc)) from None
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise Corrupt(path, f"XML nested more than {MAX_XML_DEPTH} levels deep: refused") from None
        raise Corrupt(path, f"damaged Word package ({_detail(exc)})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError) as exc:
        raise Corrupt(path, f"damaged Word package ({_detail(exc)})") from None
    if xml["document"] is None:
        raise Corrupt(path, "a Word package without its main document part")
    return WordXml(**xml)


def _detail(exc: Exception) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"


def _xml(archive: zipfile.ZipFile, name: str):
    """Given a part name, return its parsed XML, or None when the package lacks the part."""
    from lxml import etree

    try:
        data = read_part(archive, name, MAX_XML_BYTES)
    except KeyError:
        return None
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _rels_name(source: str) -> str:
    """Given a part name ("" for the package), return the name of its relationships part."""
    folder, _, base = source.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _target(archive: zipfile.ZipFile, source: str, reltype: str) -> str | None:
    """Given a source part and a relationship type, return the zip name of the part it points to, or None."""
    rels = _xml(archive, _rels_name(source))
    if rels is None:
        return None
    for rel in rels.iter("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"):
        if rel.get("Type") == reltype and rel.get("TargetMode") != "External" and rel.get("Target"):
            target = rel.get("Target")
            base = "" if target.startswith("/") else posixpath.dirname(source)
            name = posixpath.normpath(posixpath.join(base, target.lstrip("/")))
            return _member(archive, name)
    return None


def _member(archive: zipfile.ZipFile, name: str) -> str | None:
    """Given a part name, return the zip member that holds it (part names are case-insensitive), or None."""
    names = {n.lower(): n for n in archive.namelist()}
    return names.get(name.lower())


def _content_type(archive: zipfile.ZipFile, name: str | None) -> str | None:
    """Given a part, return its content type from [Content_Types].xml (an Override, else its extension's Default)."""
    types = _xml(archive, "[Content_Types].xml")
    if types is None or name is None:
        return None
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    for override in types.iter(ns + "Override"):
        if (override.get("PartName") or "").lstrip("/").lower() == name.lower():
            return override.get("ContentType")
    extension = name.rpartition(".")[2].lower()
    for default in types.iter(ns + "Default"):
        if (default.get("Extension") or "").lower() == extension:
            return default.get("ContentType")
    return None
