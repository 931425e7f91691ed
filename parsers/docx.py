"""Parse a Word plan (.docx): task tables as grids of cells, paragraphs as body lines.

check_package (encrypted, truncated, not Word, zip bomb) → open_package (python-docx's package
reader, plain lxml trees) → DocReader.blocks (paragraphs and tables in document order, walking
w:tbl/w:tr/w:tc directly: merged cells, Word numbering labels, legacy TCVN3/VNI fonts) →
assemble (task tables picked by their header, split tables stitched, the text before the phụ
lục kept as body lines) → the same `ParsedFile` the text parser gives.

In a grid a cell is "" when empty and None when merged with the row above (vMerge
continue); a cell spanning several columns (gridSpan) keeps its text in its first column,
the columns it covers hold "" and `GridRow.spans` records the span. `Grid.table_index`
counts the document's tables from 0 in document order (nested ones included);
`GridRow.source_row` is the row's 1-based position in its Word table; `page` is the page
Word last rendered it on (w:lastRenderedPageBreak), None when the file does not say.
Text boxes and deleted (tracked) text are not read.
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parsers.errors import Corrupt, Encrypted
from parsers.grid import BodyLine, Grid, GridRow, ParsedFile
from parsers.headers import header_map
from parsers.text import find_appendix
from parsers.textclean import clean

MAX_PART_BYTES = 200 * 1024 * 1024      # a part inflating past this is refused (zip bomb)
MAX_OLE_SCAN_BYTES = 64 * 1024 * 1024   # how much of an OLE container is searched for encryption
HEADER_SEARCH_ROWS = 5                  # a task table's header sits in its first rows
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")   # MS-OFFCRYPTO: an encrypted OOXML file
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_TBL, W_TR, W_TC, W_R, W_T = (_W + t for t in ("p", "tbl", "tr", "tc", "r", "t"))
W_TAB, W_PTAB, W_BR, W_CR, W_NBH = (_W + t for t in ("tab", "ptab", "br", "cr", "noBreakHyphen"))
W_LRPB = _W + "lastRenderedPageBreak"
W_PPR, W_RPR, W_TRPR, W_TCPR = (_W + t for t in ("pPr", "rPr", "trPr", "tcPr"))
W_PSTYLE, W_RSTYLE, W_RFONTS, W_NUMPR = (_W + t for t in ("pStyle", "rStyle", "rFonts", "numPr"))
W_NUMID, W_ILVL, W_VAL = _W + "numId", _W + "ilvl", _W + "val"
W_GRIDSPAN, W_VMERGE, W_HMERGE = _W + "gridSpan", _W + "vMerge", _W + "hMerge"
W_GRIDBEFORE, W_TBLGRID, W_GRIDCOL = _W + "gridBefore", _W + "tblGrid", _W + "gridCol"
W_ASCII, W_HANSI = _W + "ascii", _W + "hAnsi"
# Elements that only wrap content (content controls, tracked insertions, links, custom XML).
_WRAPPERS = {_W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins",
                              "fldSimple", "moveTo", "dir", "bdo")}


# --- the package: errors before anything is parsed ----------------------------------------------

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

    python-docx's package reader resolves the parts through the package relationships; the XML
    is then parsed with a plain lxml parser (no entity resolution, no network): walking plain
    elements is several times faster than python-docx's element classes on a large table.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.exceptions import PackageNotFoundError
    from docx.opc.pkgreader import PackageReader
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        parts = {reltype: (content_type, blob)
                 for _, content_type, reltype, blob in PackageReader.from_file(str(path)).iter_sparts()}
        content_type, blob = parts.get(RT.OFFICE_DOCUMENT, ("(none)", None))
        if content_type not in WORD_MAIN_TYPES:
            raise Corrupt(path, f"a zip package but not a Word document (content type {content_type})")
        xml = {name: etree.fromstring(parts[rt][1], parser) if rt in parts else None
               for name, rt in (("styles", RT.STYLES), ("numbering", RT.NUMBERING))}
        return WordXml(etree.fromstring(blob, parser), **xml)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, etree.XMLSyntaxError,
            PackageNotFoundError) as exc:
        detail = " ".join(str(exc).split())[:160]
        raise Corrupt(path, f"damaged Word package ({type(exc).__name__}: {detail})") from None


# --- styles and numbering ------------------------------------------------------------------------

def _val(parent, tag: str) -> str | None:
    child = parent.find(tag) if parent is not None else None
    return child.get(W_VAL) if child is not None else None


def _int(value: str | None, default: int) -> int:
    """Given an attribute value, return it as an int, or default when absent or malformed."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class Styles:
    """The style sheet, for what a paragraph inherits: numbering (numPr) and run font."""

    def __init__(self, element):
        self._styles = {}
        self._fonts: dict[str | None, str | None] = {}
        self._numbering: dict[str | None, tuple[str | None, int] | None] = {}
        self.default_paragraph = None
        self.default_font = None
        if element is None:
            return
        for style in element.iter(_W + "style"):
            self._styles[style.get(_W + "styleId")] = style
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true", "on"):
                self.default_paragraph = style.get(_W + "styleId")
        defaults = element.find(f"{_W}docDefaults/{_W}rPrDefault/{W_RPR}")
        self.default_font = _font_of(defaults)

    def _chain(self, style_id: str | None) -> Iterator:
        seen = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style
            style_id = _val(style, _W + "basedOn")

    def num_pr(self, style_id: str | None) -> tuple[str | None, int] | None:
        """Given a paragraph style id, return the (numId, ilvl) it numbers with, or None."""
        if style_id not in self._numbering:
            self._numbering[style_id] = None
            for style in self._chain(style_id or self.default_paragraph):
                num_pr = style.find(f"{W_PPR}/{W_NUMPR}")
                if num_pr is not None:
                    self._numbering[style_id] = (_val(num_pr, W_NUMID), _int(_val(num_pr, W_ILVL), 0))
                    break
        return self._numbering[style_id]

    def font(self, style_id: str | None) -> str | None:
        """Given a style id (None: the default paragraph style), return its run font name."""
        if style_id not in self._fonts:
            found = next((f for s in self._chain(style_id or self.default_paragraph)
                          if (f := _font_of(s.find(W_RPR)))), None)
            self._fonts[style_id] = found or self.default_font
        return self._fonts[style_id]

    def legacy_fonts(self) -> bool:
        """Return True when a style uses a TCVN3 (.Vn…) or VNI font."""
        from pipeline.legacy_encoding import encoding_from_font

        fonts = [_font_of(s.find(W_RPR)) for s in self._styles.values()] + [self.default_font]
        return any(encoding_from_font(f) for f in fonts if f)


