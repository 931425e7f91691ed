"""Caps on what one PDF page may make the reader inflate and draw, checked before the page is read.

pdfminer inflates a stream in one call and turns every drawing operator into an object: a 1 MB
file whose content stream inflates to 1 GB, or a page of 3 million path operators, costs
gigabytes. `check_page` walks what reading a page would decode (its content streams, the form
XObjects they draw, nested, and the fonts' embedded programs and ToUnicode maps), inflates each
in chunks only to count (never past its cap), counts the content's operators, and raises
`PageTooBig` on the first cap passed. Images are never decoded by the reader, so never here.

The caps sit far above real plans: the busiest page of the real PDFs we have draws 41,000
operators from 390 KB of content.
"""
from __future__ import annotations

import re
import zlib

MAX_CONTENT_BYTES = 16 * 1024 * 1024     # a page's content streams and forms, inflated
MAX_STREAM_BYTES = 64 * 1024 * 1024      # any other stream reading the page inflates (an embedded font)
MAX_OPERATORS = 200_000                  # drawing operators on one page (≈ 400 MB to read at the cap)
MAX_FORM_DEPTH = 16                      # forms drawing forms
CHUNK = 1024 * 1024
# An operator: 1-3 regular characters starting with a letter (or ' ") between delimiters. Words inside
# literal strings count too; the count is an upper bound, which is what a cap needs. Linear: no nesting.
OPERATOR = re.compile(rb"(?<![^\s\])>])[A-Za-z'\"][A-Za-z*'\"01]{0,2}(?![^\s\[(</%])")
FONT_STREAMS = ("FontFile", "FontFile2", "FontFile3")


class PageTooBig(Exception):
    """A page would cost more than a cap to read (args[0]: the reason, as the failure reads)."""


def check_page(page_obj) -> None:
    """Given a pdfminer PDFPage, raise PageTooBig when reading it would pass a cap; else return None."""
    from pdfminer.pdftypes import resolve1

    budget = Budget()
    for stream in _as_list(resolve1(page_obj.contents) if page_obj.contents else []):
        budget.content(resolve1(stream))
    _resources(resolve1(page_obj.resources), budget, depth=0, seen=set())


class Budget:
    """What a page has used of its caps so far."""

    def __init__(self):
        self.content_bytes = 0
        self.operators = 0

    def content(self, stream) -> None:
        """Count a content stream (or form) against the page's content and operator caps."""
        data = decoded(stream, MAX_CONTENT_BYTES - self.content_bytes, "its content")
        self.content_bytes += len(data)
        self.operators += sum(1 for _ in OPERATOR.finditer(data))
        if self.operators > MAX_OPERATORS:
            raise PageTooBig(f"draws more than {MAX_OPERATORS:,} operators on one page: refused")


def _resources(resources, budget: Budget, depth: int, seen: set[int]) -> None:
    """Count the forms a resource dictionary draws (recursively) and the font streams it names."""
    from pdfminer.pdftypes import PDFStream, resolve1

    if not isinstance(resources, dict):
        return
    for font in _values(resolve1(resources.get("Font"))):
        font = resolve1(font)
        if not isinstance(font, dict):
            continue
        for descendant in _as_list(resolve1(font.get("DescendantFonts"))):
            descendant = resolve1(descendant)
            if isinstance(descendant, dict):
                _font_streams(descendant, seen)
        _font_streams(font, seen)
    for xobject in _values(resolve1(resources.get("XObject"))):
        form = resolve1(xobject)
        if not isinstance(form, PDFStream) or _name(form.attrs.get("Subtype")) != "Form" or id(form) in seen:
            continue
        if depth >= MAX_FORM_DEPTH:
            raise PageTooBig(f"forms drawn inside forms more than {MAX_FORM_DEPTH} deep: refused")
        seen.add(id(form))
        budget.content(form)
        _resources(resolve1(form.attrs.get("Resources")), budget, depth + 1, seen)


