"""The README's questions on the national corpus of bench_alignment (34 frameworks of 150 rows, 102,000
department rows): each must answer in under a second, from Python and through the DuckDB shell.

Printed per question: the first answer's seconds in a fresh connection (what an analyst waits for),
the best of three after it, and the DuckDB shell's wall time including its start; with a peer
(`SELECT count(*)` over tasks) measured in the same connection.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from tests.bench.bench_alignment import NATIONAL, prepared

TARGET_S = 1.0


def timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    start = time.perf_counter()
    con.execute(sql).fetchall()
    return time.perf_counter() - start


def main() -> None:
    from pipeline.database.build import build_database
    from tests.test_readme import STATEMENTS

    shell = Path(sys.executable).parent / "duckdb"
    with tempfile.TemporaryDirectory() as tmp:
        folder, _, _ = prepared(tmp, "national", NATIONAL)
        db = folder / "cchc.duckdb"
        start = time.perf_counter()
        build_database(db, folder)
        print(f"database built in {time.perf_counter() - start:.1f} s")
        worst = 0.0
        for sql in STATEMENTS:
            con = duckdb.connect(str(db), read_only=True)
            first = timed(con, sql)
            warm = min(timed(con, sql) for _ in range(3))
            peer = timed(con, "SELECT count(*) FROM tasks")
            con.close()
            start = time.perf_counter()
            out = subprocess.run([str(shell), "-readonly", "-csv", str(db), "-c", sql + ";"], capture_output=True,
                                 text=True, timeout=120)
            cli = time.perf_counter() - start
            worst = max(worst, first, cli)
            verdict = "ok" if max(first, cli) < TARGET_S and out.returncode == 0 else "OVER 1 s (or failed)"
            label = " ".join(sql.split())[:70]
            print(f"{first:6.3f} s first, {warm:6.3f} s warm, {cli:6.3f} s shell, peer {peer:.4f} s  {verdict}  {label}")
        print(f"slowest README question: {worst:.3f} s (target < {TARGET_S:.0f} s)")


if __name__ == "__main__":
    sys.exit(main())
