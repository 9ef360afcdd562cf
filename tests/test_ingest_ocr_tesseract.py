"""Scanned statements read by Tesseract: generated fixtures rendered to images with noise, a slight rotation and JPEG
artefacts, wrapped in image-only PDFs, read back through the PDF reader. Amounts must come out exactly right or be
set aside (cell empty + flag); never a wrong amount without a flag.

Tesseract is required in CI (CI=true → these tests fail when it is missing); elsewhere they are skipped without it.
Kept to a few pages (one Tesseract page costs 1.5–2.5 s of CPU here)."""

from __future__ import annotations

import os

import ocr_scans
import pdf_fixtures as F
import pytest

from explorer.ingest import ocr
from explorer.ingest.pdf import amount_value, read_pdf


@pytest.fixture(scope="module", autouse=True)
def tesseract_here():
    why = ocr.missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"Tesseract is required in CI: {why}")
        pytest.skip(f"Tesseract not available: {why}")


_CACHE: dict = {}

# (fixture, skew in degrees): one page each; families with an STT, glued cells, a balance chain
CASES = [("kho_bac_can_tho", 1.0), ("vietinbank", -0.8), ("vbsp_sao_ke", 0.6), ("kho_bac_thong_ke", -0.7)]


def scanned(name: str, angle: float, **kw):
    key = (name, angle, tuple(sorted(kw.items())))
    if key not in _CACHE:
        data, exp = F.FAMILY_FIXTURES[name]()
        text = read_pdf(data, f"{name}.pdf")
        scan = ocr_scans.scan(data, pages=[0], angle=angle, seed=len(name), **kw)
        ocr.last_timings.clear()
        words = ocr.page_words(scan, 0)  # one Tesseract run per case, kept for the tests below
        timings = list(ocr.last_timings)
        real = ocr.page_words
        ocr.page_words = lambda pdf, i, dpi=None: list(words)
        try:
            st = read_pdf(scan, f"{name}_scan.pdf")
        finally:
            ocr.page_words = real
        _CACHE[key] = (exp, [r for r in text.records if r.page == 1], st, timings)
        _SCANS[key] = (scan, words)
    return _CACHE[key]


_SCANS: dict = {}


def amount(rec) -> str:
    return rec.cells["credit"] or rec.cells["debit"] or rec.cells["amount"]


def set_aside(rec) -> bool:
    """The importer does not write this row as read: an OCR flag on it, or no amount, or no date."""
    return any(f.startswith("ocr: low confidence") for f in rec.flags) or not amount(rec) or not rec.cells["date"]


def assert_never_wrong(st, truth_records):
    """Row by row against the text layer's reading of the same page: an amount is exactly right, or it is empty /
    flagged. Rows are matched by order; an unmatched row must be set aside."""
    truth = [amount(r) for r in truth_records]
    for i, rec in enumerate(st.records):
        a = amount(rec)
        if not a:
            continue
        expected = truth[i] if i < len(truth) else None
        assert amount_value(a) == amount_value(expected) or set_aside(rec), (
            f"record {i}: OCR amount {a!r} accepted where the statement says {expected!r}: {rec.flags}"
        )


@pytest.mark.parametrize("name,angle", CASES)
def test_scanned_statement_read_exactly(name, angle):
    exp, truth, st, timings = scanned(name, angle)
    assert st.family == exp.family, st.why
    assert st.pages_without_text == []
    assert len(st.records) == len(truth)  # every row recovered
    assert all(r.flags and r.flags[0].startswith("ocr (mean confidence ") for r in st.records)
    assert_never_wrong(st, truth)
    right = sum(
        1
        for r, t in zip(st.records, truth, strict=False)
        if amount(r) and amount_value(amount(r)) == amount_value(amount(t))
    )
    assert right >= len(truth) - 1, [(amount(r), r.flags) for r in st.records]  # at most one row set aside
    dates = sum(1 for r, t in zip(st.records, truth, strict=False) if r.cells["date"] == t.cells["date"])
    assert dates >= len(truth) - 1
    # the skew was found and corrected
    assert timings and timings[0]["skew"] == pytest.approx(angle, abs=0.2)


def test_balance_chain_holds_on_the_ocr_rows():
    """VBSP: amounts and balances read by OCR chain (prev + amount == balance) except where the statement itself
    leaves rows out (the fixture's two breaks) — the chain the importer checks next."""
    exp, truth, st, _ = scanned("vbsp_sao_ke", 0.6)
    breaks = [i for i, r in enumerate(st.records) if any("does not follow" in f for f in r.flags)]
    assert breaks == [i for i, f in exp.flags.items() if "does not follow" in f and i < len(truth)]
    assert st.printed.opening_balance == exp.printed["opening_balance"]


def test_degraded_scan_sets_aside_never_writes_wrong():
    """A poor scan (72 dpi source, heavy noise, JPEG quality 20): whatever is lost must be set aside, not wrong."""
    exp, truth, st, _ = scanned("mttq_list_kho_bac", 1.2, dpi=110, noise=30.0, jpeg=20)
    assert st.records, st.notes
    assert_never_wrong(st, truth)


def test_threshold_sets_aside_with_flag(monkeypatch):
    """With the amount threshold above any confidence Tesseract gives, every amount is emptied and flagged with
    its OCR text and confidence: the mechanism the importer relies on to set rows aside."""
    scanned("kho_bac_can_tho", 1.0)
    scan, words = _SCANS[("kho_bac_can_tho", 1.0, ())]
    monkeypatch.setattr(ocr, "page_words", lambda pdf, i, dpi=None: list(words))
    monkeypatch.setattr(ocr, "MIN_AMOUNT_CONF", 100.1)
    st = read_pdf(scan, "scan.pdf")
    assert st.records
    for rec in st.records:
        assert rec.cells["credit"] == ""
        assert any(f.startswith("ocr: low confidence on amount '") for f in rec.flags), rec.flags


def test_page_words_api_and_progress():
    data, _ = F.FAMILY_FIXTURES["kho_bac_can_tho"]()
    scan = ocr_scans.scan(data, pages=[0], angle=0.0, seed=3)
    seen = []
    got = ocr.read_pages(scan, [0], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]
    words = got[0]
    assert words and all(isinstance(w, ocr.OcrWord) and 0 <= w.conf <= 100 for w in words)
    assert all(0 <= w.x0 < w.x1 <= 596 and 0 <= w.top < w.bottom <= 842 for w in words)  # A4 points, top-down
    texts = {w.text for w in words}
    assert "3761.0.1079212.91049" in texts  # the account number, as printed
