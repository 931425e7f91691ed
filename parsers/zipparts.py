"""Read one part of a zip package without trusting its header: inflate in chunks, stop at a byte cap.

A zip header can lie about a part's size. zipfile's `read()` inflates everything the part's
compressed bytes hold in one call before it cuts to the declared size (2 MB of deflate becomes
1.9 GB in memory first), and its bzip2 and LZMA readers inflate a whole read at once. So a part
is read here `CHUNK` bytes at a time (deflate then never yields more than asked), only stored or
deflated parts are read at all (Word writes nothing else), and reading stops with `PartTooBig`
as soon as the bytes pass the cap, whatever the header says. A part that inflates past its
declared size ends in zipfile's CRC error: `PartMismatch`.
"""
from __future__ import annotations

import zipfile

CHUNK = 1024 * 1024
READABLE = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


class PartTooBig(Exception):
    """A part inflates past the cap (args: the part's name, the cap in bytes)."""


class PartMismatch(Exception):
    """A part's bytes do not match its zip header (its size or its checksum): damaged, or a zip bomb."""


class UnreadableCompression(Exception):
    """A part compressed with a method other than store or deflate."""


def read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Given an open zip, a part name and a byte cap, return the part's bytes (raises KeyError when absent)."""
    info = archive.getinfo(name)
    if info.compress_type not in READABLE:
        raise UnreadableCompression(f"{name} is compressed with method {info.compress_type}, not store or deflate")
    if info.file_size > limit:
        raise PartTooBig(name, limit)
    chunks, total = [], 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise PartTooBig(name, limit)
                chunks.append(chunk)
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            raise PartMismatch(f"{name} does not inflate to what its zip header declares ({info.file_size:,} bytes):"
                               " damaged, or a zip bomb") from None
        raise
    return b"".join(chunks)
