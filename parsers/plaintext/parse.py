"""Parse a plain-text plan (.txt): find the phụ lục, pick its table layout, keep the body text.

read_lines → split_appendix → (layout) → grid rows; the body before the phụ lục is kept
as lines for the narrative step and for document metadata.
"""
from __future__ import annotations

from pathlib import Path

from parsers.errors import Corrupt, ParseError
from parsers.grid import BodyLine, Grid, GridRow, ParsedFile
from parsers.headers import SAMPLE_ROWS, is_appendix_title, table_columns
from parsers.plaintext import layouts
from parsers.textutil.clean import nfc
from parsers.textutil.encodings import utf16_without_bom
from parsers.textutil.legacy import decode_bytes

# A plan's text is well under 1 MB (the largest seed: 100 KB). Parsing grows ~9× in memory and takes
# ~0.3 s per MB, so a bigger "text" is a dump or a log, refused before it costs a nightly batch.
MAX_TEXT_BYTES = 16 * 1024 * 1024
# What the document's warnings say of a file not in UTF-8 (decode_bytes' labels).
ENCODING_WARNINGS = {
    "utf-16-le": "text file in UTF-16 (little-endian) without a byte-order mark: read as such",
    "utf-16-be": "text file in UTF-16 (big-endian) without a byte-order mark: read as such",
    "cp1258": "text file in Windows-1258 (the Vietnamese Windows code page): converted to Unicode",
    "utf-8-twice": "text file was UTF-8 encoded twice (\"Káº¿ hoáº¡ch\" for \"Kế hoạch\"): repaired",
    "tcvn3": "text file in the legacy TCVN3 (ABC) code: converted to Unicode",
    "vni": "text file in the legacy VNI code: converted to Unicode",
    "cp1252": "text file in an 8-bit code page, read as Windows-1252: check the diacritics",
}


def parse_text(path: str | Path) -> ParsedFile:
    """Given a .txt plan, return its grids, body lines and phụ lục title lines."""
    lines, encoding = read_text(path)
    start = find_appendix(lines)
    appendix = lines[start:] if start is not None else lines
    offset = (start or 0) + 1
    rows, head = table_rows(appendix, offset)
    if start is None and rows:
        first = rows[0].source_row - 1
        body_lines, head = lines[:first], []
    else:
        body_lines = lines[:start] if start is not None else lines
    body = [BodyLine(ln.strip(), i + 1) for i, ln in enumerate(body_lines) if ln.strip()]
    grids = [Grid(rows, 0)] if rows else []
    return ParsedFile("txt", grids, body, appendix_head=head, warnings=encoding_warnings(encoding, lines))


def read_lines(path: str | Path) -> list[str]:
    """Given a text file, return its lines as NFC Unicode (UTF-8, UTF-16, or a legacy 8-bit code)."""
    return read_text(path)[0]


def encoding_warnings(encoding: str, lines: list[str]) -> list[str]:
    """Given the encoding a text file was read in, return the warning that names it (none for UTF-8)."""
    if encoding == "cp1252":
        return [ENCODING_WARNINGS[encoding]] if not all(ln.isascii() for ln in lines) else []
    return [ENCODING_WARNINGS[encoding]] if encoding in ENCODING_WARNINGS else []


def read_text(path: str | Path) -> tuple[list[str], str]:
    """Given a text file, return its lines as NFC Unicode and the encoding they were read in."""
    with Path(path).open("rb") as fh:
        data = fh.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise ParseError(path, f"text file too large (over {MAX_TEXT_BYTES // 1024 // 1024} MB; a plan's text"
                               " is well under 1 MB)")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not utf16_without_bom(data):
        raise Corrupt(path, "binary data, not a text file")
    text, encoding = decode_bytes(data)
    return nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"), encoding


def find_appendix(lines: list[str]) -> int | None:
    """Return the index of the "PHỤ LỤC" title line, or None when the file has none."""
    return next((i for i, line in enumerate(lines) if is_appendix_title(line)), None)


def table_rows(lines: list[str], first_line: int) -> tuple[list[GridRow], list[str]]:
    """Given the lines of a phụ lục, return its grid rows (header first) and the title lines above."""
    tabbed = [ln for ln in lines if "\t" in ln]
    candidates = []
    if sum(ln.rstrip().endswith("|") for ln in lines) > 20:
        candidates.append(("pipe", layouts.pipe_rows(lines, first_line)))
    if tabbed and sum(ln.strip("\n").count("\t") >= 2 for ln in tabbed) > len(tabbed) / 2:
        candidates.append(("tab", layouts.tab_rows(lines, first_line)))
    elif tabbed:
        candidates.append(("cell", layouts.cell_per_line(lines, first_line)[0]))
    candidates.append(("pdf", layouts.pdf_dump_rows(lines, first_line)))
    for _, rows in candidates:
        cells = [r.cells for r in rows]
        header_at = next((i for i, r in enumerate(cells) if table_columns(r, cells[i + 1 : i + 1 + SAMPLE_ROWS])),
                         None)
        if header_at is not None:
            first = rows[header_at].source_row - first_line
            head = [ln.strip() for ln in lines[1:first] if ln.strip()]
            return rows[header_at:], head
    return [], []
