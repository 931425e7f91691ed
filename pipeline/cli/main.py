"""`cchc` command line: `cchc ingest` for the batch, `cchc parse FILE` to look at one file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parsers.errors import ParseError
from pipeline.batch.exit_codes import EXIT_LOCKED, EXIT_OK, EXIT_RUN_FAILED, EXIT_SOME_FAILED


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="cchc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="parse every file under data/raw into Parquet + DuckDB")
    ing.add_argument("--raw", type=Path, default=Path("data/raw"))
    ing.add_argument("--out", type=Path, default=Path("data/normalized"))
    ing.add_argument("--db", type=Path, default=Path("data/cchc.duckdb"))
    ing.add_argument("--incremental", action="store_true",
                     help="read only new and changed files, drop removed ones (the nightly run)")
    ing.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="parser processes (default: the cores available)")
    prs = sub.add_parser("parse", help="print one file's task rows as JSON lines; writes nothing")
    prs.add_argument("file", type=Path)
    from pipeline.cli import review  # cchc review FRAMEWORK: pipeline/cli/review.py

    review.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "review":
        return review.run(args)
    if args.command == "parse":
        return parse_command(args.file)
    return ingest_command(args.raw, args.out, args.db, incremental=args.incremental, jobs=args.jobs)


def parse_command(path: Path) -> int:
    from pipeline.batch.process import process_file

    try:
        result = process_file(path.resolve(), path.resolve().parent)
    except ParseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for row in result.tasks:
        print(row.model_dump_json())
    return EXIT_OK


def ingest_command(raw: Path, out: Path, db: Path, incremental: bool = False, jobs: int | None = None) -> int:
    from pipeline.batch.lock import LockBusy
    from pipeline.batch.run import ingest
    from pipeline.batch.runlog import Console
    from pipeline.batch.workers import default_jobs
    from pipeline.cli.report import header_line, report_lines

    if not raw.is_dir():
        print(f"error: {raw}: no such folder", file=sys.stderr)
        return EXIT_RUN_FAILED
    if jobs is not None and jobs < 1:
        print(f"error: --jobs {jobs}: give 1 or more", file=sys.stderr)
        return EXIT_RUN_FAILED
    print(header_line(raw, out, db, incremental, jobs or default_jobs()), flush=True)
    try:
        report = ingest(raw, out, db, incremental=incremental, jobs=jobs, console=Console())
    except LockBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except Exception as exc:  # noqa: BLE001 - whatever broke, the previous state is intact: say so
        print(f"error: ingest failed, previous data kept: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_RUN_FAILED
    for line in report_lines(report, out, db, incremental):
        print(line)
    return EXIT_SOME_FAILED if report.failed_now else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
