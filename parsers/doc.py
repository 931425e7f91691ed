"""Parse an old binary Word file (.doc, Word 97-2003): convert it to .docx with LibreOffice, then
read that with the DOCX parser.

LibreOffice is optional: without `soffice` on the PATH a .doc gives a one-line error naming the
file and the package to install (`make setup-full` installs it). Each conversion runs headless
in its own temporary folder `/tmp/cchc-doc-<pid>-…` and user profile (so runs in parallel do
not share a profile), under a guard (`parsers.child`): after the timeout, or as soon as the
process that asked for it dies (even by kill -9), the whole LibreOffice process group is
killed and the folder removed.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from parsers.child import make_workdir, remove_workdir, run_guarded
from parsers.docx import parse_docx
from parsers.docx.package import ENCRYPTED_STREAM
from parsers.errors import Corrupt, Encrypted, ParseError, UnsupportedFormat
from parsers.grid import ParsedFile

CONVERT_TIMEOUT = 180            # seconds: a first start of LibreOffice builds its profile
SOFFICE_NAMES = ("soffice", "libreoffice")
WORKDIR_PREFIX = "cchc-doc-"
INSTALL_HINT = "install LibreOffice (apt-get install libreoffice-writer, or make setup-full) or save it as .docx"


def find_soffice() -> str | None:
    """Return the path of LibreOffice's `soffice` (or `libreoffice`) command, or None."""
    return next((found for name in SOFFICE_NAMES if (found := shutil.which(name))), None)


def parse_doc(path: str | Path) -> ParsedFile:
    """Given a .doc plan, return what the DOCX parser makes of its LibreOffice conversion."""
    path = Path(path)
    with path.open("rb") as fh:
        if ENCRYPTED_STREAM in fh.read(64 * 1024 * 1024):
            raise Encrypted(path, "password-protected Word file: remove the password in Word and save again")
    soffice = find_soffice()
    if soffice is None:
        raise UnsupportedFormat(path, f".doc (Word 97-2003) needs LibreOffice to convert: {INSTALL_HINT}")
    workdir = make_workdir(WORKDIR_PREFIX)
    try:
        converted = convert_to_docx(path, workdir, soffice)
        try:
            parsed = parse_docx(converted)
        except ParseError as exc:
            raise type(exc)(path, exc.reason) from None
    finally:
        remove_workdir(workdir)
    parsed.warnings.insert(0, "converted from .doc with LibreOffice")
    return parsed


def convert_to_docx(path: Path, workdir: Path, soffice: str, timeout: float = CONVERT_TIMEOUT) -> Path:
    """Given a .doc and an empty folder, return the .docx LibreOffice writes there (errors name path)."""
    source = workdir / "input.doc"                 # a plain name: LibreOffice trips on some file names
    shutil.copyfile(path, source)
    command = [soffice, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--nologo", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(workdir / "out"), str(source)]
    done = run_guarded(command, workdir, timeout)
    if done.timed_out:
        raise Corrupt(path, f"LibreOffice did not convert it within {timeout:g} s")
    target = workdir / "out" / "input.docx"
    if not target.exists():
        detail = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1][:160]
        raise Corrupt(path, f"LibreOffice could not convert it ({detail})")
    return target