def _paragraph_props(ppr) -> tuple[str | None, tuple[str | None, str | None] | None]:
    """Given a w:pPr, return (style id, (numId, ilvl) or None)."""
    style = num_pr = None
    for prop in ppr:
        tag = prop.tag
        if tag == W_PSTYLE:
            style = prop.get(W_VAL)
        elif tag == W_NUMPR:
            num_pr = (_val(prop, W_NUMID), _val(prop, W_ILVL))
    return style, num_pr


def _cell_props(tcpr) -> tuple[int, str | None, str | None]:
    """Given a w:tcPr, return (gridSpan, vMerge, hMerge), merges as "restart", "continue" or None."""
    span, vmerge, hmerge = 1, None, None
    for prop in tcpr:
        tag = prop.tag
        if tag == W_GRIDSPAN:
            span = max(_int(prop.get(W_VAL), 1), 1)
        elif tag == W_VMERGE:
            vmerge = prop.get(W_VAL) or "continue"
        elif tag == W_HMERGE:
            hmerge = prop.get(W_VAL) or "continue"
    return span, vmerge, hmerge


def _font_of(rpr) -> str | None:
    """Given a w:rPr, return its w:rFonts ascii (else hAnsi) font name, or None."""
    fonts = rpr.find(W_RFONTS) if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(W_ASCII) or fonts.get(W_HANSI)


@dataclass(frozen=True)
class Level:
    """One level of a numbering definition (w:lvl)."""

    fmt: str = "decimal"       # w:numFmt: decimal, upperRoman, lowerLetter, bullet, none…
    text: str = "%1."          # w:lvlText, "%1" standing for this list's level-1 counter
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False         # w:isLgl: every %n printed as a decimal
    suffix: str = " "           # tab or space → " ", nothing → ""


