"""Sidecar metadata: `<plan file>.meta.toml` beside an input fills what the text lacks.

Example (`data/raw/ha-tinh-so-ngoai-vu-2026.txt.meta.toml`):

    province = "Hà Tĩnh"
    framework = "ha-tinh-ubnd-tinh-2026-qd-3369.txt"   # file name (in data/raw) or plan number
    supersedes = "ha-tinh-so-ngoai-vu-2026-du-thao.txt" # the earlier version (draft) this file replaces

A sidecar value overrides the text; when both say something different the row keeps
the sidecar's value and the document gets a warning.
"""
from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from parsers.errors import ParseError
from pipeline.fields.metadata import Metadata, issuer_level

SUFFIX = ".meta.toml"
KEYS = {"title", "issuer", "issuer_level", "province", "plan_year", "plan_period", "plan_number",
        "issued_date", "framework", "supersedes"}


def sidecar_path(path: Path) -> Path:
    """Given a plan file, return where its sidecar would be."""
    return path.with_name(path.name + SUFFIX)


def read_sidecar(path: Path) -> dict:
    """Given a plan file, return its sidecar's values ({} without one); bad TOML is a ParseError."""
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        values = tomllib.loads(side.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(side, f"unreadable sidecar: {exc}") from exc
    unknown = set(values) - KEYS
    if unknown:
        raise ParseError(side, f"unknown sidecar keys: {', '.join(sorted(unknown))}")
    return values


def apply_sidecar(meta: Metadata, values: dict) -> str | None:
    """Given metadata and sidecar values, override the metadata in place; return the framework named."""
    for key, value in values.items():
        if key in ("framework", "supersedes"):   # links to other files, resolved among the ingested ones
            continue
        if key == "issued_date" and isinstance(value, str):
            value = date.fromisoformat(value)
        current = getattr(meta, key)
        if current not in (None, "unknown") and current != value:
            meta.warnings.append(f"sidecar {key}={value!r} overrides the text's {current!r}")
        setattr(meta, key, value)
    if "issuer" in values and "issuer_level" not in values:
        meta.issuer_level = issuer_level(meta.issuer)
    return values.get("framework")