def _font_streams(font: dict, seen: set[int]) -> None:
    from pdfminer.pdftypes import PDFStream, resolve1

    descriptor = resolve1(font.get("FontDescriptor"))
    streams = [resolve1(font.get("ToUnicode"))]
    if isinstance(descriptor, dict):
        streams += [resolve1(descriptor.get(key)) for key in FONT_STREAMS]
    for stream in streams:
        if isinstance(stream, PDFStream) and id(stream) not in seen:
            seen.add(id(stream))
            decoded(stream, MAX_STREAM_BYTES, "a font")


def decoded(stream, limit: int, what: str) -> bytes:
    """Given a pdfminer stream, return its bytes decoded as the reader would, or raise PageTooBig past `limit`.

    Predictors are left out (they change a size by a byte a row); filters the reader leaves
    encoded (images) end the chain.
    """
    from pdfminer.pdftypes import PDFStream

    if not isinstance(stream, PDFStream):
        return b""
    if stream.data is not None:                      # decoded already (by an earlier page)
        data = stream.data
        if len(data) > limit:
            raise PageTooBig(f"{what} inflates past {_mb(limit)}: refused")
        return data
    data = stream.rawdata or b""
    if stream.decipher and stream.objid is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name, _params in stream.get_filters():
        data = _unfilter(_name(name), data, limit, what)
        if data is None:
            break
    data = data or b""
    if len(data) > limit:
        raise PageTooBig(f"{what} inflates past {_mb(limit)}: refused")
    return data


def _unfilter(name: str, data: bytes, limit: int, what: str) -> bytes | None:
    """Apply one filter with a cap on its output; None for a filter the reader does not decode."""
    if name in ("FlateDecode", "Fl"):
        return inflate(data, limit, what)
    if name in ("LZWDecode", "LZW"):
        from io import BytesIO

        from pdfminer.lzw import LZWDecoder

        out, total = [], 0
        try:
            for chunk in LZWDecoder(BytesIO(data)).run():
                total += len(chunk)
                if total > limit:
                    raise PageTooBig(f"{what} inflates past {_mb(limit)}: refused")
                out.append(chunk)
        except (EOFError, ValueError, IndexError):
            pass
        return b"".join(out)
    if name in ("ASCII85Decode", "A85"):
        from pdfminer.ascii85 import ascii85decode

        return ascii85decode(data)
    if name in ("ASCIIHexDecode", "AHx"):
        from pdfminer.ascii85 import asciihexdecode

        return asciihexdecode(data)
    if name in ("RunLengthDecode", "RL"):
        return run_length(data, limit, what)
    return None


def inflate(data: bytes, limit: int, what: str) -> bytes:
    """Given zlib data, return it inflated, CHUNK bytes at a time; raise PageTooBig once past `limit`.

    Damaged data gives what inflated before the damage, as the reader's own fallback does.
    """
    inflater = zlib.decompressobj()
    out, total = [], 0
    try:
        while data and not inflater.eof:
            chunk = inflater.decompress(data, CHUNK)
            total += len(chunk)
            if total > limit:
                raise PageTooBig(f"{what} inflates past {_mb(limit)}: refused")
            out.append(chunk)
            data = inflater.unconsumed_tail
    except zlib.error:
        pass
    return b"".join(out)


def run_length(data: bytes, limit: int, what: str) -> bytes:
    """Given RunLengthDecode data, return it decoded; raise PageTooBig once past `limit` (2 bytes may give 128)."""
    out, i = bytearray(), 0
    while i < len(data) and data[i] != 128:
        n = data[i]
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += 2 + n
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) > limit:
            raise PageTooBig(f"{what} inflates past {_mb(limit)}: refused")
    return bytes(out)


def _name(value) -> str:
    return getattr(value, "name", value) if value is not None else ""


def _values(value) -> list:
    return list(value.values()) if isinstance(value, dict) else []


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"
