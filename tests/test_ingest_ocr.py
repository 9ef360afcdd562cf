"""The OCR source without Tesseract: TSV parsing, deskew, rule removal, the missing-Tesseract message, and the trust
rules (provenance flag, low-confidence amounts emptied and flagged) through the PDF reader's hook with OCR words
stubbed from the fixture's own text layer. Tests that run Tesseract are in test_ingest_ocr_tesseract.py."""

from __future__ import annotations

import numpy as np
import ocr_scans
import pdf_fixtures as F
import pytest
from PIL import Image, ImageDraw

from explorer.ingest import ocr
from explorer.ingest.errors import StatementImportError
from explorer.ingest.ocr import clean, render, tesseract
from explorer.ingest.ocr.tsv import OcrWord, words_from_tsv
from explorer.ingest.pdf import amount_value, read_pdf
from explorer.ingest.pdf.words import Word
from explorer.ingest.pdf.words import page_words as text_words

TSV = "\n".join(
    [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
        "4\t1\t1\t1\t1\t0\t300\t600\t900\t40\t-1\t",
        "5\t1\t1\t1\t1\t1\t300\t600\t250\t40\t96.5\t23/09/2024",
        "5\t1\t1\t1\t1\t2\t900\t600\t300\t48\t41.25\t6,058,583",
        "5\t1\t1\t1\t1\t3\t1300\t600\t10\t10\t95\t ",
        "5\t1\t1\t1\t1\t4\t1400\t600\t60\t40\t88\tỦng\u2014hộ",
    ]
)


def test_words_from_tsv_points_and_confidence():
    ws = words_from_tsv(TSV, 72 / 300)
    assert [w.text for w in ws] == ["23/09/2024", "6,058,583", "Ủng-hộ"]  # empty words dropped, dashes plain
    assert all(isinstance(w, OcrWord) and isinstance(w, Word) for w in ws)
    d = ws[0]
    assert (d.x0, d.x1, d.top, d.bottom) == pytest.approx((72.0, 132.0, 144.0, 153.6))
    assert d.conf == 96.5 and ws[1].conf == 41.25
    a, b = ws[1].cut(1)  # the assembler's cut still works on an OcrWord
    assert (a.text, b.text) == ("6", ",058,583")


def test_rule_residue_dropped_and_glued_headings_split():
    """'|', '_' and the like are what Tesseract reads from leftover rules; they split words, never become words."""
    rows = [TSV.splitlines()[0]] + [
        f"5\t1\t1\t1\t1\t{i}\t{x}\t1000\t{w}\t40\t{c}\t{t}"
        for i, (x, w, c, t) in enumerate(
            [
                (100, 520, 30, "dịch___|Ngày"),
                (700, 8, 60, "|"),
                (720, 60, 50, "._."),
                (800, 40, 90, "-"),
                (900, 200, 91, "-000101"),
            ],
            1,
        )
    ]
    ws = words_from_tsv("\n".join(rows), 1.0)
    assert [w.text for w in ws] == ["dịch", "Ngày", "-", "-000101"]
    assert ws[0].x1 < ws[1].x0 and ws[0].x0 == 100 and ws[1].x1 == 620 and ws[0].conf == 30


def test_wide_low_confidence_box_trimmed():
    """'dich.' read at confidence 4 in a box stretched over rule residue up to the next heading: its right edge is
    pulled in so the header keeps two cells; confident words keep their boxes."""
    rows = [TSV.splitlines()[0]] + [
        f"5\t1\t1\t1\t1\t{i}\t{x}\t1000\t{w}\t40\t{c}\t{t}"
        for i, (x, w, c, t) in enumerate(
            [
                (100, 80, 96, "ngày"),
                (190, 70, 96, "giao"),
                (270, 200, 4, "dich."),
                (475, 88, 96, "Ngày"),
                (600, 200, 96, "12,000,000"),
            ],
            1,
        )
    ]
    ws = words_from_tsv("\n".join(rows), 1.0)
    assert [w.text for w in ws] == ["ngày", "giao", "dich.", "Ngày", "12,000,000"]
    assert ws[2].x0 == 270 and ws[3].x0 - ws[2].x1 > 20
    assert [(w.x0, w.x1) for w in ws[:2] + ws[3:]] == [(100, 180), (190, 260), (475, 563), (600, 800)]


def _page_image(name="kho_bac_can_tho", dpi=100) -> Image.Image:
    data, _ = F.FAMILY_FIXTURES[name]()
    doc, _ = render.open_doc(data)
    try:
        return render.render_page(doc, 0, dpi)
    finally:
        doc.close()


@pytest.mark.parametrize("angle", [1.0, -0.8, 0.5, 0.0])
def test_deskew_estimates_and_straightens(angle):
    img = _page_image()
    turned = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    assert clean.estimate_skew(turned) == pytest.approx(angle, abs=0.15)
    level, corrected = clean.deskew(turned)
    assert abs(clean.estimate_skew(level)) <= 0.15
    assert corrected == (0.0 if abs(angle) <= clean.MIN_SKEW else pytest.approx(angle, abs=0.15))


def test_rules_removed_text_kept():
    img = Image.new("L", (2480, 800), 255)  # as wide as A4 at 300 dpi: rules are runs of 1/25 of that
    d = ImageDraw.Draw(img)
    for y in (50, 200, 350):
        d.line([(20, y), (2400, y)], fill=0, width=4)
    for x in (20, 600, 2400):
        d.line([(x, 50), (x, 350)], fill=0, width=4)
    d.text((60, 110), "STT 23/09/2024 6,058,583", fill=0, font_size=40)
    before = np.asarray(img) < 128
    out = np.asarray(clean.remove_rules(clean.normalize(img))) < 128
    text_box = (slice(100, 170), slice(50, 590))
    assert out[48:53, 700:1100].sum() == 0 and out[100:300, 598:603].sum() == 0  # rules gone
    assert out[text_box].sum() >= 0.9 * before[text_box].sum()  # the text stays