def _level(lvl) -> Level:
    restart = _val(lvl, _W + "lvlRestart")
    return Level(
        fmt=_val(lvl, _W + "numFmt") or "decimal",
        text=_val(lvl, _W + "lvlText") if lvl.find(_W + "lvlText") is not None else "",
        start=_int(_val(lvl, _W + "start"), 1),
        restart=_int(restart, 0) if restart is not None else None,
        legal=lvl.find(_W + "isLgl") is not None and _val(lvl, _W + "isLgl") not in ("0", "false"),
        suffix="" if _val(lvl, _W + "suff") == "nothing" else " ",
    )


def _roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """Given a counter and a w:numFmt, return the number as Word prints it (3, upperRoman → "III")."""
    if fmt in ("upperRoman", "lowerRoman"):
        text = _roman(n) if n > 0 else str(n)
        return text if fmt == "upperRoman" else text.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        if n <= 0:
            return str(n)
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)   # Word: …, z, aa, bb
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """numbering.xml: turns (numId, ilvl) into the label Word prints, counting in document order.

    Counters belong to the abstract definition, so lists sharing one continue each other;
    a w:num with a startOverride restarts its level the first time it is used.
    """

    def __init__(self, element, styles: Styles):
        self._abstract: dict[str, dict[int, Level]] = {}
        self._links: dict[str, str] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self._counts: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        self._styles = styles
        if element is None:
            return
        for abstract in element.iter(_W + "abstractNum"):
            aid = abstract.get(_W + "abstractNumId")
            self._abstract[aid] = {_int(lvl.get(W_ILVL), 0): _level(lvl) for lvl in abstract.iter(_W + "lvl")}
            link = _val(abstract, _W + "numStyleLink")
            if link:
                self._links[aid] = link
        for num in element.iter(_W + "num"):
            starts, levels = {}, {}
            for override in num.iter(_W + "lvlOverride"):
                ilvl = _int(override.get(W_ILVL), 0)
                start = _val(override, _W + "startOverride")
                if start is not None:
                    starts[ilvl] = _int(start, 1)
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self._nums[num.get(W_NUMID)] = (_val(num, _W + "abstractNumId"), starts, levels)

    def _levels(self, num_id: str) -> tuple[str, dict[int, Level]] | None:
        if num_id not in self._nums:
            return None
        aid, _, overrides = self._nums[num_id]
        levels = self._abstract.get(aid, {})
        if not levels and aid in self._links:          # a list defined by a numbering style
            linked = self._styles.num_pr(self._links[aid])
            if linked and linked[0] != num_id and linked[0] in self._nums:
                aid = self._nums[linked[0]][0]
                levels = self._abstract.get(aid, {})
        return aid, {**levels, **overrides}

    def label(self, num_id: str | None, ilvl: int) -> str:
        """Given a paragraph's numId and level, count it and return its label ("II. ", "a) ", "- ", "")."""
        found = self._levels(num_id) if num_id not in (None, "0") else None
        if not found or ilvl not in found[1]:
            return ""
        aid, levels = found
        counts = self._counts.setdefault(aid, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for lvl, start in self._nums[num_id][1].items():
                counts[lvl] = start - 1
        level = levels[ilvl]
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl + 1 <= restart):
                del counts[deeper]
        if level.fmt == "bullet":
            return "- "
        text = level.text
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                shown = levels.get(k - 1, Level())
                n = counts.get(k - 1, shown.start)
                text = text.replace(f"%{k}", format_number(n, "decimal" if level.legal else shown.fmt))
        text = text.strip()
        return text + level.suffix if text else ""


# --- reading paragraphs and tables --------------------------------------------------------------

@dataclass
class Paragraph:
    """A paragraph outside the tables: its text lines (w:br splits lines)."""

    lines: list[str]
    number: int
    page: int | None


