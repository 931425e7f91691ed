"""Child programs that die with the run: a small guard process between a parser and the program it starts.

LibreOffice (and OCR tools) run in their own process group, so a timeout can kill the whole
group; but a run killed with SIGKILL cannot kill anything, and the program would go on, its
temporary folder never removed. So the parser starts a guard (a few lines of Python) that
starts the program and watches a pipe the parser holds open: when the pipe closes, because
the parser finished, gave up or was killed, the guard kills the program's process group and
removes the temporary folder. Terminal and service signals (Ctrl-C, SIGTERM) reach the parser,
not the guard: the guard outlives the parser only long enough to clean up after it.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

GUARD_EXIT_TIMEOUT = 124           # the guard's exit code when the program ran past its time
GUARD_EXIT_ORPHANED = 137          # … when the parser went away (the program was killed)
BACKSTOP_S = 30                    # the parser waits this much longer than the guard's own timeout
PR_SET_PDEATHSIG = 1               # prctl(2): the signal a process gets when its parent goes


def die_with_parent() -> None:
    """Have the kernel kill this process (SIGKILL) when the process that started it goes, even by kill -9: a
    worker process (a parse worker, a scoring process) never outlives its run. Linux only; elsewhere nothing."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


GUARD = r"""
import os, shutil, signal, subprocess, sys, threading
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(sig, signal.SIG_IGN)          # only the pipe tells the guard to go
alive_fd, timeout, workdir, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4:]
# the program's own temporary files go into workdir too, so they go with it
child = subprocess.Popen(command, cwd=workdir, start_new_session=True, stdin=subprocess.DEVNULL,
                         env={**os.environ, "TMPDIR": workdir})
ending = threading.Lock()                        # whoever takes it first decides how the guard ends

def kill_group():
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

def watch():
    while os.read(alive_fd, 1):                  # b"": the parser closed its end or is gone
        pass
    if not ending.acquire(blocking=False):
        return                                   # the program ended first: the parser reads its output
    kill_group()
    child.wait()
    shutil.rmtree(workdir, ignore_errors=True)
    os._exit(137)

threading.Thread(target=watch, daemon=True).start()
try:
    code = child.wait(timeout)
except subprocess.TimeoutExpired:
    kill_group()
    child.wait()
    code = 124
kill_group()                                     # a helper the program left behind in its group
ending.acquire()                                 # blocks for ever if the watcher is cleaning up: it exits
sys.exit(code)
"""


@dataclass
class Finished:
    """What a guarded program did: its exit code (124: timed out, 137: the parser went away) and its output."""

    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def timed_out(self) -> bool:
        return self.returncode == GUARD_EXIT_TIMEOUT


def run_guarded(command: list[str], workdir: Path, timeout: float) -> Finished:
    """Run command in workdir under a guard; it is killed, and workdir removed, if this process dies first.

    Returns when the program ends (or is killed after `timeout` seconds); workdir stays for the
    caller to read and remove.
    """
    alive_read, alive_write = os.pipe()
    try:
        guard = subprocess.Popen([sys.executable, "-c", GUARD, str(alive_read), str(timeout), str(workdir), *command],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 pass_fds=(alive_read,), start_new_session=True)
    except BaseException:
        os.close(alive_write)
        raise
    finally:
        os.close(alive_read)
    try:
        out, err = guard.communicate(timeout=timeout + BACKSTOP_S)
    except subprocess.TimeoutExpired:
        os.close(alive_write)                   # the guard kills the program and removes workdir
        alive_write = -1
        out, err = guard.communicate()
        return Finished(GUARD_EXIT_TIMEOUT, out, err)
    finally:
        if alive_write >= 0:
            os.close(alive_write)
    return Finished(guard.returncode, out, err)


def make_workdir(prefix: str) -> Path:
    """Return a new private temporary folder whose name carries this process's pid."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def remove_workdir(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
