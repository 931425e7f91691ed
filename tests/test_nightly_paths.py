"""Nothing kills the run but the run's own failure: a bad path or a bad sidecar is that file's failure with
its reason; only what is in data/raw is read; every printed line is one line."""
from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.batch.exit_codes import EXIT_OK, EXIT_SOME_FAILED
from pipeline.batch.listing import MAX_DEPTH
from pipeline.batch.run import ingest
from pipeline.cli.main import main
from tests.conftest import seed_path
from tests.test_nightly import consistent, light_views, put_seed, query, run  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("light_views")


def refusals(report) -> dict[str, tuple[str, str]]:
    return {f.source_file: (f.error_type, f.error) for f in report.failed_now}


def good_plan_and_run(tmp: Path, **kw):
    """Put one good plan beside the bad paths, run, and check the good one is in and the tables agree."""
    put_seed(tmp / "raw", "000", "good.txt")
    report = run(tmp, **kw)
    assert "good.txt" in [d.source_file for d in report.documents]
    assert consistent(tmp / "cchc.duckdb")
    return report


@pytest.fixture
def nested(tmp_path):
    """Make deep folders (make_nested); remove them after the test without recursion (shutil.rmtree, which
    pytest's clean-up uses, would hit Python's recursion limit)."""
    made = []

    def make(top: Path, names: list[str]) -> None:
        made.append((top, names))                       # first: a tree made halfway is removed too
        make_nested(top, names)

    yield make
    here = os.getcwd()
    try:
        for top, names in made:
            os.chdir(top)
            down = []
            for name in names:
                if not os.path.isdir(name):
                    break
                os.chdir(name)
                down.append(name)
            for leftover in os.listdir("."):
                os.unlink(leftover)
            for name in reversed(down):
                os.chdir("..")
                os.rmdir(name)
    finally:
        os.chdir(here)


def test_a_plan_1100_folders_deep(tmp_path, nested):
    (tmp_path / "raw").mkdir()
    nested(tmp_path / "raw", ["d"] * 1100)                   # pathlib's own mkdir(parents=True) would recurse
    report = good_plan_and_run(tmp_path)
    deep = "/".join(["d"] * MAX_DEPTH) + "/"
    assert refusals(report) == {deep: ("BadPath", f"{tmp_path / 'raw' / deep[:-1]}: more than {MAX_DEPTH} folders"
                                                  f" deep under {tmp_path / 'raw'}: not read (move its plans up)")}
    assert run(tmp_path).failed_now == []                          # quarantined: not news every night


