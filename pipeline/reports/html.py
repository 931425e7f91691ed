"""`cchc report`: one self-contained HTML file per framework, for an analyst's leaders.

The page needs no server and fetches nothing: the styles, the script and the report's data (the same
dict as the workbook's, `pipeline.reports.data`) are all inside it. It shows each department's
coverage as a bar (đã có / chưa rõ / thiếu), a department × lĩnh vực matrix, and the missing, late,
extra and matched rows as tables that sort on a header click and filter as one types.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from html import escape
from importlib import resources
from pathlib import Path

from pipeline.reports.data import ROMAN
from pipeline.reports.tables import (
    BAND_LABELS,
    EXTRA,
    LATE,
    MATCHES,
    MISSING,
    ROLE_LABELS,
    STATUS_LABELS,
    SUMMARY,
)

TEMPLATE = "report.html"


def page_data(report: dict, database: str, version: str) -> dict:
    """Given a framework's report, return what the page's script reads: the rows, the table specs, the labels."""
    return {
        **report,
        "generated_at": datetime.now(UTC).strftime("%d/%m/%Y %H:%M UTC"),
        "database": database,
        "version": version,
        "labels": {"status": STATUS_LABELS, "role": ROLE_LABELS, "band": BAND_LABELS,
                   "roman": {str(k): v for k, v in ROMAN.items()}},
        "tables": {t.name: asdict(t) for t in (SUMMARY, MISSING, LATE, MATCHES, EXTRA)},
    }


def script_json(data: dict) -> str:
    """Given the page's data, return it as JSON safe inside a <script> element (no "</" can close it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render(report: dict, database: str, version: str) -> str:
    """Given a framework's report, return the whole HTML page."""
    template = resources.files("pipeline.reports").joinpath(TEMPLATE).read_text(encoding="utf-8")
    framework = report["framework"]
    title = f"Đối chiếu kế hoạch CCHC với khung {framework.get('plan_number') or framework['source_file']}"
    return (template.replace("__TITLE__", escape(title)).replace("__VERSION__", escape(version))
            .replace("__DATA__", script_json(page_data(report, database, version))))


def write_report(report: dict, path: Path, database: str, version: str) -> Path:
    """Write a framework's HTML report at path; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report, database, version), encoding="utf-8")
    return path
