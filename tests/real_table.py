"""The table of every real office file in ../shared/real: rows, rows with a lead, and warnings by kind.

Run: `.venv/bin/python -m tests.real_table` (prints a Markdown table). Files that are no plan show the
reason they fail with; `tests/test_real_files.py` checks what each file must give.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import regex as re

# (pattern, kind): the first that matches names a warning's kind; document and row warnings alike
WARNING_KINDS = (
    (r"^named \.\w+ but its bytes", "wrong extension"), (r"^converted from \.doc", "converted .doc"),
    (r"read as \w+ from its cells", "role read from cells"), (r"kept in extra", "extra column"),
    (r"skipped: no task header", "table not a task table"), (r"^issuer", "issuer unknown"),
    (r"read by OCR", "read by OCR"), (r"not read: ", "page not read"), (r"one merged cell gives", "merged cell"),
    (r"^continued at row", "row continued over a page"), (r"unknown agency", "unknown agency"),
    (r"a cited document assigns", "cited assignment"), (r"roles read from the cell|read from one cell", "roles split"),
    (r"timeline read from the item", "deadline from the text"), (r"lead named in the item", "lead in the item"),
    (r"only the date of a cited document", "cited date"), (r"unreadable deadline", "unreadable deadline"),
    (r"differs from plan year", "year differs"), (r"no content", "no content"),
)


def warning_kind(warning: str) -> str:
    """Given a warning, return its kind (see WARNING_KINDS), else its first three words."""
    text = warning.split(": ", 1)[1] if re.match(r"^(lead|partners|monitor): ", warning) else warning
    return next((kind for pattern, kind in WARNING_KINDS if re.search(pattern, text)), " ".join(text.split()[:3]))


def kinds(warnings: list[str]) -> str:
    """Given warnings, return their kinds with counts ("unknown agency ×3, merged cell")."""
    counted = Counter(warning_kind(w) for w in warnings)
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in sorted(counted.items()))


def file_line(path: Path) -> dict:
    """Given one real file, return what the pipeline makes of it, as one line of the table."""
    from parsers.errors import ParseError
    from pipeline.batch.process import process_file

    try:
        result = process_file(path, path.parent)
    except ParseError as exc:
        return {"file": path.name, "rows": 0, "with_lead": 0, "document_warnings": "", "row_warnings": "",
                "outcome": f"{type(exc).__name__}: {exc.reason}"}
    doc, tasks = result.document, result.tasks
    row_warnings = [w for t in tasks for w in t.warnings]
    return {"file": path.name, "rows": len(tasks), "with_lead": sum(bool(t.leads) for t in tasks),
            "document_warnings": f"{len(doc.warnings)}: {kinds(doc.warnings)}" if doc.warnings else "0",
            "row_warnings": f"{len(row_warnings)}: {kinds(row_warnings)}" if row_warnings else "0",
            "outcome": f"{doc.issuer or '?'}, {doc.plan_number or '?'}, {doc.plan_year or '?'}"}


def real_table(folder: Path) -> list[dict]:
    """Given the real-files folder, return one line per file (README.md aside), by name."""
    return [file_line(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != "README.md"]


def render(lines: list[dict]) -> str:
    """Given the table's lines, return it as Markdown."""
    head = ["file", "rows", "with a lead", "document warnings", "row warnings", "issuer, number, year / failure"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for ln in lines:
        cells = [ln["file"], ln["rows"], ln["with_lead"], ln["document_warnings"], ln["row_warnings"], ln["outcome"]]
        out.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent.parent / "shared" / "real"
    print(render(real_table(folder)))
