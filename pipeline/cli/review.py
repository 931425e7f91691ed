"""`cchc review FRAMEWORK`: write the department rows that need a look to a worksheet, and read it back.

    cchc review 3369/QĐ-UBND                      → data/review-3369-QĐ-UBND.csv (fill in `verdict`)
    cchc review 3369/QĐ-UBND --read FILE --by An  → data/reviews.csv, then the database again (nightly run)

A worksheet line is one of a row's top 3 candidates; write confirmed, rejected or added in `verdict` (add a
line with another task_code and `added` for a link the scores did not offer). Reviews apply from the next
database build, which `--read` starts at once (an incremental ingest) unless told --no-ingest.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from pipeline.batch.exit_codes import EXIT_LOCKED, EXIT_OK, EXIT_RUN_FAILED
from pipeline.cli.outputs import Defaults
from pipeline.cli.report import error_line

# DuckDB and the reviews (pyarrow) are imported where a command runs, not when the parser is built:
# every `cchc` start (`cchc parse` too) builds it.

EXIT_BAD_INPUT = 1
FRAMEWORKS_SQL = """
SELECT f.framework_doc_id, coalesce(d.plan_number, d.source_file) AS label, d.source_file
FROM stg_frameworks f JOIN documents d ON d.doc_id = f.framework_doc_id
"""


def add_parser(sub) -> None:
    """Given the command line's sub-parsers, add `review`."""
    rev = sub.add_parser("review", help="write the rows of a framework's department plans that need a look to a"
                                        " worksheet; --read a filled-in worksheet back into data/reviews.csv",
                         formatter_class=Defaults,
                         epilog="exit codes: 0 done, 1 a bad worksheet or an unknown framework, 4 the database"
                                " could not be read, 5 a run holds the lock, 2 wrong arguments")
    rev.add_argument("framework", help="the framework: its plan number (3369/QĐ-UBND), file name or doc_id")
    rev.add_argument("--read", type=Path, metavar="FILE", help="a filled-in worksheet to record")
    rev.add_argument("--worksheet", type=Path, metavar="FILE", help="where to write the worksheet"
                                                                    " (default data/review-<framework>.csv)")
    rev.add_argument("--by", metavar="NAME", help="who reviewed (default: the worksheet's reviewer column, else"
                                                  " the login name)")
    rev.add_argument("--no-ingest", action="store_true", help="record the reviews only; they apply at the next run")
    rev.add_argument("--raw", type=Path, default=Path("data/raw"))
    rev.add_argument("--out", type=Path, default=Path("data/normalized"))
    rev.add_argument("--db", type=Path, default=Path("data/cchc.duckdb"))


def run(args: argparse.Namespace) -> int:
    """Run `cchc review` with its parsed arguments; return the exit code."""
    import duckdb

    from pipeline.database.alignment.reviews import ReviewsError

    try:
        if args.read is not None:
            return read_back(args)
        return write_out(args)
    except (ReviewsError, LookupError) as exc:
        error_line(exc)
        return EXIT_BAD_INPUT
    except duckdb.Error as exc:
        error_line(f"{args.db}: {str(exc).splitlines()[0]}")
        return EXIT_RUN_FAILED


def find_framework(con, name: str) -> tuple[str, str]:
    """Given the database and how the analyst names a framework, return (doc_id, its plan number or file)."""
    frameworks = con.execute(FRAMEWORKS_SQL).fetchall()
    found = [(doc_id, label) for doc_id, label, source in frameworks
             if name in (label, source, Path(source).name) or doc_id.startswith(name)]
    if len(found) != 1:
        known = ", ".join(sorted(label for _, label, _ in frameworks)) or "none"
        why = "names several frameworks" if found else "is no framework of the database"
        raise LookupError(f"{name!r} {why} (frameworks: {known})")
    return found[0]


def worksheet_path(data: Path, label: str) -> Path:
    """Given the data folder and a framework's label, return the default worksheet path."""
    safe = re.sub(r"[^\w.-]+", "-", label).strip("-")
    return data / f"review-{safe}.csv"


def write_out(args: argparse.Namespace) -> int:
    """Write the worksheet of the framework's rows that need a look; print where and how many."""
    import duckdb

    from pipeline.database.alignment.reviews import write_worksheet

    if not args.db.exists():
        raise LookupError(f"{args.db}: no database yet (run `cchc ingest` first)")
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        doc_id, label = find_framework(con, args.framework)
        cursor = con.execute("""SELECT * FROM review_queue WHERE framework_doc_id = ?
                                ORDER BY department, department_row_no, rank""", [doc_id])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()
    path = args.worksheet or worksheet_path(args.out.parent, label)
    write_worksheet(path, rows)
    asked = {(r["department_doc_id"], r["department_row_no"]): r["reason"] for r in rows}
    weak = sum(reason == "weak" for reason in asked.values())
    print(f"{len(asked)} rows need a look ({weak} weak, {len(asked) - weak} with a close second), "
          f"{len(rows)} candidates → {path}")
    print("fill in `verdict` (confirmed / rejected / added), then: "
          f"cchc review {args.framework} --read {path}")
    return EXIT_OK


def read_back(args: argparse.Namespace) -> int:
    """Record a filled-in worksheet in the reviews file, then rebuild the database unless --no-ingest."""
    from pipeline.database.alignment.reviews import (
        merge_reviews,
        read_reviews,
        read_worksheet,
        reviews_path,
        write_reviews,
    )

    new = read_worksheet(args.read, args.by)
    path = reviews_path(args.out)
    merged = merge_reviews(read_reviews(path), new)
    write_reviews(path, merged)
    counts = {v: sum(r["verdict"] == v for r in new) for v in ("confirmed", "rejected", "added")}
    print(f"{len(new)} reviews recorded ({', '.join(f'{n} {v}' for v, n in counts.items())}); "
          f"{len(merged)} in {path}")
    if args.no_ingest:
        return EXIT_OK
    from pipeline.batch.lock import LockBusy
    from pipeline.batch.run import ingest

    try:
        ingest(args.raw, args.out, args.db, incremental=True)
    except LockBusy as exc:
        error_line(f"{exc}; the reviews apply at the next run")
        return EXIT_LOCKED
    except Exception as exc:  # noqa: BLE001 - the reviews are recorded; the run's failure is its own
        error_line(f"the reviews are recorded, but the rebuild failed: {type(exc).__name__}: {exc}")
        return EXIT_RUN_FAILED
    print(f"{args.db}: rebuilt with the reviews")
    return EXIT_OK
