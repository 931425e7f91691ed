"""The analysts' reviews: `reviews.csv` beside the output folder (data/reviews.csv), and the worksheets of `cchc review`.

One line per verdict on a link from a department row to a framework nhiệm vụ: confirmed, rejected, or added (a
link the scores did not offer). A line is keyed by the plan's identity (plan_key), the row's normalized text
(row_key) and the framework's identity (framework_key), as the views stg_document_versions and
stg_department_rows compute them, so it survives re-ingest and edits of other rows. The latest verdict on a
link wins. A worksheet is the same rows the mart review_queue gives, with an empty `verdict` to fill in.
"""
from __future__ import annotations

import csv
import getpass
import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

VERDICTS = ("confirmed", "rejected", "added")
KEY = ("plan_key", "row_key", "framework_key", "task_code")
COLUMNS = (*KEY, "verdict", "reviewer", "reviewed_at", "department_stt", "department_content", "note")
REVIEWS_SCHEMA = pa.schema([(name, pa.timestamp("us", tz="UTC") if name == "reviewed_at" else pa.string())
                            for name in COLUMNS])
# the worksheet: what the reviewer reads, what they fill in (verdict, note), and the keys that bring it back
WORKSHEET_COLUMNS = ("department", "area_code", "department_stt", "department_content", "match_band", "rank", "task_code",
                     "framework_task", "score", "margin", "shared_terms", "verdict", "note", "reviewer",
                     "plan_key", "row_key", "framework_key")


class ReviewsError(ValueError):
    """A reviews file or worksheet that cannot be read: names the file (and line) and the reason on one line."""

    def __init__(self, path: Path, reason: str, line: int | None = None):
        super().__init__(f"{path}{f':{line}' if line else ''}: {reason}")


def reviews_path(normalized: Path) -> Path:
    """Given the output folder (data/normalized), return the reviews file beside it (data/reviews.csv)."""
    return normalized.parent / "reviews.csv"


def read_csv_rows(path: Path, required: tuple[str, ...]) -> list[dict]:
    """Given a CSV file and the columns it must have, return its rows (stripped strings); [] when it is absent."""
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = set(required) - set(reader.fieldnames or ())
            if missing:
                raise ReviewsError(path, f"missing column(s) {', '.join(sorted(missing))}")
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReviewsError(path, f"cannot read: {exc}") from exc


def checked(row: dict, path: Path, line: int) -> dict:
    """Given one review line, return it typed; a bad verdict, key or date is a ReviewsError naming the line."""
    verdict = row.get("verdict", "").lower()
    if verdict not in VERDICTS:
        raise ReviewsError(path, f"verdict {row.get('verdict')!r} is none of {', '.join(VERDICTS)}", line)
    for key in KEY:
        if not row.get(key):
            raise ReviewsError(path, f"{key} is empty", line)
    when = row.get("reviewed_at") or None
    try:
        reviewed_at = datetime.fromisoformat(when) if when else None
    except ValueError as exc:
        raise ReviewsError(path, f"reviewed_at {when!r} is not an ISO date and time", line) from exc
    if reviewed_at is not None and reviewed_at.tzinfo is None:
        reviewed_at = reviewed_at.replace(tzinfo=UTC)
    return {name: row.get(name) or None for name in COLUMNS} | {"verdict": verdict, "reviewed_at": reviewed_at}


def read_reviews(path: Path) -> list[dict]:
    """Given the reviews file, return its lines checked and typed ([] when there is no file yet)."""
    return [checked(row, path, line) for line, row in enumerate(read_csv_rows(path, KEY + ("verdict",)), 2)]


def reviews_table(rows: list[dict]) -> pa.Table:
    """Given review lines, return them as the table int_reviews is loaded from."""
    return pa.Table.from_pylist(rows, schema=REVIEWS_SCHEMA)


def merge_reviews(old: list[dict], new: list[dict]) -> list[dict]:
    """Given the reviews on file and new ones, return one line per link: the newest verdict, in file order."""
    merged = {tuple(r[k] for k in KEY): r for r in old}
    for row in new:
        merged.pop(tuple(row[k] for k in KEY), None)
        merged[tuple(row[k] for k in KEY)] = row
    return list(merged.values())


def write_reviews(path: Path, rows: list[dict]) -> None:
    """Write the reviews file (under a temporary name, then renamed: a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            when = row.get("reviewed_at")
            writer.writerow(row | {"reviewed_at": when.isoformat(timespec="seconds") if when else ""})
    os.replace(tmp, path)


def write_worksheet(path: Path, rows: list[dict]) -> None:
    """Given the review_queue rows of one framework, write the worksheet an analyst fills in."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:       # the BOM: spreadsheets read it as UTF-8
        writer = csv.DictWriter(fh, fieldnames=WORKSHEET_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            terms = row.get("shared_terms")
            writer.writerow(row | {"shared_terms": "; ".join(terms) if isinstance(terms, list) else terms or "",
                                   "verdict": "", "note": "", "reviewer": ""})


def read_worksheet(path: Path, reviewer: str | None = None, now: datetime | None = None) -> list[dict]:
    """Given a filled-in worksheet, return a review line for every line with a verdict (the others are skipped).

    The reviewer is the line's own, else `reviewer`, else the login name; a line whose task_code the scores did
    not offer may say `added` (or `confirmed`: it becomes `added`).
    """
    if not path.exists():
        raise ReviewsError(path, "no such file")
    now = now or datetime.now(UTC)
    who = reviewer or getpass.getuser()
    out = []
    for line, row in enumerate(read_csv_rows(path, ("plan_key", "row_key", "framework_key", "task_code",
                                                    "verdict")), 2):
        if not row.get("verdict"):
            continue
        row = row | {"reviewer": row.get("reviewer") or who, "reviewed_at": now.isoformat()}
        review = checked(row, path, line)
        if review["verdict"] == "confirmed" and not row.get("rank"):
            review["verdict"] = "added"
        out.append(review)
    return out
