"""The one line a failure is told in (the cron mail, the failures table), for what can fail before a parser runs."""
from __future__ import annotations

from pathlib import Path

from parsers.textutil.printable import escape_line


def describe_os_error(path: Path, exc: OSError) -> str:
    """Given a file and the OSError reading it raised, return one line naming the file and the reason."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: removed while the batch ran (listed, then gone before it could be read)"
    if isinstance(exc, PermissionError):
        return f"{path}: permission denied: the batch's user cannot read this file"
    return f"{path}: cannot be read: {exc.strerror or exc}"


def one_line(reason: str) -> str:
    """Given a failure's reason, return it as stored: on one line, every control or bidi character
    written as an escape (a file name keeps what it is really called, so the analyst can find it)."""
    return escape_line(reason)
