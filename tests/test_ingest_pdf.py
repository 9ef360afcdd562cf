"""The PDF reader on generated statements of every layout family: exact records, sums, printed figures and flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pdf_fixtures as F
import pytest

from explorer.ingest.errors import StatementImportError
from explorer.ingest.pdf import FAMILIES, PdfStatement, Printed, amount_value, is_pdf, read_pdf
from explorer.ingest.pdf.printed import read_printed

_CACHE: dict[str, tuple[bytes, F.Expect, PdfStatement]] = {}


def built(name: str):
    if name not in _CACHE:
        data, exp = F.FAMILY_FIXTURES[name]()
        _CACHE[name] = (data, exp, read_pdf(data, f"{name}.pdf"))
    return _CACHE[name]


def direction(cells: dict[str, str]) -> str:
    if cells["credit"] and not cells["debit"]:
        return "credit"
    if cells["debit"] and not cells["credit"]:
        return "debit"
    return "?"


def amount_text(cells: dict[str, str]) -> str:
    return cells["credit"] or cells["debit"] or cells["amount"]


@pytest.mark.parametrize("name", list(F.FAMILY_FIXTURES))
def test_records_exact(name):
    _, exp, st = built(name)
    assert st.family == exp.family
    assert st.score >= 0.75
    got = [(r.cells["date"], direction(r.cells), amount_text(r.cells)) for r in st.records]
    assert got == exp.records
    credit = sum((amount_value(r.cells["credit"]) or Decimal(0) for r in st.records), Decimal(0))
    debit = sum((amount_value(r.cells["debit"]) or Decimal(0) for r in st.records), Decimal(0))
    assert credit == exp.total("credit")
    assert debit == exp.total("debit")
    assert st.pages == exp.pages
    assert st.pages_without_text == exp.pages_without_text


@pytest.mark.parametrize("name", list(F.FAMILY_FIXTURES))
def test_printed_figures(name):
    _, exp, st = built(name)
    for key, value in exp.printed.items():
        assert getattr(st.printed, key) == value, key


@pytest.mark.parametrize("name", list(F.FAMILY_FIXTURES))
def test_flags_exact(name):
    """The expected rows carry the expected flag, and no other row is flagged."""
    _, exp, st = built(name)
    for i, r in enumerate(st.records):
        if i in exp.flags:
            assert any(exp.flags[i] in f for f in r.flags), (i, r.flags)
        else:
            assert r.flags == [], (i, r.flags)


@pytest.mark.parametrize("name", list(F.FAMILY_FIXTURES))
def test_cells_and_provenance(name):
    _, exp, st = built(name)
    for i, cells in exp.cells.items():
        for role, value in cells.items():
            assert st.records[i].cells[role] == value, (i, role)
    for r in st.records:
        assert r.page >= 1 and r.line >= 1
        assert set(r.cells) == {
            "seq",
            "date",
            "time",
            "value_date",
            "debit",
            "credit",
            "amount",
            "balance",
            "reference",
            "counterparty",
            "description",
        }
        if amount_text(r.cells):
            assert amount_text(r.cells) in r.raw.replace("\n", " ").replace("giup", " ").replace("VO", " ") or r.cells[
                "credit"
            ] in r.raw.replace(" ", "")
    for what in exp.skipped_contains:
        assert any(what in s for _, s in st.skipped), what
    assert st.why and "header matched" in st.why


def test_agribank_balance_chain_and_turnover():
    _, exp, st = built("agribank_so_phu")
    p = st.printed
    bal = amount_value(p.opening_balance)
    for r in st.records:
        amt = amount_value(amount_text(r.cells))
        bal = bal + amt if r.cells["credit"] else bal - amt
        assert bal == amount_value(r.cells["balance"])
    assert bal == amount_value(p.closing_balance)
    assert sum(amount_value(r.cells["credit"]) or 0 for r in st.records) == amount_value(p.credit_turnover)
    assert sum(amount_value(r.cells["debit"]) or 0 for r in st.records) == amount_value(p.debit_turnover)
    assert sum(1 for r in st.records if r.cells["credit"]) == p.credit_count
    assert sum(1 for r in st.records if r.cells["debit"]) == p.debit_count
    assert st.pages >= 2
    assert sum(1 for _, s in st.skipped if s.startswith("repeated table header")) == 2 * (st.pages - 1)
    assert sum(1 for _, s in st.skipped if s.startswith("page footer")) == st.pages
    # the memo line starting with a date did not start a row
    assert st.records[6].cells["description"].startswith("Gd ung ho theo loi keu goi ngay 10/09/2024")


def test_agribank_two_values_in_balance_cell():
    _, _, st = built("agribank_so_phu")
    r = st.records[11]
    assert r.flags == [f"two values in the balance cell ({r.cells['balance']!r}, '9112'): the first was taken"]


def test_credit_only_split_and_glued_glyph_runs_and_dateless_row():
    _, _, st = built("agribank_credit_only")
    assert st.records[1].cells["credit"] == "100.000.000"  # '1' + '00.000.000'
    assert st.records[3].cells["credit"] == "2,000,000"  # 'T H I E N T A I2' + ',000,000'
    last = st.records[-1]
    assert last.cells["date"] == "" and last.cells["credit"] == "487.900"
    assert any("no date" in f for f in last.flags)
    assert st.printed.period_start == dt.date(2024, 9, 27) and st.printed.period_end == dt.date(2024, 9, 30)


def test_vcb_usd_cents_and_sweep():
    _, _, st = built("vcb_thong_ke_usd")
    assert st.printed.currency == "USD"
    cr = sum(amount_value(r.cells["credit"]) or 0 for r in st.records)
    dr = sum(amount_value(r.cells["debit"]) or 0 for r in st.records)
    assert cr == dr and cr % 1 != 0  # cents kept (1.468,48 and 10.918,40)
    assert [r.cells["seq"] for r in st.records] == [str(i) for i in range(1, len(st.records) + 1)]
    assert st.pages == 2 and any(s.startswith("repeated table header") for _, s in st.skipped)
    assert st.records[0].cells["counterparty"] == "Chuyen tien lien ngan hang"
    assert not any("Contact" in r.raw or "Page" in r.raw for r in st.records)  # page footers stay out
    assert sum(1 for _, s in st.skipped if s.startswith("page footer: Contact center")) == 2
    assert st.records[0].cells["description"].startswith("/REF:20240910006{//}")


def test_bidv_glued_cells():
    _, _, st = built("bidv_thong_ke")
    assert [r.cells["seq"] for r in st.records] == [str(i) for i in range(1, 41)]
    assert st.records[3].cells["date"] == "20/9/2024"  # '420/9/2024' = STT 4 + date
    assert st.records[8].cells["time"] == "10:21:10"  # '10:21:100401001446xxx'
    assert st.records[8].cells["counterparty"] == "0401001446xxx"
    assert st.records[12].cells["credit"] == "700.000,00"  # "700.000,00giup"
    assert "NGUYEN giup TRUNG" in st.records[12].cells["description"]


def test_notice_totals_agree():
    _, _, st = built("mttq_notice")
    p = st.printed
    total = sum(amount_value(r.cells["credit"]) for r in st.records)
    assert total == amount_value(p.total_credit) == amount_value(p.notice_total)
    assert len(st.records) == p.notice_count
    assert p.cumulative_total == "66.409.452.430"
    assert any(s.startswith("below the totals row") or s.startswith("not a table row") for _, s in st.skipped)
    assert st.records[4].cells["date"] == "13/9/2024"


def test_list_total_word_in_a_name_is_not_a_total():
    _, _, st = built("mttq_list_kho_bac")
    assert st.printed.total_credit is None
    assert st.records[2].cells["description"] == "Tổng công ty Điện lực"


def test_vbsp_credits_only_balance_jumps_are_flagged_not_refused():
    _, _, st = built("vbsp_sao_ke")
    assert all(direction(r.cells) == "credit" for r in st.records)
    assert "the running balance breaks 2 time(s)" in st.notes
    assert sum(amount_value(r.cells["credit"]) for r in st.records) == amount_value(st.printed.credit_turnover)


def test_newest_first_kept_in_file_order():
    _, _, st = built("vcb_sao_ke_newest_first")
    dates = [dt.datetime.strptime(r.cells["date"], "%d/%m/%Y") for r in st.records]
    assert dates == sorted(dates, reverse=True)
    assert st.printed.opening_balance == "1,000,000"


def test_a_continuation_page_set_off_keeps_its_columns():
    """Pages 2 on have no header and sit 27 pt right of page 1 (a scanned VBSP statement sat 7 pt off): amounts and
    balances still land in their own columns, learned from page 1, not both in the balance column."""
    data, exp = F.vbsp_sao_ke(page_shift=27.0, bottom=300)
    st = read_pdf(data, "vbsp_shifted.pdf")
    assert max(r.page for r in st.records) >= 2  # the rows did spill over
    assert [(r.cells["date"], direction(r.cells), r.cells["credit"]) for r in st.records] == exp.records
    assert not [f for r in st.records for f in r.flags if "two values" in f]


@pytest.mark.parametrize(
    ("line", "account"),
    [
        ("Số Tài khoản: 376 1.0.1015545.91999", "3761.0.1015545.91999"),  # OCR put a space inside the number
        ("Số tài khoản 1000007062920852 Tên tài khoản UY BAN MTTQ", "1000007062920852"),
        ("Số tài khoản: 3761 12/9/2024", None),  # a short number followed by a date is no account
    ],
)
def test_the_account_a_title_prints(line, account):
    printed = Printed()
    read_printed(printed, line)
    assert printed.account == account


def test_image_page_reported():
    _, _, st = built("with_image_page")
    assert st.pages_without_text == [2]
    assert any("no text layer" in n for n in st.notes)


def test_vietinbank_amount_glued_to_name():
    _, _, st = built("vietinbank")
    assert [r.cells["seq"] for r in st.records] == [str(i) for i in range(1, 11)]
    assert st.records[1].cells["credit"] == "200.000"
    assert st.records[1].cells["counterparty"] == "VO VAN AN"


def test_forced_family_and_progress():
    data, _ = F.mttq_list_kho_bac()
    seen = []
    st = read_pdf(data, "x.pdf", family="mttq_list_kho_bac", progress=lambda d, n: seen.append((d, n)))
    assert st.why.startswith("forced") and seen == [(1, 1)]
    with pytest.raises(StatementImportError, match="unknown PDF layout"):
        read_pdf(data, "x.pdf", family="nope")


def test_every_family_has_a_fixture():
    fams = {F.FAMILY_FIXTURES[n]()[1].family for n in F.FAMILY_FIXTURES}
    assert fams == set(FAMILIES)


# --- refusals -----------------------------------------------------------------------------------------------


def test_not_a_pdf():
    assert not is_pdf(b"Date,Amount\n")
    with pytest.raises(StatementImportError, match="not a PDF"):
        read_pdf(b"Date,Amount\n1/1/2024,5\n", "a.csv")


def test_damaged_pdf():
    data, _ = F.mttq_list_kho_bac()
    with pytest.raises(StatementImportError, match="damaged"):
        read_pdf(data[:200], "broken.pdf")


def test_encrypted_pdf():
    with pytest.raises(StatementImportError, match="encrypted"):
        read_pdf(F.encrypted(), "locked.pdf")


def test_scan_without_text_layer():
    with pytest.raises(StatementImportError) as e:
        read_pdf(F.scan_only(), "scan.pdf")
    assert "scanned PDF" in str(e.value) and "pages 1–2 of 2" in str(e.value)


def test_unknown_layout_lists_families_and_best_score():
    with pytest.raises(StatementImportError) as e:
        read_pdf(F.unknown_layout(), "minutes.pdf")
    msg = str(e.value)
    assert "not a statement layout" in msg and "scored" in msg and "agribank_so_phu" in msg


def test_broken_font_headings_decoded():
    """LAYOUTS F: headings in a font whose code points are shifted ('6$2.Ç7¬,.+2Ҧ1' = 'SAO KÊ TÀI KHOẢN')."""
    _, _, st = built("vcb_sao_ke_broken_font")
    assert any("broken font" in n for n in st.notes)
    assert "so tham chieu" in st.why and "so tien ghi no" in st.why
    assert st.printed.opening_balance == "1,000,000"
    _, _, plain = built("vcb_sao_ke_newest_first")
    assert not any("broken font" in n for n in plain.notes)
    assert [r.cells for r in st.records] == [r.cells for r in plain.records]


def test_text_stream_cross_check():
    """VCB/BIDV: every 'd.ddd,dd' token of the text stream is an amount; the count and sum must agree."""
    _, exp, st = built("vcb_thong_ke_usd")
    total = exp.total("credit") + exp.total("debit")
    stream = [n for n in st.notes if n.startswith("text-stream check")]
    assert stream[0].startswith(f"text-stream check agrees: {len(exp.records)} amount tokens summing to {total:,}")
    # the BIDV row whose amount a stray digit touches ('5400.000,00') is caught by the cross-check
    _, _, st = built("bidv_thong_ke")
    assert [n for n in st.notes if n.startswith("text-stream check DISAGREES: 39 amount tokens")]


def test_stt_continuity_note():
    _, _, st = built("bidv_thong_ke")
    assert "STT check: 40/40 rows carry an STT, 1..40 continuous" in st.notes
    data, _ = F.mttq_list_kho_bac()
    assert read_pdf(data, "l.pdf").notes == ["STT check: 4/4 rows carry an STT, 1..4 continuous"]
    _, _, st = built("agribank_so_phu")
    assert not any(n.startswith("STT check") for n in st.notes)  # no STT column in that family
