"""`cchc` command line: `cchc ingest` for the batch, `cchc parse FILE` to look at one file."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from parsers.errors import ParseError
from pipeline.batch.exit_codes import EXIT_LOCKED, EXIT_OK, EXIT_RUN_FAILED, EXIT_SOME_FAILED
from pipeline.cli import outputs
from pipeline.cli.report import error_line

EXIT_CODES = """exit codes of cchc ingest:
  0    the run went through (files that are simply not a plan are listed as skipped)
  3    some files could not be read: listed FAILED, kept in the table failures
  4    the run itself failed: nothing changed, unless the message says what is live
  5    another run holds the lock: nothing changed
  130  interrupted (Ctrl-C), 143 stopped by SIGTERM: nothing changed, logged as interrupted
  2    wrong arguments (every command)"""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="cchc", description=__doc__, epilog=EXIT_CODES,
                                     formatter_class=outputs.Defaults)
    parser.add_argument("--version", action=outputs.Version, help="print cchc's version and exit")
    sub = parser.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="parse every file under data/raw into Parquet + DuckDB",
                         formatter_class=outputs.Defaults, epilog=EXIT_CODES)
    ing.add_argument("--raw", type=Path, default=Path("data/raw"), help="the folder of plan files to read")
    ing.add_argument("--out", type=Path, default=Path("data/normalized"),
                     help="the folder of the Parquet tables, the manifest and the run log")
    ing.add_argument("--db", type=Path, default=Path("data/cchc.duckdb"), help="the DuckDB database to (re)build")
    ing.add_argument("--incremental", action="store_true",
                     help="read only new and changed files, drop removed ones (the nightly run; default: read all)")
    ing.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="cores the run may use: parser processes, then the database build's threads"
                          " (default: the cores available)")
    ing.add_argument("--allow-removals", action="store_true",
                     help="let this run drop more than CCHC_MAX_REMOVED_SHARE (default 20%%) of the files ingested"
                          " before, or all of them (otherwise such a run is refused, exit 4)")
    ing.add_argument("--db-wait", type=float, default=None, metavar="SECONDS",
                     help="how long to wait for a read-write session on the database to close before failing"
                          " (exit 4); default CCHC_DB_WAIT or 60")
    prs = sub.add_parser("parse", help="print one file's task rows as JSON lines; writes nothing",
                         formatter_class=outputs.Defaults,
                         epilog="exit codes: 0 rows printed, 1 the file could not be read or is not a plan,"
                                " 2 wrong arguments")
    prs.add_argument("file", type=Path, help="a plan file (.docx, .doc, .pdf, .txt)")
    outputs.add_commands(sub)
    from pipeline.cli import review  # cchc review FRAMEWORK: pipeline/cli/review.py

    review.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "review":
        return review.run(args)
    if args.command == "parse":
        return parse_command(args.file)
    if args.command in ("export", "report"):
        return outputs.run(args)
    return ingest_command(args.raw, args.out, args.db, incremental=args.incremental, jobs=args.jobs,
                          allow_removals=args.allow_removals, db_wait=args.db_wait)


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
    try:
        for row in result.tasks:
            print(row.model_dump_json())
        sys.stdout.flush()
    except BrokenPipeError:                    # `cchc parse plan.docx | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def ingest_command(raw: Path, out: Path, db: Path, incremental: bool = False, jobs: int | None = None,
                   allow_removals: bool = False, db_wait: float | None = None) -> int:
    from pipeline.batch.exit_codes import EXIT_INTERRUPTED, EXIT_TERMINATED, RunFailed
    from pipeline.batch.items import default_jobs
    from pipeline.batch.lock import LockBusy
    from pipeline.batch.pool import stop_on_sigterm
    from pipeline.batch.run import ingest
    from pipeline.batch.runlog import Console
    from pipeline.cli.report import header_line, report_lines

    if not raw.is_dir():
        error_line(f"{raw}: no such folder")
        return EXIT_RUN_FAILED
    if jobs is not None and jobs < 1:
        error_line(f"--jobs {jobs}: give 1 or more")
        return EXIT_RUN_FAILED
    print(header_line(raw, out, db, incremental, jobs or default_jobs()), flush=True)
    try:
        with stop_on_sigterm():                     # a stopped run unwinds: workers stopped, logged
            report = ingest(raw, out, db, incremental=incremental, jobs=jobs, console=Console(),
                            allow_removals=allow_removals, db_wait_s=db_wait, one_shot=True)
    except (KeyboardInterrupt, SystemExit) as exc:
        code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else EXIT_INTERRUPTED
        how = "stopped by SIGTERM" if code == EXIT_TERMINATED else "interrupted"
        error_line(f"ingest {how}: nothing changed, the last committed state is kept (logged in runs)")
        return code
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
