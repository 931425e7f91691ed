"""Shared fixtures: the seed plans, parsed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL = SHARED / "real"
GOLD = SHARED / "gold"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SEED_FILES = {
    "000": "000_3f47597210ee7808.txt",
    "001": "001_739eac5672039361.txt",
    "002": "002_e34e126762d9ad74.txt",
    "003": "003_9b0bb8ab07a8216a.txt",
    "004": "004_a8035104faffa2dd.txt",
}


def seed_path(key: str) -> Path:
    path = SEEDS / SEED_FILES[key]
    if not path.exists():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    return path


@pytest.fixture(scope="session")
def seed_results():
    """Parse each seed once: {"000": FileResult, ...}."""
    from pipeline.batch.process import process_file

    return {key: process_file(seed_path(key), SEEDS) for key in SEED_FILES}


@pytest.fixture(scope="session")
def sample_ingest(tmp_path_factory):
    """Ingest the repository's data/raw once per session into a temporary folder: (folder, report).

    Tests read what it wrote (Parquet, tmp/cchc.duckdb) and never change it.
    """
    import shutil

    from pipeline.batch.run import ingest

    tmp = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "data" / "raw", tmp / "raw")
    report = ingest(tmp / "raw", tmp / "normalized", tmp / "cchc.duckdb")
    return tmp, report


@pytest.fixture(scope="session")
def sample_con(sample_ingest):
    """A read-only connection to the sample ingest's database (shared: tests only read through it)."""
    import duckdb

    tmp, _ = sample_ingest
    connection = duckdb.connect(str(tmp / "cchc.duckdb"), read_only=True)
    yield connection
    connection.close()


def hear_ctrl_c() -> None:
    """preexec_fn for a child that must hear SIGINT: a job started in the background (CI, `cmd &`) inherits
    SIGINT ignored, and Python then installs no KeyboardInterrupt for it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
