"""Confidence flags on records assembled from OCR words.

A record knows its page, its anchor line and its raw text (its lines joined by newlines); the OcrWords are still
on the page's TextLines, so the record's words are found again by line text near the anchor, and each amount/date
cell by the word whose text holds it (a glued word cut by the assembler keeps the confidence of the word it was cut
from). A word the line builder joined from two OCR words is no longer an OcrWord: it takes the lowest confidence of
the OCR words its box covers, or 0 when none.
"""

from __future__ import annotations

import re
import statistics

from explorer.ingest.ocr.tsv import OcrWord
from explorer.ingest.pdf import tokens
from explorer.ingest.pdf.words import TextLine, Word

# '000,00' is the tail of '20.000.000,00' whose head OCR read as a separate word: no bank prints a leading zero group
_LEADING_ZERO = re.compile(r"^0\d")
WINDOW = 12  # lines either side of the anchor searched for the record's lines


def _conf(w: Word, page_words: list[OcrWord]) -> float:
    if isinstance(w, OcrWord):
        return w.conf
    inside = [
        o.conf
        for o in page_words
        if o.x0 >= w.x0 - 0.5 and o.x1 <= w.x1 + 0.5 and o.top < w.bottom and o.bottom > w.top
    ]
    return min(inside) if inside else 0.0


def _squash(text: str) -> str:
    return "".join(text.split())


def _record_lines(rec, lines: list[TextLine]) -> list[TextLine]:
    """The page lines a record was built from (compared without spaces: the assembler cuts glued words apart)."""
    texts = {_squash(t) for t in rec.raw.split("\n")}
    near = [ln for ln in lines if abs(ln.index - rec.line) <= WINDOW and _squash(ln.text) in texts]
    return near or [ln for ln in lines if ln.index == rec.line]


def _cell_conf(text: str, words: list[tuple[Word, float]]) -> float | None:
    """Lowest confidence of the words that make up a cell's text (None when no word holds it)."""
    hits = [c for w, c in words if text in w.text]
    if hits:
        return min(hits)
    parts = text.split()
    hits = [c for w, c in words if w.text in parts or (len(w.text) > 1 and w.text in text)]
    return min(hits) if hits else None


def mark_records(
    st,
    pages: list[list[TextLine]],
    ocr_pages: list[int],
    min_amount: float | None = None,
    min_date: float | None = None,
) -> None:
    from explorer.ingest import ocr

    min_amount = ocr.MIN_AMOUNT_CONF if min_amount is None else min_amount
    min_date = ocr.MIN_DATE_CONF if min_date is None else min_date
    on = set(ocr_pages)
    spec_numbers = "any"
    from explorer.ingest.pdf.specs import FAMILIES

    if st.family in FAMILIES:
        spec_numbers = FAMILIES[st.family].numbers
    all_words: dict[int, list[OcrWord]] = {}
    set_aside = 0
    for rec in st.records:
        if rec.page not in on:
            continue
        lines = pages[rec.page - 1]
        if rec.page not in all_words:
            all_words[rec.page] = [w for ln in lines for w in ln.words if isinstance(w, OcrWord)]
        pw = all_words[rec.page]
        words = [(w, _conf(w, pw)) for ln in _record_lines(rec, lines) for w in ln.words]
        mean = statistics.fmean(c for _, c in words) if words else 0.0
        rec.flags.insert(0, f"ocr (mean confidence {mean:.0f})")
        low = False
        for role in AMOUNT_ROLES:
            text = rec.cells.get(role, "")
            if not text:
                continue
            c = _cell_conf(text, words)
            c = 0.0 if c is None else c
            well_formed = (
                tokens.is_amount(text, spec_numbers) or (role == "balance" and text.isdigit())
            ) and not _LEADING_ZERO.match(text)
            if c < min_amount or not well_formed:
                what = "amount" if role != "balance" else "balance"
                why = "" if well_formed else ", not a well-formed amount"
                rec.flags.append(f"ocr: low confidence on {what} {text!r} ({c:.0f}{why})")
                rec.cells[role] = ""
                low = True
        for role in ("date", "value_date"):
            text = rec.cells.get(role, "")
            if not text:
                continue
            c = _cell_conf(text, words)
            c = 0.0 if c is None else c
            if c < min_date or not tokens.valid_date(tokens.fix_date(text)[0]):
                rec.flags.append(f"ocr: low confidence on date {text!r} ({c:.0f})")
                rec.cells[role] = ""
                low = True
        set_aside += low
    n = sum(1 for r in st.records if r.page in on)
    st.notes.append(
        f"pages {', '.join(map(str, sorted(on)))} were read by OCR (Tesseract): {n} record(s) from OCR, "
        f"{set_aside} with a low-confidence amount or date left empty for review"
    )


AMOUNT_ROLES = ("debit", "credit", "amount", "balance")