@dataclass
class Table:
    """A Word table read into grid rows (header rows included), with its nested tables."""

    index: int
    rows: list[GridRow]
    width: int
    first_paragraph: int = 0                  # the number of its first cell paragraph
    nested: list[Table] = field(default_factory=list)
    host: tuple[int, int] | None = None       # (row, column) of the cell holding a nested table
    header_at: int | None = None
    columns: dict[int, str] | None = None

    def lines(self) -> list[str]:
        """Return the table's text, cell by cell, one line per cell line (for layout tables)."""
        out = []
        for row in self.rows:
            for cell in row.cells:
                if cell:
                    out.extend(cell.split("\n"))
        return out


def _content(element) -> Iterator:
    """Given a container (body, cell, row), yield its children, looking through wrappers."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _content(child)
        else:
            yield child


def _runs(paragraph) -> Iterator:
    """Given a w:p, yield its runs in order, inside links, fields and insertions too."""
    for child in paragraph:
        tag = child.tag
        if tag == W_R:
            yield child
        elif tag in _WRAPPERS:
            yield from _runs(child)


class DocReader:
    """Reads one document's paragraphs and tables in order, keeping numbering counters and pages."""

    def __init__(self, numbering: Numbering, styles: Styles, legacy: bool, paged: bool):
        self.numbering = numbering
        self.styles = styles
        self.legacy = legacy
        self.paged = paged
        self.marks = 0            # rendered page breaks seen so far
        self.paragraphs = 0
        self.tables = 0

    @property
    def page(self) -> int | None:
        return self.marks + 1 if self.paged else None

    def blocks(self, container) -> Iterator[Paragraph | Table]:
        """Given the body (or any container), yield its paragraphs and tables in document order."""
        for child in _content(container):
            if child.tag == W_P:
                page = self.page
                text = self.paragraph(child)
                yield Paragraph([ln for ln in clean(text).split("\n") if ln], self.paragraphs, page)
            elif child.tag == W_TBL:
                yield self.table(child)

    def paragraph(self, p) -> str:
        """Given a w:p, return its text with its numbering label ("II. Cải cách…", "- …")."""
        self.paragraphs += 1
        style = num_pr = None
        parts: list[str] = []
        for child in p:
            tag = child.tag
            if tag == W_R:
                self._run(child, parts, style)
            elif tag == W_PPR:
                style, num_pr = _paragraph_props(child)
            elif tag in _WRAPPERS:
                for run in _runs(child):
                    self._run(run, parts, style)
        text = "".join(parts)
        label = self._label(num_pr, style) if num_pr is not None or style is not None else ""
        if label == "- " and not text.strip():
            return text
        return label + text

    def _run(self, run, parts: list[str], style: str | None) -> None:
        """Append a w:r's text to parts: tabs, breaks and hyphens as characters, legacy fonts decoded."""
        start = len(parts)
        for child in run:
            tag = child.tag
            if tag == W_T:
                if child.text:
                    parts.append(child.text)
            elif tag == W_TAB or tag == W_PTAB:
                parts.append("\t")
            elif tag == W_BR or tag == W_CR:
                parts.append("\n")
            elif tag == W_NBH:
                parts.append("-")
            elif tag == W_LRPB:
                self.marks += 1
        if self.legacy and len(parts) > start:
            parts[start:] = [self._unlegacy("".join(parts[start:]), run, style)]

    def _label(self, num_pr: tuple[str | None, str | None] | None, style: str | None) -> str:
        """Given a paragraph's (numId, ilvl) and style, count it and return its numbering label."""
        inherited = self.styles.num_pr(style) if num_pr is None or None in num_pr else None
        if num_pr is None:
            return self.numbering.label(*inherited) if inherited else ""
        num_id, ilvl = num_pr
        num_id = num_id if num_id is not None else (inherited or (None, 0))[0]
        ilvl = _int(ilvl, 0) if ilvl is not None else (inherited or (None, 0))[1]
        return self.numbering.label(num_id, ilvl)

    def _unlegacy(self, text: str, run, style: str | None) -> str:
        """Given a run's text, return it in Unicode when its font is a TCVN3 or VNI font."""
        from pipeline.legacy_encoding import encoding_from_font, fix_legacy_text

        rpr = run.find(W_RPR)
        run_style = _val(rpr, W_RSTYLE)
        font = _font_of(rpr) or (self.styles.font(run_style) if run_style else None) or self.styles.font(style)
        return fix_legacy_text(text, font)[0] if encoding_from_font(font) else text

    def cell(self, tc) -> tuple[tuple[int, str | None, str | None], str | None, list[Table]]:
        """Given a w:tc, return ((gridSpan, vMerge, hMerge), its text, the tables nested in it).

        Paragraphs are lines; a vMerge continue cell's text is None (Word does not show it).
        """
        props, lines, nested = (1, None, None), [], []
        for child in tc:
            tag = child.tag
            if tag == W_P:
                lines.append(self.paragraph(child))
            elif tag == W_TCPR:
                props = _cell_props(child)
                if props[1] == "continue":
                    return props, None, []
            elif tag == W_TBL:
                nested.append(self.table(child))
            elif tag in _WRAPPERS:
                for inner in _content(child):
                    if inner.tag == W_P:
                        lines.append(self.paragraph(inner))
                    elif inner.tag == W_TBL:
                        nested.append(self.table(inner))
        return props, clean("\n".join(lines)), nested

    def table(self, tbl) -> Table:
        """Given a w:tbl, return its rows as grid rows: spans resolved, vMerge continue as None."""
        table = Table(self.tables, [], len(tbl.findall(f"{W_TBLGRID}/{W_GRIDCOL}")), self.paragraphs + 1)
        self.tables += 1
        for n, tr in enumerate((c for c in _content(tbl) if c.tag == W_TR), 1):
            row = self._row(tr, n, table)
            table.width = max(table.width, len(row.cells))
            if any(row.cells):
                table.rows.append(row)
        for row in table.rows:
            row.cells += [""] * (table.width - len(row.cells))
        table.header_at, table.columns = find_header(table)
        if table.columns is not None:
            _inline_nested(table)
        return table

    def _row(self, tr, n: int, table: Table) -> GridRow:
        page = self.page
        before = _int(_val(tr.find(W_TRPR), W_GRIDBEFORE), 0)
        cells: list[str | None] = [""] * before
        spans: dict[int, int] = {}
        start_marks, row_marks, last = self.marks, 0, None
        for tc in (c for c in _content(tr) if c.tag == W_TC):
            (span, _, hmerge), text, nested = self.cell(tc)
            if text is not None:
                row_marks = max(row_marks, self.marks - start_marks)
                self.marks = start_marks
                for inner in nested:
                    inner.host = (n, len(cells))
                    table.nested.append(inner)
            if hmerge not in (None, "restart") and last is not None:   # legacy horizontal merge
                spans[last] = spans.get(last, 1) + span
                cells += [None if cells[last] is None else ""] * span
                continue
            last = len(cells)
            if span > 1 and text is not None:
                spans[last] = span
            cells += [text] + [None if text is None else ""] * (span - 1)
        self.marks = start_marks + row_marks
        return GridRow(cells, source_row=n, page=page, spans=spans, table_index=table.index)


