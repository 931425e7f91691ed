"""The Word package: refuse what cannot be a readable .docx, then open its XML parts.

check_package (encrypted, truncated, an old .doc under a .docx name, not Word, a part that
would inflate past the limit) → open_package (the package relationships lead to the parts,
`opc.py`; each is parsed with a plain lxml parser, no entities, no network).
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from parsers.docx.opc import parts_by_type
from parsers.errors import Corrupt, Encrypted

MAX_PART_BYTES = 200 * 1024 * 1024      # a part inflating past this is refused (zip bomb)
MAX_OLE_SCAN_BYTES = 64 * 1024 * 1024   # how much of an OLE container is searched for encryption
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")   # MS-OFFCRYPTO: an encrypted OOXML file
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_OFFICE_DOCUMENT, RT_STYLES, RT_NUMBERING = f"{RELS}/officeDocument", f"{RELS}/styles", f"{RELS}/numbering"
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

    The parts are found through the package relationships (`opc.py`, as python-docx's package
    reader finds them); the XML is parsed with a plain lxml parser (no entity resolution, no
    network): walking plain elements is several times faster than python-docx's element
    classes on a large table.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        parts = parts_by_type(path, parser, {RT_OFFICE_DOCUMENT, RT_STYLES, RT_NUMBERING})
        content_type, blob = parts.get(RT_OFFICE_DOCUMENT, ("(none)", None))
        if content_type not in WORD_MAIN_TYPES:
            raise Corrupt(path, f"a zip package but not a Word document (content type {content_type})")
        xml = {name: etree.fromstring(parts[rt][1], parser) if rt in parts else None
               for name, rt in (("styles", RT_STYLES), ("numbering", RT_NUMBERING))}
        return WordXml(etree.fromstring(blob, parser), **xml)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, etree.XMLSyntaxError) as exc:
        detail = " ".join(str(exc).split())[:160]
        raise Corrupt(path, f"damaged Word package ({type(exc).__name__}: {detail})") from None
