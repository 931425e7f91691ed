"""`cchc` command line: `cchc ingest` for the batch, `cchc parse FILE` to look at one file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parsers.errors import ParseError

EXIT_OK = 0
EXIT_SOME_FAILED = 3      # the batch ran; some files were skipped (cron mail should fire)
EXIT_RUN_FAILED = 4       # the run itself failed; nothing was changed


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="cchc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="parse every file under data/raw into Parquet + DuckDB")
    ing.add_argument("--raw", type=Path, default=Path("data/raw"))
    ing.add_argument("--out", type=Path, default=Path("data/normalized"))
    ing.add_argument("--db", type=Path, default=Path("data/cchc.duckdb"))
    prs = sub.add_parser("parse", help="print one file's task rows as JSON lines; writes nothing")
    prs.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "parse":
        return parse_command(args.file)
    return ingest_command(args.raw, args.out, args.db)


def parse_command(path: Path) -> int:
    from pipeline.ingest import process_file

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


def ingest_command(raw: Path, out: Path, db: Path) -> int:
    from pipeline.ingest import ingest

    if not raw.is_dir():
        print(f"error: {raw}: no such folder", file=sys.stderr)
        return EXIT_RUN_FAILED
    try:
        report = ingest(raw, out, db)
    except (OSError, RuntimeError) as exc:
        print(f"error: ingest failed, previous data kept: {exc}", file=sys.stderr)
        return EXIT_RUN_FAILED
    for doc in report.documents:
        print(f"ok      {doc.source_file}: {doc.task_count} rows ({doc.issuer or 'issuer unknown'}, "
              f"{doc.plan_year or 'year unknown'})")
    for failure in report.failures:
        print(f"FAILED  {failure.error}")
    print(f"{len(report.documents)} files, {len(report.tasks)} task rows, {len(report.failures)} failed"
          f" → {out}/, {db}")
    return EXIT_SOME_FAILED if report.failures else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
