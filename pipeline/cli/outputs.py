"""`cchc export` and `cchc report`: the workbook, CSV files and HTML page an analyst hands on."""
from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.batch.exit_codes import EXIT_OK, EXIT_RUN_FAILED
from pipeline.cli.report import error_line


class Defaults(argparse.RawDescriptionHelpFormatter):
    """Help that names each option's default, when it has one worth saying (the epilog's table kept as written)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


class Version(argparse.Action):
    """`--version`: the installed version, looked up only when asked (importlib.metadata costs every start)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"cchc {package_version()}")
        parser.exit()


def package_version() -> str:
    """Return the installed cchc-etl version ("unknown" when run from a checkout that was never installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cchc-etl")
    except PackageNotFoundError:
        return "unknown"


FRAMEWORK_HELP = ("only this framework: its plan number (3369/QĐ-UBND), file name or doc_id "
                  "(default: every framework some department plan is compared with)")


OUTPUT_EXIT_CODES = """exit codes:
  0  every file written          4  no database, or no such framework
  2  wrong arguments"""


def add_commands(sub) -> None:
    """Add the export and report sub-commands to the `cchc` parser."""
    exp = sub.add_parser("export", help="write an Excel workbook per framework (or CSV files with --csv)",
                         formatter_class=Defaults, epilog=OUTPUT_EXIT_CODES)
    exp.add_argument("--db", type=Path, default=Path("data/cchc.duckdb"), help="the database to read (read-only)")
    exp.add_argument("--out", type=Path, default=Path("data/exports"), help="folder the files are written to")
    exp.add_argument("--framework", default=None, help=FRAMEWORK_HELP)
    exp.add_argument("--csv", action="store_true",
                     help="CSV files (UTF-8 with a byte-order mark, so Excel shows Vietnamese) instead of .xlsx")
    rep = sub.add_parser("report", help="write a self-contained HTML report per framework",
                         formatter_class=Defaults, epilog=OUTPUT_EXIT_CODES)
    rep.add_argument("--db", type=Path, default=Path("data/cchc.duckdb"), help="the database to read (read-only)")
    rep.add_argument("--out", type=Path, default=Path("data/reports"), help="folder the pages are written to")
    rep.add_argument("--framework", default=None, help=FRAMEWORK_HELP)


def run(args) -> int:
    """Run `cchc export` or `cchc report`; print each file written; return the exit code."""
    import duckdb

    from pipeline.reports.outputs import NoFramework, export, report

    if not args.db.is_file():
        error_line(f"{args.db}: no database (run `cchc ingest` first)")
        return EXIT_RUN_FAILED
    try:
        if args.command == "export":
            written = export(args.db, args.out, args.framework, as_csv=args.csv)
        else:
            written = report(args.db, args.out, args.framework, package_version())
    except NoFramework as exc:
        error_line(exc)
        return EXIT_RUN_FAILED
    except (duckdb.Error, OSError) as exc:
        error_line(f"{args.db}: {type(exc).__name__}: {' '.join(str(exc).split())}")
        return EXIT_RUN_FAILED
    for path in written:
        print(path)
    return EXIT_OK