def test_normalize_keeps_text_on_a_shaded_band():
    img = Image.new("L", (900, 200), 245)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 60, 899, 130], fill=183)  # a grey table header band, as VBSP prints
    d.text((30, 75), "Số tiền giao dịch", fill=40, font_size=40)
    out = np.asarray(clean.normalize(img)) < 128
    assert out[60:131, 700:899].sum() == 0  # the band is paper
    assert out[70:125, 30:400].sum() > 500  # the words are ink


def test_missing_tesseract_is_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv("EXPLORER_TESSERACT", "")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert tesseract.binary() is None
    assert not ocr.available()
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in ocr.missing()
    with pytest.raises(ocr.TesseractError, match="scanned pages need Tesseract"):
        ocr.page_words(F.scan_only(), 0)
    with pytest.raises(StatementImportError) as e:
        read_pdf(F.scan_only(), "scan.pdf")
    assert "scanned PDF" in str(e.value) and "scanned pages need Tesseract: apt-get install" in str(e.value)
    # a mixed file is read, its image page reported with the install hint
    data, _ = F.with_image_page()
    st = read_pdf(data, "mixed.pdf")
    assert st.pages_without_text == [2] and len(st.records) == 1
    assert any("scanned pages need Tesseract" in n for n in st.notes)


def test_missing_vie_model(monkeypatch, tmp_path):
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\necho 'List of available languages in \"/x\" (1):'\necho eng\n")
    fake.chmod(0o755)
    monkeypatch.setenv("EXPLORER_TESSERACT", str(fake))
    assert not ocr.available()
    assert "no Vietnamese model 'vie'" in ocr.missing() and "tesseract-ocr-vie" in ocr.missing()


# --- trust rules through the reader's hook, with OCR words stubbed from the fixture's own text layer -----------


def _stub_ocr(monkeypatch, data: bytes, conf_of) -> None:
    """OCR 'reads' each page exactly as its text layer says, with confidences from conf_of(word text, index)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    truth = []
    for i in range(len(doc)):
        page = doc[i]
        truth.append(
            [
                OcrWord(w.text, w.x0, w.x1, w.top, w.bottom, conf=conf_of(w.text, k))
                for k, w in enumerate(text_words(page)[0])
            ]
        )  # (words, text stream)
        page.close()
    doc.close()
    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "page_words", lambda pdf, i, dpi=None: list(truth[i]))


def test_ocr_records_flagged_and_low_confidence_amounts_set_aside(monkeypatch):
    data, exp = F.mttq_list_kho_bac()
    low = {"6,058,583": 41.0, "1,200,000": 79.0}
    _stub_ocr(monkeypatch, data, lambda t, k: low.get(t, 95.0))
    scan = ocr_scans.scan(data, dpi=72, angle=0)  # image-only: the hook must take the OCR words
    st = read_pdf(scan, "scan.pdf")
    assert st.family == exp.family and st.pages_without_text == []
    assert len(st.records) == len(exp.records)
    for rec, (date, _, amount) in zip(st.records, exp.records, strict=False):
        assert rec.flags[0].startswith("ocr (mean confidence ")
        assert rec.cells["date"] == date
        if amount in low:
            assert rec.cells["credit"] == ""
            assert f"ocr: low confidence on amount '{amount}' ({low[amount]:.0f})" in rec.flags
        else:
            assert rec.cells["credit"] == amount
            assert not any(f.startswith("ocr: low") for f in rec.flags)
    assert any("read by OCR" in n and "2 with a low-confidence" in n for n in st.notes)


def test_low_confidence_date_and_malformed_amount_set_aside(monkeypatch):
    data, exp = F.kho_bac_can_tho()
    _stub_ocr(monkeypatch, data, lambda t, k: 30.0 if t == "9/9/2024" else 95.0)
    st = read_pdf(ocr_scans.scan(data, dpi=72, angle=0), "scan.pdf")
    rec = next(r for r in st.records if "ocr: low confidence on date '9/9/2024' (30)" in r.flags)
    assert rec.cells["date"] == ""
    # an amount OCR misread into a malformed number is never written, whatever its confidence
    from explorer.ingest.ocr.trust import mark_records
    from explorer.ingest.pdf.words import group_lines

    st2 = read_pdf(ocr_scans.scan(data, dpi=72, angle=0), "scan.pdf")
    st2.records[0].cells["credit"] = "12.000.00O"
    mark_records(st2, [group_lines(ocr.page_words(None, 0))], [1])
    assert st2.records[0].cells["credit"] == ""
    assert any(
        "low confidence on amount '12.000.00O'" in f and "not a well-formed amount" in f for f in st2.records[0].flags
    )
    # '000,00': the tail of '20.000.000,00' whose head OCR read apart; well-formed for the regex, never for a bank
    st3 = read_pdf(ocr_scans.scan(data, dpi=72, angle=0), "scan.pdf")
    st3.records[1].cells["credit"] = "000.000"
    mark_records(st3, [group_lines(ocr.page_words(None, 0))], [1])
    assert st3.records[1].cells["credit"] == ""
    assert any("'000.000'" in f and "not a well-formed amount" in f for f in st3.records[1].flags)


def test_text_pages_never_flagged_ocr():
    data, _ = F.bidv_sao_ke()
    st = read_pdf(data, "text.pdf")
    assert not any(f.startswith("ocr") for r in st.records for f in r.flags)
    assert not any("OCR" in n for n in st.notes)
    assert all(amount_value(r.cells["credit"]) for r in st.records)
