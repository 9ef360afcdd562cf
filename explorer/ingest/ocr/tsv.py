"""Tesseract TSV → OcrWords in top-down PDF points."""

from __future__ import annotations

import re
from dataclasses import dataclass

from explorer.ingest.pdf.words import Word

_FIX = str.maketrans({"\u2014": "-", "\u2013": "-", "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


@dataclass(slots=True)
class OcrWord(Word):
    conf: float = 0.0  # Tesseract's word confidence, 0–100


# What Tesseract makes of leftover table rules and shading: '|', '_', '¬', '~', quotes. Statements print none of these
# in their cells (memos keep '-', '.', ',', ':', '/', '(', ')'). A word made of them (and punctuation) is dropped; a
# run of '|'/'_' inside a word ('dịch___|Ngày', two header cells read across a rule) splits it. Left in, a tall '|'
# raised the line height and so the header's cell gap, merging neighbouring headings into one cell.
_JUNK = set("|_¬~`'\"\u2018\u2019\u201c\u201d")
_SPLIT = re.compile(r"[|_]+")


def _clean(text: str, x0: int, x1: int) -> list[tuple[str, int, int]]:
    out = []
    pos = 0
    n = max(len(text), 1)
    step = (x1 - x0) / n
    for m in list(_SPLIT.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        part = text[pos:end]
        lead = len(part) - len(part.lstrip("".join(_JUNK)))
        core = part.strip("".join(_JUNK))
        if core and (any(c.isalnum() for c in core) or not any(c in _JUNK for c in text)):
            a = pos + lead
            out.append((core, round(x0 + a * step), round(x0 + (a + len(core)) * step)))
        if m:
            pos = m.end()
    if len(out) == 1 and out[0][0] == text:
        return [(text, x0, x1)]
    return out


def _trim_wide(words: list[OcrWord]) -> list[OcrWord]:
    """A word read with very low confidence and a box far wider than its text (Tesseract took rule residue or shading
    into the box: 'dich.' 31 pt wide where 5 characters take 22) gets its right edge pulled in to the width its text
    needs at the page's median character width. The junk trails in the cases seen; the wide box otherwise closes the
    gap to the next heading and merges two header cells."""
    widths = sorted((w.x1 - w.x0) / len(w.text) for w in words if w.conf >= 80 and len(w.text) >= 3)
    if not widths:
        return words
    cw = widths[len(widths) // 2]
    for w in words:
        need = len(w.text) * cw * 1.15
        if w.conf < LOW_CONF_TRIM and w.x1 - w.x0 > need * 1.3:
            w.x1 = w.x0 + need
    return words


LOW_CONF_TRIM = 30.0


def words_from_tsv(tsv: str, scale: float, *, min_conf: float = 0.0, trim: bool = True) -> list[OcrWord]:
    """Word rows (level 5) of Tesseract TSV; boxes scaled by `scale` (points per pixel). Empty and junk words
    dropped, words glued across a rule split (see _JUNK)."""
    out: list[OcrWord] = []
    lines = tsv.splitlines()
    for ln in lines[1:]:
        f = ln.split("\t")
        if len(f) < 12 or f[0] != "5":
            continue
        text = f[11].strip().translate(_FIX)
        if not text:
            continue
        try:
            left, top, width, height = (int(v) for v in f[6:10])
            conf = float(f[10])
        except ValueError:
            continue
        if conf < min_conf:
            continue
        for part, a, b in _clean(text, left, left + width):
            out.append(OcrWord(part, a * scale, b * scale, top * scale, (top + height) * scale, conf=max(conf, 0.0)))
    return _trim_wide(out) if trim else out
