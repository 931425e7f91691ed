"""Run every benchmark module (tests/bench/bench_*.py) in name order, or those named on the command line.

Each runs in a process of its own.
"""
from __future__ import annotations

import pkgutil
import subprocess
import sys
import time

import tests.bench as package


def main(names: list[str]) -> int:
    modules = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    chosen = [m for m in modules if not names or any(n in m for n in names)]
    for name in chosen:
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        # each benchmark in its own process, so one's peak memory never shows in another's figures
        subprocess.run([sys.executable, "-c", f"import tests.bench.{name} as b; b.main()"], check=True)
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    if not chosen:
        print("no benchmark matched")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