def make_nested(top: Path, names: list[str]) -> None:
    """Make the folders top/names[0]/names[1]/… one by one (relative to an open folder, so a path longer than
    PATH_MAX can be made too) and a plan at the bottom."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in names:
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        plan = os.open("plan.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(plan, seed_path("001").read_bytes())
        os.close(plan)
    finally:
        os.close(fd)


def test_a_path_too_long(tmp_path, nested):
    (tmp_path / "raw").mkdir()
    nested(tmp_path / "raw", [f"{i:02d}" + "x" * 248 for i in range(20)])      # 5,000 bytes of path
    report = good_plan_and_run(tmp_path)
    [(rel, (kind, error))] = refusals(report).items()
    assert kind == "BadPath" and "path too long for the system" in error and rel.endswith("/")


def test_symbolic_link_loops(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    os.symlink("loop.txt", raw / "loop.txt")                    # a link to itself
    os.symlink("b.txt", raw / "a.txt")
    os.symlink("a.txt", raw / "b.txt")                           # two links to each other
    (raw / "sub").mkdir()
    os.symlink("..", raw / "sub" / "up")                         # a folder link back to a parent: not followed
    os.symlink("../sub", raw / "sub" / "again")
    started = time.monotonic()
    report = good_plan_and_run(tmp_path)
    assert time.monotonic() - started < 30
    assert {rel: kind for rel, (kind, _) in refusals(report).items()} == {"a.txt": "BadPath", "b.txt": "BadPath",
                                                                          "loop.txt": "BadPath"}
    assert all("a symbolic link that loops" in error for _, error in refusals(report).values())


def test_a_fifo_named_like_a_plan_does_not_hang(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    os.mkfifo(raw / "x.txt")
    os.mkfifo(raw / "ok.txt.meta.toml")                           # and one as a plan's sidecar
    put_seed(raw, "004", "ok.txt")
    started = time.monotonic()
    report = good_plan_and_run(tmp_path)
    assert time.monotonic() - started < 30                        # not the 600 s time limit
    assert refusals(report) == {"x.txt": ("SpecialFile", f"{raw / 'x.txt'}: a FIFO, not a plan file: skipped"),
                                "ok.txt": ("SpecialFile", f"{raw / 'ok.txt.meta.toml'}: the sidecar is a FIFO, not a"
                                                          " file: not read")}


def test_a_device(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    try:
        os.mknod(raw / "dev.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))      # like /dev/null
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc}); the symlink to /dev/null below covers it")
    report = good_plan_and_run(tmp_path)
    assert refusals(report)["dev.txt"] == ("SpecialFile", f"{raw / 'dev.txt'}: a character device, not a plan"
                                                          " file: skipped")


def test_links_out_of_data_raw_are_refused_unless_trusted(tmp_path, monkeypatch):
    raw, outside = tmp_path / "raw", tmp_path / "elsewhere"
    put_seed(outside, "004", "secret.txt")
    (outside / "folder").mkdir()
    put_seed(outside / "folder", "001", "more.txt")
    raw.mkdir()
    os.symlink(outside / "secret.txt", raw / "secret.txt")
    os.symlink(outside / "folder", raw / "linked")
    os.symlink("/dev/null", raw / "null.txt")
    put_seed(raw, "002", "side.txt")
    os.symlink(outside / "secret.txt", raw / "side.txt.meta.toml")   # a sidecar that reads outside
    report = good_plan_and_run(tmp_path)
    assert {rel: kind for rel, (kind, _) in refusals(report).items()} == {
        "secret.txt": "OutsideRaw", "linked/": "OutsideRaw", "null.txt": "OutsideRaw", "side.txt": "OutsideRaw"}
    assert f"a symbolic link to {outside / 'secret.txt'}, outside {raw}: not read" in refusals(report)["secret.txt"][1]
    monkeypatch.setenv("CCHC_TRUSTED_ROOTS", f"{outside}{os.pathsep}/dev")
    trusted = run(tmp_path)
    assert {"secret.txt", "linked/more.txt"} <= {d.source_file for d in trusted.documents}
    assert refusals(trusted)["null.txt"][0] == "SpecialFile"     # trusted, but a device is not a plan


def test_a_newline_in_a_name_cannot_forge_a_report_line(tmp_path, capsys):
    raw = tmp_path / "raw"
    forged = "a.txt\nok       forged.txt: 999 rows (Sở Nội vụ, 2026)\n\u202eb.txt"
    put_seed(raw, "000", forged)
    (raw / "bad\tname\x1b[31m.txt").write_bytes(b"\x00\x01 binary")
    code = main(["ingest", "--incremental", "--raw", str(raw), "--out", str(tmp_path / "normalized"),
                 "--db", str(tmp_path / "cchc.duckdb")])
    out = capsys.readouterr().out
    assert code == EXIT_SOME_FAILED
    lines = out.splitlines()
    assert len(lines) == 5 and not any(line.startswith("ok       forged") for line in lines)
    assert lines[1] == ("new      a.txt\\nok       forged.txt: 999 rows (Sở Nội vụ, 2026)\\n\\u202eb.txt: 24 rows"
                        " (Sở Ngoại vụ, 2026)")
    assert lines[2].startswith("FAILED   ") and "bad\\tname\\x1b[31m.txt" in lines[2]
    stored = query(tmp_path / "cchc.duckdb", "SELECT source_file FROM documents")
    assert stored == [(forged,)]                                     # the real name is stored as it is
    errors = query(tmp_path / "cchc.duckdb", "SELECT error FROM failures")
    assert "\n" not in errors[0][0] and "\t" not in errors[0][0]


def test_a_huge_plan_year_is_that_files_failure(tmp_path, capsys):
    raw = tmp_path / "raw"
    put_seed(raw, "004", "plan.txt")
    (raw / "plan.txt.meta.toml").write_text("plan_year = 9223372036854775808\n", encoding="utf-8")
    put_seed(raw, "000", "other.txt")
    (raw / "other.txt.meta.toml").write_bytes(b"#" * (78 * 1024))   # too large: refused before it is read
    code = main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "normalized"), "--db",
                 str(tmp_path / "cchc.duckdb")])
    lines = capsys.readouterr().out.splitlines()
    assert code == EXIT_SOME_FAILED
    failed = [line for line in lines if line.startswith("FAILED")]
    assert failed == [f"FAILED   {raw / 'other.txt.meta.toml'}: sidecar too large (78 KB, limit 64 KB)",
                      f"FAILED   {raw / 'plan.txt.meta.toml'}: sidecar plan_year: expected a year, an integer"
                      " 1945–2100, got int 9223372036854775808"]


def test_cchc_parse_of_a_loop_and_a_fifo_is_one_line(tmp_path, capsys):
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.mkfifo(tmp_path / "x.txt")
    for name, says in (("loop.txt", "Too many levels of symbolic links"), ("x.txt", "not a regular file")):
        assert main(["parse", str(tmp_path / name)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and name in err[0] and says in err[0]


# --- random trees and sidecars at a full run --------------------------------------------------

NAMES = st.text(alphabet=st.sampled_from(list("ab-_ .ếĐ\n\t\x1b\u202e") + ["\udcff"]), min_size=1, max_size=8)
TOML_VALUES = st.one_of(
    st.integers(min_value=-2**70, max_value=2**70).map(str), st.floats(allow_nan=True).map(
        lambda f: "nan" if f != f else ("inf" if f == float("inf") else "-inf" if f == float("-inf") else repr(f))),
    st.booleans().map(lambda b: "true" if b else "false"), st.text(max_size=40).map(lambda t: '"' + "".join(
        c if c.isalnum() or c == " " else f"\\u{ord(c):04x}" for c in t if ord(c) < 0xd800) + '"'),
    st.sampled_from(["[1, 2]", "{ a = 1 }", "2026-01-02", "1979-05-27T07:32:00Z", '"2026-13-45"', '"department"',
                     "[", "'''", '"x" = 1']))
SIDECARS = st.one_of(
    st.dictionaries(st.sampled_from(["title", "issuer", "issuer_level", "province", "plan_year", "plan_period",
                                     "plan_number", "issued_date", "framework", "colour"]), TOML_VALUES, max_size=4)
    .map(lambda d: "\n".join(f"{k} = {v}" for k, v in d.items()).encode("utf-8")),
    st.binary(max_size=64))
ENTRY = st.tuples(st.lists(NAMES, min_size=0, max_size=3),
                  st.sampled_from(["plan", "junk", "empty", "fifo", "link-in", "link-out", "loop", "dir-up"]),
                  st.sampled_from([".txt", ".docx", ".pdf", ".doc", ".TXT", ""]), st.none() | SIDECARS)


def build_tree(raw: Path, outside: Path, entries) -> None:
    """Make each random entry under raw; a name the filesystem refuses is simply skipped."""
    for folders, kind, suffix, sidecar in entries:
        try:
            folder = raw.joinpath(*[os.fsdecode(os.fsencode(f.replace("/", "_"))) for f in folders])
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"f{len(list(folder.iterdir()))}{suffix}"
            if kind == "plan":
                path.write_bytes(seed_path("004").read_bytes())
            elif kind == "junk":
                path.write_bytes(os.urandom(64))
            elif kind == "empty":
                path.write_bytes(b"")
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "link-in":
                os.symlink(raw / "good.txt", path)
            elif kind == "link-out":
                os.symlink(outside, path)
            elif kind == "loop":
                os.symlink(path.name, path)
            else:
                os.symlink("..", path)
            if sidecar is not None:
                path.with_name(path.name + ".meta.toml").write_bytes(sidecar)
        except (OSError, ValueError):
            continue


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(ENTRY, max_size=8), good_sidecar=st.none() | SIDECARS)
def test_random_trees_and_sidecars_never_stop_a_full_run(entries, good_sidecar):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        raw, outside = tmp / "raw", tmp / "outside.txt"
        outside.write_bytes(seed_path("000").read_bytes())
        put_seed(raw, "000", "good.txt")
        if good_sidecar is not None:
            (raw / "good.txt.meta.toml").write_bytes(good_sidecar)
        build_tree(raw, outside, entries)
        report = ingest(raw, tmp / "normalized", tmp / "cchc.duckdb", jobs=1)      # never raises
        assert report.record.exit_code in (EXIT_OK, EXIT_SOME_FAILED)
        assert all("\n" not in f.error and "\x1b" not in f.error for f in report.failures)
        assert len(report.documents) + len(report.failures) >= 1 and consistent(tmp / "cchc.duckdb")
        again = ingest(raw, tmp / "normalized", tmp / "cchc.duckdb", incremental=True, jobs=1)
        assert again.failed_now == [] and again.record.wrote_snapshot is False     # and the next night is quiet
