"""The house: imports run one way, from the command line down to the text helpers, never back up, never in a loop.

Floors, bottom up (ARCHITECTURE.md): schemas and parsers.textutil → parsers → pipeline.rows →
pipeline.fields → pipeline.database → pipeline.batch → pipeline.cli. A module may import its own
floor or a lower one. Imports inside functions count too: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("parsers", "pipeline", "schemas")
# (module prefix, floor); the longest prefix that fits a module decides its floor
FLOORS = (
    ("schemas", 0),
    ("parsers.textutil", 0),
    ("parsers", 1),
    ("parsers.pdf.scan", 1),          # scanned pages: image → the same page types as the text layer
    ("pipeline.rows", 2),
    ("pipeline.fields", 3),
    ("pipeline.database", 4),
    ("pipeline.database.alignment", 4),
    ("pipeline.batch", 5),
    ("pipeline.reports", 5),
    ("pipeline.cli", 6),
)
MAX_LINES = 400


def module_files() -> dict[str, Path]:
    """Return every module of the project by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def floor_of(module: str) -> int:
    """Given a dotted module name, return its floor."""
    fits = [(len(prefix), floor) for prefix, floor in FLOORS if module == prefix or module.startswith(prefix + ".")]
    if not fits:
        raise AssertionError(f"{module} sits on no floor: add its room to FLOORS and ARCHITECTURE.md")
    return max(fits)[1]


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Given a module, return the project modules it imports (at the top or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in modules else base)
    return {t for t in targets if t.split(".")[0] in PACKAGES and t in modules and t != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_no_import_runs_back_up(graph):
    upward = [f"{a} (floor {floor_of(a)}) imports {b} (floor {floor_of(b)})"
              for a, targets in sorted(graph.items()) for b in sorted(targets) if floor_of(b) > floor_of(a)]
    assert upward == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Given an import graph, return its loops (strongly connected parts of two or more modules, or a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1 or v in graph.get(v, ()):
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_loops(graph):
    assert cycles(graph) == []


def test_the_loop_finder_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_floor_check_sees_an_upward_import(tmp_path):
    path = tmp_path / "lazy.py"
    path.write_text("def f():\n    from pipeline.batch.run import ingest\n", encoding="utf-8")
    modules = {"parsers.lazy": path, "pipeline.batch.run": path}
    assert imports_of("parsers.lazy", path, modules) == {"pipeline.batch.run"}
    assert floor_of("pipeline.batch.run") > floor_of("parsers.lazy")


def test_every_module_is_small():
    big = {name: n for name, path in module_files().items()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_LINES}
    assert big == {}, f"modules of {MAX_LINES} lines or more: cut them where their reasons to change differ"


def test_every_room_says_what_comes_in_and_goes_out():
    rooms = [p for package in PACKAGES for p in (ROOT / package).rglob("__init__.py") if p.parent != ROOT / package]
    silent = [str(p.relative_to(ROOT)) for p in rooms if not ast.get_docstring(ast.parse(p.read_text("utf-8")))]
    assert rooms and silent == []
