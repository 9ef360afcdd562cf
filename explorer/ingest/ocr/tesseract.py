"""Run the tesseract command line on one image and return its TSV (word boxes and confidences).

The command is called directly (no pytesseract): one subprocess per page, the image passed on stdin as PNM (no
compression to spend time on), TSV read from stdout. OMP_THREAD_LIMIT=1: on this 2-core machine shared with other
work, Tesseract's OpenMP threads made a page 5–7× slower (14 s instead of 2 s at 200 dpi), never faster.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import lru_cache

from PIL import Image

LANGS = "vie+eng"
INSTALL_HINT = "scanned pages need Tesseract: apt-get install tesseract-ocr tesseract-ocr-vie"


class TesseractError(RuntimeError):
    pass


def binary() -> str | None:
    return os.environ.get("EXPLORER_TESSERACT") or shutil.which("tesseract")


@lru_cache(maxsize=4)
def _langs(exe: str) -> frozenset[str]:
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(ln.strip() for ln in (out.stdout + out.stderr).splitlines()[1:] if ln.strip())


def missing() -> str | None:
    """Why OCR cannot run here (with the install hint), or None when Tesseract and its Vietnamese model are present."""
    exe = binary()
    if not exe:
        return f"{INSTALL_HINT} (no 'tesseract' command found)"
    langs = _langs(exe)
    if "vie" not in langs:
        return f"{INSTALL_HINT} (tesseract has no Vietnamese model 'vie'; it has: {', '.join(sorted(langs)) or 'none'})"
    return None


def run_tsv(img: Image.Image, *, langs: str = LANGS, psm: int = 3, dpi: int = 300, timeout: float = 120) -> str:
    exe = binary()
    if not exe:
        raise TesseractError(INSTALL_HINT)
    buf = io.BytesIO()
    img.save(buf, format="PPM")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        out = subprocess.run(
            [exe, "stdin", "stdout", "-l", langs, "--psm", str(psm), "--dpi", str(dpi), "tsv"],
            input=buf.getvalue(),
            capture_output=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise TesseractError(f"tesseract took more than {timeout:.0f} s on one page") from None
    except OSError as e:
        raise TesseractError(f"tesseract could not be started ({e}); {INSTALL_HINT}") from None
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TesseractError(f"tesseract failed (exit {out.returncode}): {err[-1] if err else 'no message'}")
    return out.stdout.decode("utf-8", "replace")
