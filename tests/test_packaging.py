"""The database travels and the package installs: a copied database answers alone, a wheel in a fresh venv
builds the same database, and the DuckDB shell is the Python package's version."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.test_readme import STATEMENTS

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"       # installed by `make setup` (duckdb-cli, pinned)
COUNTS = ("SELECT count(*) FROM documents", "SELECT count(*) FROM tasks", "SELECT count(*) FROM coverage",
          "SELECT count(*) FROM alignment", "SELECT status, count(*) FROM coverage GROUP BY ALL ORDER BY ALL")


def shell(db: Path, sql: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run sql through the DuckDB CLI binary on db, read-only, as an analyst would."""
    return subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(db), "-c", sql], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_the_shell_is_the_python_packages_version():
    assert DUCKDB_CLI.exists(), "make setup installs the DuckDB shell (duckdb-cli) into the venv"
    out = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert out.split()[0].lstrip("v") == duckdb.__version__


def test_a_database_copied_alone_answers_every_readme_question(sample_ingest, tmp_path):
    tmp, _ = sample_ingest
    away = tmp_path / "elsewhere" / "cchc.duckdb"           # no normalized/, no checkout beside it
    away.parent.mkdir()
    shutil.copyfile(tmp / "cchc.duckdb", away)
    for sql in STATEMENTS:
        out = shell(away, sql + ";", cwd=tmp_path)
        assert out.returncode == 0 and "Error" not in out.stderr, (sql, out.stderr)
    here = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    there = duckdb.connect(str(away), read_only=True)
    for sql in COUNTS:
        assert there.execute(sql).fetchall() == here.execute(sql).fetchall(), sql


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    """A fresh venv with the project's wheel installed; its dependencies come from this venv (no network)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"                       # a clean tree: no build/ left over from an older checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "data",
                                                                 "tests", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp / "dist"), str(source)], check=True, timeout=300, capture_output=True)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    wheel = next((tmp / "dist").glob("cchc_etl-*.whl"))
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, timeout=300, capture_output=True)
    # The dependencies: this venv's site-packages as a plain path (its own .pth files, among them the
    # checkout's editable install, are not read from there), after the wheel's own packages.
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv


def test_a_wheel_in_a_fresh_venv_builds_the_same_database(wheel_venv, sample_ingest, tmp_path):
    tmp, _ = sample_ingest
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    python = wheel_venv / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import pipeline, pipeline.database.build as b; print(pipeline.__file__);"
                            " print(b.SQL_DIR)"], capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert str(ROOT) not in where, where                    # the installed package, not the checkout
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([str(python), "-m", "pipeline.cli", "ingest", "--raw", "raw", "--out", "normalized",
                          "--db", "cchc.duckdb"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    here = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    built = duckdb.connect(str(tmp_path / "cchc.duckdb"), read_only=True)
    for sql in COUNTS:
        assert built.execute(sql).fetchall() == here.execute(sql).fetchall(), sql
    objects = "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    assert sorted(built.execute(objects).fetchall()) == sorted(here.execute(objects).fetchall())
