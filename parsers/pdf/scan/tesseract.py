"""Run the `tesseract` program: words with boxes and confidence from images, and a page's orientation.

Each run is a child process that cannot outlive the run: it has a timeout, it is killed
when the call is left by an error, and it is started under `setpriv --pdeathsig KILL`
(util-linux) so that a parent killed outright (a worker over its memory cap, `kill -9`)
takes it along. It is held by `prlimit` to CHILD_MEMORY_MB of address space and to its
timeout in CPU seconds, so that the reader can count it inside the file's own caps
(`pages.within_the_file_cap`). OpenMP is held to one thread per run: pages run side by side instead.
Several images (a page's cells) go to one run as a list file, each read as its own page,
so the Vietnamese model loads once per page, not once per cell.
"""
from __future__ import annotations

import csv
import io
import os
import re
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

LANG = "vie"
TIMEOUT = 120                # seconds for one run (a page's cells, or one page's body)
CHILD_MEMORY_MB = 192        # address space one run may take (a whole 300 dpi page reads in 128 MB)
MIN_CONFIDENCE = 0           # Tesseract gives -1 to its non-words; real words can score 0
# tessedit_do_invert=0: no second reading of each line as white-on-black (Tesseract 5 does
# it for every doubtful line, which doubles the time and never helps on paper scans).
CONFIG = ("-c", "tessedit_do_invert=0")
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


class TesseractFailed(RuntimeError):
    """Tesseract could not be run, failed, or ran past its timeout."""


@dataclass
class Word:
    """One word as Tesseract read it: text, box in pixels of its image, line key and confidence (0–100)."""

    text: str
    x0: int
    top: int
    x1: int
    bottom: int
    line: tuple[int, int, int]
    confidence: float


@cache
def available(lang: str = LANG) -> bool:
    """Say whether the `tesseract` program is installed with the language's data."""
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return lang in out.stdout.split()


def _command(args: list[str], timeout: float = TIMEOUT) -> list[str]:
    """Return the command line that runs tesseract with `args`, dying with its parent and held to its caps.

    Where util-linux is missing the run still has its timeout, but neither tie nor caps.
    """
    setpriv, prlimit = shutil.which("setpriv"), shutil.which("prlimit")
    exe = shutil.which("tesseract") or "tesseract"
    memory, cpu = _capped(resource.RLIMIT_AS, CHILD_MEMORY_MB * 2**20), _capped(resource.RLIMIT_CPU, int(timeout) + 1)
    caps = [prlimit, f"--as={memory}", f"--cpu={cpu}", "--"] if prlimit else []
    return ([setpriv, "--pdeathsig", "KILL"] if setpriv else []) + caps + [exe, *args]


def _capped(which: int, wanted: int) -> int:
    """Return `wanted`, or the hard limit this process has when it is lower (a child may not be given more)."""
    hard = resource.getrlimit(which)[1]
    return wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)


def run(args: list[str], timeout: float = TIMEOUT) -> str:
    """Given tesseract's arguments, return its standard output; raise TesseractFailed on any failure."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        child = subprocess.Popen(_command(args, timeout), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                 text=True)
    except OSError as exc:
        raise TesseractFailed(f"tesseract could not start ({exc.strerror or exc})") from None
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TesseractFailed(f"tesseract ran past {timeout:.0f} s") from None
    finally:
        if child.poll() is None:         # left by a timeout or an interrupt: the child goes too
            child.kill()
            child.wait()
    if child.returncode:
        last = (err.strip().splitlines() or ["no message"])[-1]
        raise TesseractFailed(f"tesseract failed ({last[:80]})")
    return out


def read_images(images: list[np.ndarray], psm: str, lang: str = LANG, dpi: int = 300,
                extra: tuple[str, ...] = ()) -> list[list[Word]]:
    """Given grey images, return the words Tesseract reads in each, in one run (psm: its page segmentation mode)."""
    if not images:
        return []
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="cchc-ocr-") as tmp:
        names = []
        for k, image in enumerate(images):
            name = Path(tmp) / f"{k:04d}.png"
            Image.fromarray(image).save(name, dpi=(dpi, dpi), compress_level=1)
            names.append(str(name))
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        source = names[0] if len(names) == 1 else str(listing)
        out = run([source, "stdout", "-l", lang, "--psm", psm, "--dpi", str(dpi), *CONFIG, *extra, "tsv"])
    return tsv_words(out, len(images))


def tsv_words(tsv: str, pages: int) -> list[list[Word]]:
    """Given Tesseract's TSV output over `pages` images, return each image's words."""
    found: list[list[Word]] = [[] for _ in range(pages)]
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        confidence = float(row.get("conf") or -1)
        if not text or confidence < MIN_CONFIDENCE:
            continue
        page = int(row["page_num"]) - 1
        left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        if 0 <= page < pages:
            found[page].append(Word(text, left, top, left + width, top + height, key, confidence))
    return found


def orientation(image: np.ndarray, dpi: int) -> tuple[int, float]:
    """Given a page image, return (degrees to turn it clockwise to read upright, confidence) by Tesseract's OSD."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="cchc-osd-") as tmp:
        name = Path(tmp) / "page.png"
        Image.fromarray(image).save(name, dpi=(dpi, dpi), compress_level=1)
        try:
            out = run([str(name), "stdout", "--psm", "0", "--dpi", str(dpi)], timeout=TIMEOUT / 2)
        except TesseractFailed:
            return 0, 0.0                # too little text to tell: taken as upright
    turn, confidence = _ROTATE.search(out), _CONFIDENCE.search(out)
    return (int(turn[1]) if turn else 0), (float(confidence[1]) if confidence else 0.0)
