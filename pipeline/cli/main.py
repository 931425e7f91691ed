"""`cchc` command line: `cchc ingest` for the batch, `cchc parse FILE` to look at one file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parsers.errors import ParseError
from parsers.textutil.printable import escape_line
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
    ing.add_argument("--allow-removals", action="store_true",
                     help="let this run drop more than CCHC_MAX_REMOVED_SHARE (default 20%%) of the files ingested"
                          " before, or all of them (otherwise such a run is refused, exit 4)")
    ing.add_argument("--db-wait", type=float, default=None, metavar="SECONDS",
                     help="how long to wait for a read-write session on the database to close before failing"
                          " (exit 4); default CCHC_DB_WAIT or 60")
    prs = sub.add_parser("parse", help="print one file's task rows as JSON lines; writes nothing")
    prs.add_argument("file", type=Path)
    from pipeline.cli import review  # cchc review FRAMEWORK: pipeline/cli/review.py

    review.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "review":
        return review.run(args)
    if args.command == "parse":
        return parse_command(args.file)
    return ingest_command(args.raw, args.out, args.db, incremental=args.incremental, jobs=args.jobs,
                          allow_removals=args.allow_removals, db_wait=args.db_wait)


def error_line(text: object) -> None:
    """Print one escaped error line on stderr (a file name cannot break it or forge another line)."""
    print(f"error: {escape_line(text)}", file=sys.stderr)


def parse_command(path: Path) -> int:
    import stat

    from pipeline.batch.process import process_file

    absolute = path.absolute()                     # not resolve(): a link that loops must not raise
    try:
        if not stat.S_ISREG(absolute.stat().st_mode):
            error_line(f"{path}: not a regular file (a folder, FIFO, socket or device): not read")
            return 1
        result = process_file(absolute, absolute.parent)
    except ParseError as exc:
        error_line(exc)
        return 1
    except OSError as exc:
        error_line(f"{path}: {exc.strerror or exc}")
        return 1
    for row in result.tasks:
        print(row.model_dump_json())
    return EXIT_OK


def ingest_command(raw: Path, out: Path, db: Path, incremental: bool = False, jobs: int | None = None,
                   allow_removals: bool = False, db_wait: float | None = None) -> int:
    from pipeline.batch.exit_codes import RunFailed
    from pipeline.batch.lock import LockBusy
    from pipeline.batch.run import ingest
    from pipeline.batch.runlog import Console
    from pipeline.batch.workers import default_jobs
    from pipeline.cli.report import header_line, report_lines

    if not raw.is_dir():
        error_line(f"{raw}: no such folder")
        return EXIT_RUN_FAILED
    if jobs is not None and jobs < 1:
        error_line(f"--jobs {jobs}: give 1 or more")
        return EXIT_RUN_FAILED
    print(header_line(raw, out, db, incremental, jobs or default_jobs()), flush=True)
    try:
        report = ingest(raw, out, db, incremental=incremental, jobs=jobs, console=Console(),
                        allow_removals=allow_removals, db_wait_s=db_wait)
    except LockBusy as exc:
        error_line(exc)
        return EXIT_LOCKED
    except RunFailed as exc:                       # its message says what is live (nothing new, unless it says so)
        error_line(f"ingest failed: {exc}")
        return EXIT_RUN_FAILED
    except Exception as exc:  # noqa: BLE001 - before the commit, or withdrawn with it: the previous state is intact
        error_line(f"ingest failed, previous data kept: {type(exc).__name__}: {exc}")
        return EXIT_RUN_FAILED
    for line in report_lines(report, out, db, incremental):
        print(line)
    return EXIT_SOME_FAILED if report.failed_now else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
