"""LibreOffice dies with the run: a conversion whose parser is killed (kill -9) leaves no process and no
/tmp/cchc-doc-* folder behind, on the in-process path and the worker path."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parsers.child import run_guarded
from tests.conftest import REAL, ROOT, seed_path
from tests.test_nightly_truth import light_cli

KMT = REAL / "lamdong-kh-kmt-2026.doc"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until(test, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(0.05)
    return test()


CONVERT = """
import sys
from pathlib import Path
from parsers.doc import parse_doc
import parsers.doc as doc
doc.find_soffice = lambda: sys.argv[2]
parse_doc(Path(sys.argv[1]))
"""


def test_a_killed_parser_takes_its_conversion_and_folder_with_it(tmp_path):
    fake = tmp_path / "soffice"
    pids = tmp_path / "pids"
    fake.write_text(f"#!/bin/sh\necho $$ >> {pids}\nsleep 60 &\necho $! >> {pids}\nwait\n")  # a helper in its group
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    plan = tmp_path / "plan.doc"
    plan.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(508))
    temp = tmp_path / "tmp"
    temp.mkdir()
    parser = subprocess.Popen([sys.executable, "-c", CONVERT, str(plan), str(fake)], cwd=ROOT,
                              env={**os.environ, "TMPDIR": str(temp)})
    assert wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 2, 30)
    assert [p.name.startswith(f"cchc-doc-{parser.pid}-") for p in temp.iterdir()] == [True]
    started = [int(p) for p in pids.read_text().split()]
    parser.send_signal(signal.SIGKILL)
    parser.wait()
    assert wait_until(lambda: not any(alive(p) for p in started), 10), "the conversion outlived its parser"
    assert wait_until(lambda: not list(temp.iterdir()), 10), "its temporary folder was left behind"


def test_a_guarded_program_past_its_time_is_killed(tmp_path):
    started = time.monotonic()
    done = run_guarded(["sh", "-c", "sleep 30"], tmp_path, timeout=0.5)
    assert done.timed_out and time.monotonic() - started < 10
    done = run_guarded(["sh", "-c", "echo hello; echo oops >&2; exit 3"], tmp_path, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (3, b"hello\n", b"oops\n")
    assert tmp_path.exists()                       # the caller's to remove once it has read the result


def soffice_processes(tag: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and tag.encode() in (proc / "environ").read_bytes() and \
                    b"soffice" in (proc / "cmdline").read_bytes() and alive(int(proc.name)):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice is not installed (make setup-full)")
@pytest.mark.parametrize("files", [1, 8], ids=["in-process", "workers"])
def test_a_killed_run_takes_libreoffice_with_it(tmp_path, files):
    if not KMT.exists():
        pytest.skip(f"shared real files not found at {REAL}")
    raw, temp = tmp_path / "raw", tmp_path / "tmp"
    raw.mkdir()
    temp.mkdir()
    shutil.copy(KMT, raw / "kmt.doc")                          # a tmp copy for the run; the original stays
    for i in range(files - 1):                                 # 8 files: the batch uses worker processes
        (raw / f"plan-{i}.txt").write_bytes(seed_path("000").read_bytes() + b"\n" * i)
    tag = f"CCHC_DOC_TEST={os.getpid()}-{time.time_ns()}"
    env = {**os.environ, "TMPDIR": str(temp), tag.split("=")[0]: tag.split("=")[1]}
    run = subprocess.Popen(light_cli("ingest", "--incremental", "--jobs", "2", "--raw", str(raw), "--out",
                                     str(tmp_path / "normalized"), "--db", str(tmp_path / "cchc.duckdb")),
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: soffice_processes(tag), 120), "LibreOffice never started"
        assert any(p.name.startswith("cchc-doc-") for p in temp.iterdir())
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    assert wait_until(lambda: not soffice_processes(tag), 20), "LibreOffice outlived the killed run"
    assert wait_until(lambda: not any(p.name.startswith("cchc-doc-") for p in temp.iterdir()), 10), \
        f"left behind: {sorted(p.name for p in temp.iterdir())}"
