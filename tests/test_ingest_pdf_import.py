"""Text PDFs through the whole import: every family fixture lands as lines with the right totals, the file's own
account and currency, the invariant lines + set aside = rows, reconciliation with what the file prints, and one
identity per line whether the statement came as CSV or as PDF."""

from __future__ import annotations

import csv
import io

import pdf_fixtures as F
import pytest
from sqlalchemy import text

from explorer.ingest import import_statement, read_statement
from explorer.ingest.pdf import amount_value, read_pdf
from explorer.ingest.policy import Policy

FAMILIES = list(F.FAMILY_FIXTURES)


def expected_totals(exp: F.Expect, exponent: int) -> tuple[int, int]:
    scale = 10**exponent
    credit = sum(int(amount_value(a) * scale) for _, side, a in exp.records if side == "credit")
    debit = sum(int(amount_value(a) * scale) for _, side, a in exp.records if side == "debit")
    return credit, debit


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_imports_with_its_totals(name, empty_engine):
    data, exp = F.FAMILY_FIXTURES[name]()
    # Rows the reader cannot date (a dateless row) are set aside: let the policy accept them here, and count them.
    account = None if read_pdf(data, name).printed.account else "1210006868"  # a charity's list may not print one
    result = import_statement(
        empty_engine, data, f"{name}.pdf", account=account, bank="VCB", policy=Policy(max_set_aside=1.0)
    )
    exponent = 2 if result.currency == "USD" else 0
    credit, debit = expected_totals(exp, exponent)
    with empty_engine.connect() as conn:
        written = conn.execute(
            text(
                "SELECT count(*), COALESCE(SUM(CASE WHEN direction = 'in' THEN amount END), 0), "
                "COALESCE(SUM(CASE WHEN direction = 'out' THEN amount END), 0) FROM statement_lines"
            )
        ).one()
    dated = [r for r in exp.records if r[0]]
    assert result.rows == len(exp.records) and result.added + result.set_aside == result.rows
    assert result.set_aside == len(exp.records) - len(dated)
    if result.set_aside == 0:
        assert (written[0], written[1], written[2]) == (len(exp.records), credit, debit)
    # A printed figure may disagree only where the balance shows lines left out of the statement (credits-only).
    assert result.reconciled is not False or result.gaps > 0, name


def test_usd_statement_stays_usd(empty_engine):
    data, exp = F.vcb_thong_ke_usd()
    result = import_statement(empty_engine, data, "usd.pdf", bank="VCB")
    credit, debit = expected_totals(exp, 2)
    assert (result.currency, result.credit_total, result.debit_total) == ("USD", credit, debit)
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT number, currency FROM accounts")).one() == ("0011371932538", "USD")
        assert {c for (c,) in conn.execute(text("SELECT DISTINCT currency FROM statement_lines"))} == {"USD"}


def test_the_same_statement_as_csv_and_as_pdf_is_one_set_of_lines(empty_engine):
    """The bank's CSV export and the PDF of the same statement: the second import adds nothing."""
    data, _ = F.bidv_thong_ke()
    records = read_pdf(data, "bidv.pdf").records
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Ngay", "Co", "No", "Noi dung"])
    for record in records:  # the CSV spells the memo on one line, with its own spacing
        writer.writerow(
            [
                record.cells["date"],
                record.cells["credit"].replace(",00", ""),
                "",
                "  ".join(record.cells["description"].split()),
            ]
        )
    mapping = {"date": "Ngay", "credit": "Co", "debit": "No", "description": "Noi dung"}
    first = import_statement(
        empty_engine, out.getvalue().encode(), "bidv.csv", account="1261122666", bank="BIDV", column_map=mapping
    )
    second = import_statement(empty_engine, data, "bidv.pdf", bank="BIDV")
    assert (first.added, second.added, second.already_present) == (len(records), 0, len(records))


def test_overlapping_pdfs_add_only_the_new_lines(empty_engine):
    """A shorter statement, then a longer one covering it: exactly the difference is added."""
    short, _ = F.bidv_thong_ke(20)
    long, _ = F.bidv_thong_ke(40)
    a = import_statement(empty_engine, short, "short.pdf", bank="BIDV")
    both = import_statement(empty_engine, long, "long.pdf", bank="BIDV")
    assert (a.added, both.added, both.already_present) == (20, 20, 20)


def test_printed_figures_reconcile_and_a_wrong_one_is_marked(empty_engine):
    data, exp = F.agribank_so_phu()
    statement = read_statement(data, "agri.pdf", account=None)
    names = {c.name: c.ok for c in statement.checks}
    assert names.get("credit turnover") is True and names.get("closing balance") is True
    assert statement.reconciled is True and not statement.gaps


def test_the_account_is_read_from_the_pdf_and_checked():
    data, _ = F.bidv_thong_ke()
    assert read_statement(data, "b.pdf", account=None).account == "1261122666"
    with pytest.raises(Exception, match="the file is the statement of account 1261122666, not 999"):
        read_statement(data, "b.pdf", account="999")


def test_a_set_aside_scanned_row_keeps_the_image_of_its_lines():
    """The reviewer sees the row as the scan shows it: a PNG crop of the record's lines, nothing else."""
    from PIL import Image

    from explorer.ingest import pdf_source
    from explorer.ingest.layouts.base import Context

    data, _ = F.mttq_list_kho_bac()
    statement = read_pdf(data, "kb.pdf")
    record = statement.records[0]
    record.flags.append("ocr (mean confidence 41)")  # as the OCR source marks a row it read with doubt
    record.cells["credit"] = ""  # … and an amount it could not trust
    layout, grid, _ = pdf_source.read(data, "kb.pdf", None, None)
    grid.columns[pdf_source.ROLES.index("credit")][0] = ""
    parsed = pdf_source.parse(grid, statement, Context("kb.pdf", "x"), data)
    aside = parsed.set_aside[0]
    assert (aside.row, aside.code, aside.page) == (1, "no_amount", 1)
    image = Image.open(io.BytesIO(aside.image))
    top, bottom = record.box
    assert image.height == pytest.approx((bottom - top + 2 * pdf_source.CROP_MARGIN) * pdf_source.CROP_DPI / 72, abs=2)
    assert all(a.image is None for a in parsed.set_aside[1:])


def test_a_charitys_list_names_its_bank_in_the_title(empty_engine):
    """'… tại Kho bạc Nhà nước tỉnh Ninh Thuận': the account is created at the State Treasury, no --bank needed."""
    data, _ = F.mttq_list_kho_bac()
    result = import_statement(empty_engine, data, "kb.pdf")
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT number, bank FROM accounts")).one() == ("37610102040191999", "KBNN")
    assert result.account_created and result.added == 4
