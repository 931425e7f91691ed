"""Start-up: `cchc parse` of a small DOCX, in CPU seconds of the whole process (interpreter, imports, parse).

The command runs RUNS times as a child process; its CPU time (user + system) is read from
the children's resource usage, and the median is the figure (target ≤ TARGET_SECONDS, issue
15). `python -c pass` on the same interpreter is measured beside it for scale, and one run
under `python -X importtime` lists the imports that cost most and says whether the Parquet and
database libraries (pyarrow, duckdb, pandas) were imported at all: they must not be.
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCX = HERE.parent / "fixtures" / "docx" / "seed-000.docx"       # a 24-row phụ lục, built from seed 000
RUNS = 7
TARGET_SECONDS = 0.5
HEAVY = ("pyarrow", "duckdb", "pandas")
PARSE = "import sys; from pipeline.cli.main import main; sys.exit(main(['parse', sys.argv[1]]))"


def child_cpu(cmd: list[str]) -> float:
    """Run a command (output dropped) and return the CPU seconds it took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {done.returncode}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_costs(file: Path) -> tuple[list[tuple[int, str]], set[str]]:
    """Return the costliest top-level imports (µs, cumulative) of one parse, and the heavy libraries it loaded."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", PARSE, str(file)],
                          capture_output=True, text=True, check=False)
    costs, loaded = [], set()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        module = name.strip()
        if cumulative.strip().isdigit():
            loaded.add(module.split(".")[0])
            if len(name) - len(name.lstrip()) <= 1:    # a top-level import (nested ones are indented)
                costs.append((int(cumulative), module))
    return sorted(costs, reverse=True)[:8], loaded & set(HEAVY)


def main() -> None:
    cchc = Path(sys.executable).parent / "cchc"
    command = [str(cchc), "parse", str(DOCX)] if cchc.exists() else [sys.executable, "-c", PARSE, str(DOCX)]
    child_cpu(command)                           # warm the file cache and compiled bytecode
    times = [child_cpu(command) for _ in range(RUNS)]
    bare = statistics.median(child_cpu([sys.executable, "-c", "pass"]) for _ in range(RUNS))
    median = statistics.median(times)
    print(f"cchc parse {DOCX.name}: median {median:.3f} s CPU (min {min(times):.3f}, max {max(times):.3f}, "
          f"{RUNS} runs); python -c pass {bare:.3f} s")
    costs, heavy = import_costs(DOCX)
    print("costliest imports (cumulative): " + ", ".join(f"{name} {us / 1e6:.3f} s" for us, name in costs))
    print(f"pyarrow, duckdb, pandas imported: {sorted(heavy) or 'none'}")
    verdict = "PASS" if median <= TARGET_SECONDS and not heavy else "FAIL"
    print(f"acceptance (issue 15): cchc parse of a small DOCX ≤ {TARGET_SECONDS} s CPU, no Parquet/database "
          f"libraries: {verdict} ({median:.3f} s)")


if __name__ == "__main__":
    main()
