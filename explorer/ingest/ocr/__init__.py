"""OCR source for scanned statements: image-only PDF pages → OcrWords (Word + Tesseract confidence).

    available() -> bool                       Tesseract with its Vietnamese model is installed
    missing() -> str | None                   why not, with the apt-get line to fix it
    page_words(pdf, page_index, dpi=300) -> list[OcrWord]
    read_pages(pdf, indices, dpi=300, progress=None) -> {index: [OcrWord]}
    mark(statement, pages)                    flags on records assembled from OCR words

Pipeline per page (explorer.ingest.ocr.render, .clean, .tesseract, .tsv): render at `dpi` with pypdfium2 (greyscale),
straighten a skew above 0.3°, flatten the paper (noise, shading), remove table rules, run
`tesseract -l vie+eng --psm 3` to TSV, scale boxes to top-down
PDF points of the displayed page. Coordinates are those of the straightened image (same size, turned about its
centre), so rows come out level for explorer.ingest.pdf.words.group_lines and the family's header matching and record
assembly take them like a text layer.

Trust: every record built from OCR words gets the flag `ocr (mean confidence NN)`. An amount (or balance) whose
word confidence is under MIN_AMOUNT_CONF, or that is not a well-formed amount, is emptied and flagged
`ocr: low confidence on amount 'xxx' (NN)`, so the importer sets the row aside instead of writing a wrong figure;
a date under MIN_DATE_CONF is emptied and flagged the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from explorer.ingest.ocr.tesseract import INSTALL_HINT, TesseractError, missing
from explorer.ingest.ocr.tsv import OcrWord

__all__ = [
    "OcrWord",
    "available",
    "missing",
    "page_words",
    "read_pages",
    "mark",
    "INSTALL_HINT",
    "TesseractError",
    "MIN_AMOUNT_CONF",
    "MIN_DATE_CONF",
    "DPI",
    "last_timings",
]

DPI = 300
PSM = 3  # Tesseract page segmentation: 3 = automatic; 6 (one block) lost the shaded VBSP header
RETRY_PSM = 6  # first page without a recognisable table header: read again with this segmentation
HEADER_OK = 0.55  # the header score the assembler accepts
# Amounts/balances: below this the cell is emptied and the row set aside. Measured on the 14 fixtures scanned at two
# qualities (348 amounts): of 10 read with confidence 60–80, one was wrong ('12,000,000'); of 335 at ≥ 85 none was
# (bar two '000,00' tails, which the well-formedness rule rejects). 60 would have let the wrong one through.
MIN_AMOUNT_CONF = 80.0
MIN_DATE_CONF = 60.0  # dates
MIN_PAGE_WORDS = 8  # an image page with fewer confident words than this is not read as a statement page

last_timings: list[dict] = []  # per OCR'd page: {'page', 'render', 'clean', 'tesseract', 'words', 'skew'}


def available() -> bool:
    return missing() is None


def page_words(pdf, page_index: int, dpi: int | None = None) -> list[OcrWord]:
    """The words Tesseract reads on one page (0-based index), in top-down PDF points, each with its confidence.

    `pdf` is PDF bytes or an open pypdfium2 document. Raises TesseractError (message with the install hint) when
    Tesseract is missing or fails."""
    from explorer.ingest.ocr import clean, render, tesseract, tsv

    why = missing()
    if why:
        raise TesseractError(why)
    dpi = dpi or DPI
    doc, owned = render.open_doc(pdf)
    try:
        t0 = time.perf_counter()
        img = render.render_page(doc, page_index, dpi)
    finally:
        if owned:
            doc.close()
    t1 = time.perf_counter()
    img, angle = clean.deskew(img)
    img = clean.remove_rules(clean.normalize(img))
    t2 = time.perf_counter()
    scale = 72.0 / dpi
    words = tsv.words_from_tsv(tesseract.run_tsv(img, dpi=dpi, psm=PSM), scale)
    retried = False
    if page_index == 0 and RETRY_PSM and header_score(words) < HEADER_OK:
        # the first page must show the table header (it gives the columns for every page); a header word misread
        # ('S6 tién' for 'Số tiền') loses the whole file, and the other segmentation often reads it
        # Only the band above the data rows is read again (the header is there): a fraction of a page. The band
        # ends at the third date word (a title can print two: 'từ ngày 12/9/2024 đến 16/9/2024').
        from explorer.ingest.pdf.tokens import DATE

        tops = sorted(w.top for w in words if DATE.match(w.text))
        cut = img.height if len(tops) < 3 else min(img.height, int(tops[2] / scale) + 4)
        band = tsv.words_from_tsv(tesseract.run_tsv(img.crop((0, 0, img.width, cut)), dpi=dpi, psm=RETRY_PSM), scale)
        edge = cut * scale
        other = [w for w in band if w.bottom <= edge] + [w for w in words if w.bottom > edge]
        retried = True
        if header_score(other) > header_score(words):
            words = other
    t3 = time.perf_counter()
    last_timings.append(
        dict(
            page=page_index + 1,
            render=t1 - t0,
            clean=t2 - t1,
            tesseract=t3 - t2,
            words=len(words),
            skew=angle,
            retried=retried,
        )
    )
    del last_timings[:-1000]
    return words


def header_score(words) -> float:
    """The best table-header score any known family finds in these words (0 when no family's required columns)."""
    from explorer.ingest.pdf.header import find_header
    from explorer.ingest.pdf.specs import FAMILIES
    from explorer.ingest.pdf.words import group_lines

    lines = group_lines(list(words))
    best = 0.0
    for spec in FAMILIES.values():
        h = find_header(spec, lines)
        if h is not None and all(r in h.roles for r in spec.required):
            best = max(best, h.score)
    return best


def read_pages(
    pdf, indices, dpi: int | None = None, progress: Callable[[int, int], None] | None = None
) -> dict[int, list[OcrWord]]:
    """OCR several pages; progress(done, total) after each page."""
    from explorer.ingest.ocr import render

    doc, owned = render.open_doc(pdf)
    try:
        indices = list(indices)
        out = {}
        for k, i in enumerate(indices, 1):
            out[i] = page_words(doc, i, dpi)
            if progress is not None:
                progress(k, len(indices))
        return out
    finally:
        if owned:
            doc.close()


def words_for_empty_page(doc, page_index: int) -> list[OcrWord]:
    """The PDF reader's hook for a page without a text layer: OCR words when Tesseract is here, else [].

    A Tesseract failure on one page gives [] too, and so does a page with fewer than MIN_PAGE_WORDS words read with
    confidence ≥ 50 (a photo, a stamp, a signature page: a statement page has dozens): the reader then reports that
    page by number as unread rather than building records from a few stray glyphs."""
    if not available():
        return []
    try:
        words = page_words(doc, page_index)
    except TesseractError:
        return []
    if sum(1 for w in words if w.conf >= 50) < MIN_PAGE_WORDS:
        return []
    return words


def mark(st, pages) -> None:
    """Flag the records of a PdfStatement assembled from OCR words (see the module doc); note OCR'd pages, and
    say how to install Tesseract when image pages were left unread for want of it."""
    from explorer.ingest.ocr.trust import mark_records

    ocr_pages = [p for p, lines in enumerate(pages, 1) if any(isinstance(w, OcrWord) for ln in lines for w in ln.words)]
    if ocr_pages:
        mark_records(st, pages, ocr_pages)
    why = missing() if st.pages_without_text else None
    if why:
        st.notes.append(why)
