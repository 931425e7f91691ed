"""Every regex that reads document text runs in linear time: pathological input cannot stall a parse.

The patterns are collected, not listed: every compiled pattern at the top of a module of
parsers/ and pipeline/, every literal pattern passed to re/regex calls inside functions (an
f-string's holes filled with a province name, as `metadata._province` fills them), and the
agency dictionary's built patterns. Each is fed long runs of what makes a backtracking regex
quadratic (blanks, digits, letters, separators), alone and after each word the pattern itself
spells ("số", "ngày", "Phòng"…). A quadratic pattern takes seconds on 40,000 characters (the
metadata number pattern took over 600 s on a line of 400,000 blanks); a linear one, milliseconds.
"""
from __future__ import annotations

import ast
import importlib
import re as stdre
import time
from pathlib import Path

import pytest
import regex

from tests.conftest import ROOT

SIZE = 40_000
LIMIT_S = 1.0                 # per search; a linear pattern needs a few ms, a quadratic one seconds
FILLERS = [" ", "\t", "a", "A", "đ", "1", ".", "-", "/", ",", "(", "a ", "1 ", "1.", "1/", "a-", " -", "x\n"]
CALLS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
HOLE = "Hà Tĩnh"


def source_files() -> list[Path]:
    return sorted(p for pkg in ("parsers", "pipeline") for p in (ROOT / pkg).rglob("*.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def module_patterns() -> dict[str, object]:
    """Return every compiled pattern bound at the top of a project module, by module:name."""
    found = {}
    for path in source_files():
        name = module_name(path)
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, stdre.Pattern | regex.Pattern):
                found[f"{name}:{attr}"] = value
    return found


def inline_patterns() -> dict[str, object]:
    """Return every literal pattern handed to a re/regex call (f-string holes filled), by file:line."""
    found = {}
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = "regex" if "import regex as re" in path.read_text(encoding="utf-8") else "re"
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("re", "regex") and node.args):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str | bytes):
                pattern = arg.value
            elif isinstance(arg, ast.JoinedStr):
                pattern = "".join(v.value if isinstance(v, ast.Constant) else regex.escape(HOLE) for v in arg.values)
            else:
                continue
            engine = regex if module == "regex" or node.func.value.id == "regex" else stdre
            found[f"{path.relative_to(ROOT)}:{node.lineno}"] = engine.compile(pattern, engine.I)
    return found


def built_patterns() -> dict[str, object]:
    """Return the patterns built from data at run time (the agency dictionary's aliases and head words)."""
    from pipeline.fields.agencies.dictionary import dictionary

    return {"agencies:aliases": dictionary().pattern, "agencies:heads": dictionary().heads}


PATTERNS = {**module_patterns(), **inline_patterns(), **built_patterns()}


def words_of(pattern) -> list[str]:
    """Given a pattern, return up to six words it spells out (the text that leads into its hot spots)."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    source = stdre.sub(r"\\[A-Za-z]", " ", source)
    return list(dict.fromkeys(regex.findall(r"\p{L}{2,}(?: \p{L}{2,})?", source)))[:6]


def slowest(pattern) -> tuple[float, str]:
    """Return the longest one search took over the pathological inputs, and which input it was."""
    worst = (0.0, "")
    for lead in ["", *words_of(pattern)]:
        for filler in FILLERS:
            text = lead + filler * (SIZE // len(filler))
            subject = text.encode("utf-8") if isinstance(pattern.pattern, bytes) else text
            start = time.perf_counter()
            try:
                if isinstance(pattern, regex.Pattern):
                    pattern.search(subject, timeout=2 * LIMIT_S)       # a quadratic one is stopped, not waited for
                else:
                    pattern.search(subject)
                took = time.perf_counter() - start
            except TimeoutError:
                took = float("inf")
            worst = max(worst, (took, f"{lead!r} + {filler!r} × {SIZE // len(filler)}"))
            if took == float("inf"):
                return worst
    return worst


def test_the_collector_finds_the_patterns_that_read_text():
    assert len(PATTERNS) > 60
    for known in ("pipeline.fields.metadata:_NUMBER", "pipeline.fields.metadata:_DATE_WORDS",
                  "parsers.plaintext.layouts:_MID_SPLIT", "pipeline/fields/deadlines.py:", "agencies:aliases"):
        assert any(k.startswith(known) for k in PATTERNS), known
    assert any(k.startswith("pipeline/fields/metadata.py:") for k in PATTERNS)        # the inline ones too


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_runs_in_linear_time(name):
    took, text = slowest(PATTERNS[name])
    assert took < LIMIT_S, f"{name} took {took:.2f} s on {text}"


def test_a_backtracking_pattern_is_caught():
    """The check can fail: the metadata number pattern as it was is quadratic on a run of blanks."""
    took, _ = slowest(regex.compile(r"\bsố\s*:?\s*(\d*\s*/\s*[\p{Lu}Đ][\p{L}\d&]*(?:-[\p{L}\d&]+)*)", regex.I))
    assert took > LIMIT_S


def test_metadata_of_a_line_of_400000_blanks():
    from parsers.grid import BodyLine, ParsedFile
    from pipeline.fields.metadata import read_metadata

    blanks = " " * 400_000
    lines = ["Số:" + blanks + "x", "Hà Tĩnh, ngày" + blanks + "/", "KẾ HOẠCH", "Cải cách hành chính năm 2026"]
    start = time.process_time()
    meta = read_metadata(ParsedFile("txt", [], [BodyLine(t, i + 1) for i, t in enumerate(lines)]))
    assert time.process_time() - start < 10 and meta.plan_year == 2026
