"""Tesseract TSV → OcrWords in top-down PDF points."""
from __future__ import annotations

from dataclasses import dataclass

from explorer.ingest.pdf.words import Word

_FIX = str.maketrans({"\u2014": "-", "\u2013": "-", "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


@dataclass(slots=True)
class OcrWord(Word):
    conf: float = 0.0        # Tesseract's word confidence, 0–100


def words_from_tsv(tsv: str, scale: float, *, min_conf: float = 0.0) -> list[OcrWord]:
    """Word rows (level 5) of Tesseract TSV; boxes scaled by `scale` (points per pixel). Empty words dropped."""
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
        out.append(OcrWord(text, left * scale, (left + width) * scale, top * scale, (top + height) * scale,
                           conf=max(conf, 0.0)))
    return out
