"""Errors a parser raises: each names the file and reads well on one line of a cron mail."""
from __future__ import annotations

from pathlib import Path


class ParseError(Exception):
    """A file could not be turned into task rows; `reason` says why in plain words."""

    def __init__(self, path: str | Path, reason: str, page: int | None = None, row: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.page = page
        self.row = row
        where = "".join(
            [f", page {page}" if page is not None else "", f", row {row}" if row is not None else ""]
        )
        super().__init__(f"{self.path}{where}: {reason}")


class NotAPlan(ParseError):
    """The file reads fine but holds no task table and no task bullets."""


class UnsupportedFormat(ParseError):
    """No parser knows this kind of file."""


class Corrupt(ParseError):
    """The file is truncated, damaged or not what its extension says."""


class Encrypted(ParseError):
    """The file is password-protected."""


class NoTextLayer(ParseError):
    """A scanned PDF page: there is no text to read without OCR."""
