"""Worker functions that misbehave on one file, for the tests of the wall (tests/test_batch_wall.py).

This module imports little on purpose: a worker unpickles these functions by importing it.
Each reads the files whose name says "hog", "burn", "hang" or "die" its own way and every
other file as `work` does.
"""
from __future__ import annotations

import os
import signal
import time

from pipeline.batch import workers

GIB = 1024 ** 3


def misbehave(item: workers.WorkItem) -> workers.WorkResult:
    """On a file named *hog*, eat memory; *burn*, CPU; *hang*, sleep deaf to alarms; *die*, die; else work."""
    name = os.path.basename(item.path)
    if "hog" in name:
        workers.pool.announce(workers.WorkResult(item.rel, "failed", *_stat(item.path)))
        hoard = []
        for _ in range(4 * 1024):                  # 4 GiB, 1 MiB at a time, touched so it is really held
            hoard.append(bytearray(1024 * 1024))
        return workers.WorkResult(item.rel, "ok")
    if "burn" in name:
        while True:
            pass
    if "hang" in name:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGXCPU})   # as a C call stuck would be
        time.sleep(3600)
    if "die" in name:
        workers.pool.announce(workers.WorkResult(item.rel, "failed", *_stat(item.path)))
        os.kill(os.getpid(), signal.SIGKILL)
    return workers.work(item)


def _stat(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