def _inline_nested(table: Table) -> None:
    """In a task table, a table nested in a cell is part of that cell: append its lines to it."""
    by_row = {row.source_row: row for row in table.rows}
    for inner in table.nested:
        row = by_row.get(inner.host[0]) if inner.host else None
        if row is not None and inner.host[1] < len(row.cells):
            col = inner.host[1]
            row.cells[col] = clean("\n".join([row.cells[col] or ""] + inner.lines()))
    table.nested = []


def find_header(table: Table) -> tuple[int | None, dict[int, str] | None]:
    """Given a table, return (row index, {column: field}) of its task header, or (None, None).

    A header printed over two rows (a merged "Cơ quan thực hiện" above "Chủ trì | Phối hợp")
    is read as one row: each column takes its lowest label; the two rows become one.
    """
    rows = table.rows
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = header_map(row.cells)
        if i + 1 < len(rows) and (row.spans or None in rows[i + 1].cells):
            combined = _combine_header(row, rows[i + 1])
            both = header_map(combined)
            if both and len(both) > len(columns or {}):
                rows[i : i + 2] = [GridRow(combined, row.source_row, row.page, table_index=row.table_index)]
                return i, both
        if columns:
            return i, columns
    return None, None


def _combine_header(top: GridRow, below: GridRow) -> list[str | None]:
    spread = list(top.cells)
    for col, span in top.spans.items():
        spread[col + 1 : col + span] = [spread[col]] * (span - 1)
    return [b if b else (t or "") for t, b in zip(spread, below.cells, strict=False)]


