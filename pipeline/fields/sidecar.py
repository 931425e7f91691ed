"""Sidecar metadata: `<plan file>.meta.toml` beside an input fills what the text lacks.

Example (`data/raw/ha-tinh-so-ngoai-vu-2026.txt.meta.toml`):

    province = "Hà Tĩnh"
    framework = "ha-tinh-ubnd-tinh-2026-qd-3369.txt"   # file name (in data/raw) or plan number
    supersedes = "ha-tinh-so-ngoai-vu-2026-du-thao.txt" # the earlier version (draft) this file replaces

A sidecar value overrides the text; when both say something different the row keeps
the sidecar's value and the document gets a warning. A sidecar is read only when it is a
regular file of at most 64 KB, and every value is checked against its key's type: a bad
one is the plan file's failure, one line naming the sidecar, the key and what it expects.
"""
from __future__ import annotations

import os
import stat
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import get_args

from parsers.errors import ParseError
from parsers.textutil.clean import nfc
from parsers.textutil.printable import escape_line, strip_controls
from pipeline.fields.metadata import ISSUER_WARNINGS, Metadata, issuer_level, issuer_warnings
from schemas.levels import IssuerLevel

SUFFIX = ".meta.toml"
MAX_BYTES = 64 * 1024              # a sidecar holds a few lines; anything bigger is not one
MAX_TEXT_CHARS = 1000              # per value: a title is a sentence, not a chapter
YEARS = range(1945, 2101)          # plan_year: from the first government's plans to far enough ahead
TEXT_KEYS = {"title", "issuer", "province", "plan_period", "plan_number", "framework",
             "supersedes"}
KEYS = TEXT_KEYS | {"issuer_level", "plan_year", "issued_date"}
LEVELS = get_args(IssuerLevel)


def sidecar_path(path: Path) -> Path:
    """Given a plan file, return where its sidecar would be."""
    return path.with_name(path.name + SUFFIX)


def read_sidecar(path: Path) -> dict:
    """Given a plan file, return its sidecar's checked values ({} without one); anything wrong is a ParseError."""
    side = sidecar_path(path)
    data = read_sidecar_bytes(side)
    if data is None:
        return {}
    try:
        values = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParseError(side, "unreadable sidecar: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(side, f"unreadable sidecar: {escape_line(exc)}") from None
    unknown = set(values) - KEYS
    if unknown:
        names = ", ".join(escape_line(k) for k in sorted(unknown))
        raise ParseError(side, f"unknown sidecar keys: {names} (known: {', '.join(sorted(KEYS))})")
    return {key: checked_value(side, key, value) for key, value in values.items()}


def read_sidecar_bytes(side: Path) -> bytes | None:
    """Given a sidecar path, return its bytes, None when there is none; a FIFO, device or an oversized
    file is refused without reading it (opened non-blocking, so a FIFO cannot hang the run)."""
    try:
        fd = os.open(side, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ParseError(side, f"sidecar cannot be read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ParseError(side, "sidecar is not a regular file (a FIFO, socket or device): not read")
        if st.st_size > MAX_BYTES:
            raise ParseError(side, f"sidecar too large ({st.st_size // 1024} KB, limit {MAX_BYTES // 1024} KB)")
        data = os.read(fd, MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:                           # it grew after the size check
        raise ParseError(side, f"sidecar too large (over the {MAX_BYTES // 1024} KB limit)")
    return data


def checked_value(side: Path, key: str, value: object):
    """Given a sidecar key and its TOML value, return the value typed for the metadata (or raise ParseError)."""
    if key in TEXT_KEYS:
        if not isinstance(value, str):
            raise _wrong(side, key, value, "text (a quoted string)")
        text = nfc(strip_controls(value)).strip()
        if len(text) > MAX_TEXT_CHARS:
            raise ParseError(side, f"sidecar {key}: text of {len(text)} characters, over the {MAX_TEXT_CHARS} limit")
        return text
    if key == "issuer_level":
        if value not in LEVELS:
            raise _wrong(side, key, value, "one of " + ", ".join(f'"{v}"' for v in LEVELS))
        return value
    if key == "plan_year":
        # bool is an int in Python; a year of 2**63 would overflow the Parquet column
        if isinstance(value, bool) or not isinstance(value, int) or value not in YEARS:
            raise _wrong(side, key, value, f"a year, an integer {YEARS.start}–{YEARS.stop - 1}")
        return value
    return _checked_date(side, key, value)


def _checked_date(side: Path, key: str, value: object) -> date:
    expected = "a date, YYYY-MM-DD (as a TOML date or a quoted string)"
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _wrong(side, key, value, expected)


def _wrong(side: Path, key: str, value: object, expected: str) -> ParseError:
    shown = escape_line(repr(value))
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return ParseError(side, f"sidecar {key}: expected {expected}, got {type(value).__name__} {shown}")


def apply_sidecar(meta: Metadata, values: dict) -> str | None:
    """Given metadata and checked sidecar values, override the metadata in place; return the framework named."""
    for key, value in values.items():
        if key in ("framework", "supersedes"):   # links to other files, resolved among the ingested ones
            continue
        current = getattr(meta, key)
        if current not in (None, "unknown") and current != value:
            meta.warnings.append(f"sidecar {key}={value!r} overrides the text's {current!r}")
        setattr(meta, key, value)
    if "issuer" in values and "issuer_level" not in values:
        meta.issuer_level = issuer_level(meta.issuer)
    if "issuer" in values or "issuer_level" in values:     # the text's doubt about its issuer is settled
        meta.warnings = [w for w in meta.warnings if not w.startswith(ISSUER_WARNINGS)]
        meta.warnings += issuer_warnings(meta.issuer, meta.issuer_level)
    return values.get("framework")
