"""The parts of a Word package by relationship type, read straight from the zip (Open Packaging Conventions).

What python-docx's `PackageReader` gives the parser, without importing python-docx (a tenth
of a second of every `cchc parse`): the relationship graph is walked from the package's own
relationships, depth first, each part once, in the order the .rels files list them, and
each part gets its content type from [Content_Types].xml (an Override for its name, else the
Default for its extension, both without regard to case). A later part of a relationship type
replaces an earlier one, as in the parser's use of python-docx.
"""
from __future__ import annotations

import posixpath
import zipfile

RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
EXTERNAL = "External"


def rels_name(partname: str) -> str:
    """Given a part name ("/word/document.xml", or "/" for the package), return its .rels part's name."""
    base, filename = posixpath.split(partname)
    return posixpath.join(base, "_rels", f"{filename}.rels")


def content_types(xml: bytes, parser) -> tuple[dict[str, str], dict[str, str]]:
    """Given [Content_Types].xml, return its overrides by part name and defaults by extension, lower-cased."""
    from lxml import etree

    types = etree.fromstring(xml, parser)
    overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in types.iter(f"{CONTENT_TYPES}Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{CONTENT_TYPES}Default")}
    return overrides, defaults


def _relationships(archive: zipfile.ZipFile, partname: str, parser) -> list[tuple[str, str]]:
    """Given a part, return (relationship type, target part name) for each of its internal relationships."""
    from lxml import etree

    try:
        xml = archive.read(rels_name(partname)[1:])
    except KeyError:
        return []
    base = posixpath.split(partname)[0]
    out = []
    for rel in etree.fromstring(xml, parser).iterchildren(RELATIONSHIPS):
        if rel.get("TargetMode") == EXTERNAL:
            continue
        out.append((rel.get("Type"), posixpath.abspath(posixpath.join(base, rel.get("Target")))))
    return out


def parts_by_type(path, parser, wanted: set[str]) -> dict[str, tuple[str, bytes]]:
    """Given a .docx, return {relationship type: (content type, bytes)} of the wanted parts its relationships reach.

    Raises KeyError for any part that is named but missing, or has no content type.
    """
    with zipfile.ZipFile(path) as archive:
        overrides, defaults = content_types(archive.read("[Content_Types].xml"), parser)
        found: dict[str, tuple[str, bytes]] = {}
        visited: set[str] = set()
        stack = [iter(_relationships(archive, "/", parser))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                continue
            reltype, partname = step
            if partname in visited:
                continue
            visited.add(partname)
            content_type = overrides.get(partname.lower())
            if content_type is None:
                content_type = defaults.get(posixpath.splitext(partname)[1][1:].lower())
            if content_type is None:
                raise KeyError(f"no content type for partname '{partname}' in [Content_Types].xml")
            member = archive.getinfo(partname[1:])           # KeyError: named but missing
            if reltype in wanted:
                found[reltype] = (content_type, archive.read(member))
            stack.append(iter(_relationships(archive, partname, parser)))
    return found