# --- assembling the parsed file ---------------------------------------------------------------

def _is_appendix_title(line: str) -> bool:
    return find_appendix([line]) == 0


def _flatten(blocks: Iterator[Paragraph | Table]) -> Iterator[Paragraph | Table]:
    """Yield blocks; a layout table's nested tables follow it, so a task table inside one is found."""
    for block in blocks:
        yield block
        if isinstance(block, Table) and block.columns is None and block.nested:
            yield from _flatten(iter(block.nested))


def assemble(blocks: Iterator[Paragraph | Table]) -> ParsedFile:
    """Given a document's blocks, return grids (task tables, split ones stitched) and body lines.

    Body: the text before the phụ lục title (or before the first task table), layout
    tables included cell by cell, so metadata sees the letterhead. Appendix head: the
    lines between the phụ lục title and the first task table. A table carrying the same
    header as the task table just above it, or no header but the same columns, with no
    text in between, continues it (a table split by hand, or at a page). A real table
    (2+ rows, 3+ columns) after the phụ lục title that is no task table (an inspection
    schedule, a statistics form) is named in the warnings.
    """
    body: list[BodyLine] = []
    head: list[str] = []
    grids: list[Grid] = []
    warnings: list[str] = []
    in_appendix, text_since_table = False, False
    current: Table | None = None
    for block in _flatten(blocks):
        if isinstance(block, Paragraph):
            for line in block.lines:
                text_since_table = True
                if grids:
                    continue
                if not in_appendix and _is_appendix_title(line):
                    in_appendix = True
                elif in_appendix:
                    head.append(line)
                else:
                    body.append(BodyLine(line, block.number, block.page))
            continue
        if current is not None and not text_since_table and _continues(current, block):
            rows = block.rows[block.header_at or 0 :]
            if block.columns is None:
                rows[0].after_page_break = True     # its first row may end the row above
            grids[-1].rows.extend(rows)
        elif block.columns is not None:
            grids.append(Grid(block.rows[block.header_at :], block.index))
            current = block
        elif (grids or in_appendix) and len(block.rows) > 1 and block.width >= 3:
            warnings.append(f"table {block.index} skipped: no task header ({_first_cells(block)})")
        elif in_appendix and not grids:
            head.extend(block.lines())
        elif not grids:
            page = block.rows[0].page if block.rows else None
            body.extend(BodyLine(ln, block.first_paragraph, page) for ln in block.lines())
        text_since_table = False
    return ParsedFile("docx", grids, body, appendix_head=head if grids else [], warnings=warnings)


def _continues(current: Table, block: Table) -> bool:
    if block.columns is not None:
        return block.columns == current.columns
    return block.width == current.width and bool(block.rows)


def _first_cells(table: Table) -> str:
    cells = [c.replace("\n", " ") for c in table.rows[0].cells if c] if table.rows else []
    return " | ".join(cells)[:80]


# --- the parser ----------------------------------------------------------------------------------

def parse_docx(path: str | Path) -> ParsedFile:
    """Given a .docx plan, return its task grids, body lines and phụ lục title lines."""
    path = Path(path)
    check_package(path)
    xml = open_package(path)
    styles = Styles(xml.styles)
    numbering = Numbering(xml.numbering, styles)
    body = xml.document.find(_W + "body")
    if body is None:
        raise Corrupt(path, "a Word package without a document body")
    legacy = styles.legacy_fonts() or _uses_legacy_fonts(body)
    paged = next(body.iter(W_LRPB), None) is not None
    reader = DocReader(numbering, styles, legacy, paged)
    return assemble(reader.blocks(body))


def _uses_legacy_fonts(body) -> bool:
    """Return True when a run names a TCVN3 (.Vn…) or VNI font."""
    from pipeline.legacy_encoding import encoding_from_font

    names = {f.get(W_ASCII) or f.get(W_HANSI) for f in body.iter(W_RFONTS)}
    return any(encoding_from_font(name) for name in names if name)
