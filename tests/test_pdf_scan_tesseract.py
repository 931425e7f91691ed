"""Tesseract child processes die with the run: on a timeout, and when the parent is killed outright.

A stand-in `tesseract` (a script that writes its pid and sleeps) is put first on PATH, so
these tests need no Tesseract.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from parsers.pdf.scan import tesseract
from tests.conftest import ROOT
from tests.test_doc_child import alive
from tests.test_doc_child import wait_until as wait_for


@pytest.fixture
def sleeping_tesseract(tmp_path, monkeypatch):
    """Put a `tesseract` that writes its pid to tmp/pid and sleeps a minute first on PATH; return the pid file."""
    script = tmp_path / "bin" / "tesseract"
    script.parent.mkdir()
    script.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 60\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "pid"


def test_a_run_past_its_timeout_is_killed(sleeping_tesseract):
    start = time.monotonic()
    with pytest.raises(tesseract.TesseractFailed, match="ran past 1 s"):
        tesseract.run(["page.png", "stdout"], timeout=1)
    assert time.monotonic() - start < 10
    assert not alive(int(sleeping_tesseract.read_text()))


@pytest.mark.skipif(not shutil.which("setpriv") or not sys.platform.startswith("linux"),
                    reason="setpriv (util-linux) is needed to tie the child to its parent")
def test_a_killed_parent_takes_its_tesseract_along(sleeping_tesseract):
    parent = subprocess.Popen(
        [sys.executable, "-c", "from parsers.pdf.scan import tesseract; tesseract.run(['page.png', 'stdout'])"],
        cwd=ROOT, env=os.environ.copy())
    try:
        assert wait_for(lambda: sleeping_tesseract.exists() and sleeping_tesseract.read_text().strip(), 30)
        child = int(sleeping_tesseract.read_text())
        assert alive(child)
        parent.send_signal(signal.SIGKILL)                 # no cleanup runs in the parent
        parent.wait(10)
        assert wait_for(lambda: not alive(child), 10), "tesseract outlived its killed parent"
    finally:
        parent.kill()
        parent.wait()


def test_a_failing_tesseract_says_why(tmp_path, monkeypatch):
    script = tmp_path / "tesseract"
    script.write_text("#!/bin/sh\necho 'Error, could not read input file' >&2\nexit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(tesseract.TesseractFailed, match="could not read input file"):
        tesseract.run(["page.png", "stdout"])


@pytest.mark.skipif(not shutil.which("prlimit"), reason="prlimit (util-linux) is needed to cap the child")
def test_a_run_is_held_to_its_memory_and_cpu_caps(tmp_path, monkeypatch):
    script = tmp_path / "tesseract"
    script.write_text("#!/bin/sh\ncat /proc/self/limits\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    limits = {line[:26].strip(): line[26:].split()[0] for line in tesseract.run(["page.png", "stdout"],
                                                                                timeout=7).splitlines()[1:]}
    assert limits["Max address space"] == str(tesseract.CHILD_MEMORY_MB * 2**20)
    assert limits["Max cpu time"] == "8"
