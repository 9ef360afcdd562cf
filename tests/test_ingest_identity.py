"""Nothing lost, nothing counted twice: line identity across files, currency, time order, flags, gaps, set-aside
rows and the invariant lines + set aside = rows, on files the tests generate."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from explorer.db.engine import create_schema, make_engine
from explorer.ingest import StatementImportError, import_statement, parse_mapping, read_statement
from explorer.ingest.policy import Policy
from explorer.queries import ledger_checks

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))
MAPPING = parse_mapping("date=Ngay,credit=Co,debit=No,balance=So du,description=Noi dung")


@pytest.fixture()
def engine(empty_engine):
    return empty_engine


def table(rows: list[tuple], header=("Ngay", "Co", "No", "So du", "Noi dung")) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


def daily_records() -> tuple[str, list[list[str]]]:
    """The VCB export sample as (header line, records) — memos hold commas, so read it as CSV."""
    rows = list(csv.reader(io.StringIO((FIXTURES / "vcb_daily_export.csv").read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def as_csv(header, records) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *records])
    return out.getvalue().encode()


def lines_in_db(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM statement_lines")).scalar_one()


def test_overlapping_statement_adds_exactly_the_new_lines(engine):
    header, records = daily_records()
    days = sorted({r[1] for r in records}, key=lambda d: d[3:5] + d[:2])
    first_half = [r for r in records if r[1] in days[: len(days) // 2]]
    a = import_statement(engine, as_csv(header, first_half), "a.csv", account="0019990004321", bank="VCB")
    both = import_statement(engine, as_csv(header, records), "a_and_b.csv", account="0019990004321", bank="VCB")
    assert a.added == len(first_half) > 0
    assert (both.added, both.already_present) == (len(records) - len(first_half), len(first_half))
    assert lines_in_db(engine) == len(records) == 400
    with engine.connect() as conn:
        credit = conn.execute(text("SELECT sum(amount) FROM statement_lines WHERE direction = 'in'")).scalar_one()
    assert credit == EXPECTED["vcb_daily_export.csv"]["credit_total"]


def test_the_same_statement_as_csv_and_as_xlsx_is_one_set_of_lines(engine):
    header, records = daily_records()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Báo cáo giao dịch"])  # a title row above the header: found by the header match
    sheet.append(header)
    for record in records:  # memos re-wrapped over two lines, as a spreadsheet export does
        sheet.append([*record[:-1], record[-1][:20] + "\n" + record[-1][20:]])
    out = io.BytesIO()
    book.save(out)
    first = import_statement(engine, as_csv(header, records), "export.csv", account="0019990004321", bank="VCB")
    second = import_statement(engine, out.getvalue(), "export.xlsx", account="0019990004321", bank="VCB")
    assert (first.added, second.added, second.already_present) == (400, 0, 400)
    assert lines_in_db(engine) == 400


def test_identical_donations_on_one_day_are_kept_and_counted_once(engine):
    rows = [
        ("10/09/2024", "100.000", "", "", "ung ho"),
        ("10/09/2024", "100.000", "", "", "ung ho"),
        ("10/09/2024", "100.000", "", "", "ung ho"),
    ]
    first = import_statement(engine, table(rows[:2]), "two.csv", account="1234", bank="MB", column_map=MAPPING)
    again = import_statement(engine, table(rows), "three.csv", account="1234", bank="MB", column_map=MAPPING)
    assert (first.added, again.added, again.already_present) == (2, 1, 2)
    assert lines_in_db(engine) == 3


def test_time_of_day_and_reference_do_not_split_a_line(engine):
    """A date-only list and the bank's export with times and references describe the same donations."""
    dated = table([("10/09/2024", "500.000", "", "", "NGUYEN VAN AN ung ho")])
    timed = b"Ngay,Gio,So CT,Co,Noi dung\n10/09/2024,08:15:00,FT123,500.000,NGUYEN VAN AN  ung-ho\n"
    import_statement(engine, dated, "list.csv", account="1234", bank="MB", column_map=MAPPING)
    result = import_statement(
        engine,
        timed,
        "bank.csv",
        account="1234",
        bank="MB",
        column_map=parse_mapping("date=Ngay,time=Gio,reference=So CT,credit=Co,description=Noi dung"),
    )
    assert (result.added, result.already_present) == (0, 1)


def test_a_usd_statement_stays_usd(engine):
    rows = [
        ("11/09/2024", "1,468.48", "", "", "SWIFT /REF:1 gift"),
        ("11/09/2024", "", "1,468.48", "", "DIEU VON TU DONG"),
    ]
    result = import_statement(
        engine, table(rows), "usd.csv", account="0011371932538", bank="VCB", column_map=MAPPING, currency="USD"
    )
    assert (result.currency, result.credit_total, result.debit_total) == ("USD", 146_848, 146_848)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT currency FROM accounts")).scalar_one() == "USD"
        assert conn.execute(text("SELECT DISTINCT currency FROM statement_lines")).scalar_one() == "USD"
        assert conn.execute(text("SELECT currency FROM imports")).scalar_one() == "USD"
    with pytest.raises(StatementImportError, match="keeps USD; this statement is in VND"):
        import_statement(
            engine, table(rows[:1]), "vnd.csv", account="0011371932538", bank="VCB", column_map=MAPPING, currency="VND"
        )
    # Without a currency, a statement takes its account's: the cents are read as cents.
    more = [("12/09/2024", "10.50", "", "", "gift")]
    later = import_statement(engine, table(more), "usd2.csv", account="0011371932538", bank="VCB", column_map=MAPPING)
    assert (later.currency, later.credit_total) == ("USD", 1050)


def test_zero_amounts_are_imported_and_flagged_not_refused(engine):
    rows = [(f"{d:02d}/09/2024", "0" if d % 7 == 0 else "50.000", "", "", f"gift {d}") for d in range(1, 29)]
    result = import_statement(engine, table(rows), "zeros.csv", account="1234", bank="MB", column_map=MAPPING)
    assert (result.rows, result.added, result.flagged, result.set_aside) == (28, 28, 4, 0)
    with engine.connect() as conn:
        flags = conn.execute(text("SELECT flags FROM statement_lines WHERE amount = 0")).scalars().all()
    assert len(flags) == 4 and all(f.startswith("zero_amount") for f in flags)


def test_two_values_in_a_balance_cell_take_the_first_and_flag(engine):
    rows = [("17/09/2024", "1.000.000", "", "680.357.956\n9112", "chuyen tien")]
    result = import_statement(engine, table(rows), "two.csv", account="1234", bank="MB", column_map=MAPPING)
    with engine.connect() as conn:
        balance, flags = conn.execute(text("SELECT balance, flags FROM statement_lines")).one()
    assert (result.flagged, balance) == (1, 680_357_956)
    assert "several_values" in flags and "'9112'" in flags


def test_a_credits_only_statement_records_its_gaps(engine):
    """Money out left off a published list: the balance falls where no line explains it. Imported, with gaps."""
    rows = [
        ("10/09/2024", "100.000", "", "1.100.000", "a"),
        ("10/09/2024", "200.000", "", "1.300.000", "b"),
        ("11/09/2024", "300.000", "", "600.000", "c"),  # 1.000.000 went out unlisted
        ("11/09/2024", "50.000", "", "650.000", "d"),
        ("12/09/2024", "10.000", "", "5.860.000", "e"),
    ]  # 5.2 M in
    result = import_statement(engine, table(rows), "credits.csv", account="1234", bank="MB", column_map=MAPPING)
    assert (result.added, result.gaps) == (5, 2)
    with engine.connect() as conn:
        gaps = conn.execute(
            text("SELECT after_row, before_row, unexplained, message FROM balance_gaps ORDER BY before_row")
        ).all()
    assert [(g.after_row, g.before_row, g.unexplained) for g in gaps] == [(3, 4, -1_000_000), (5, 6, 5_200_000)]
    assert gaps[1].message.startswith("between row 5 and row 6 the balance rises by 5,200,000 đ")
    # `python -m explorer check` reports them as gaps of the import, not as balance breaks of the ledger
    found = ledger_checks.statement_gaps(engine)
    assert found.unexplained.tolist() == [-1_000_000, 5_200_000] and set(found.file_name) == {"credits.csv"}
    assert ledger_checks.balance_breaks(engine).empty


def test_set_aside_rows_are_kept_with_their_reason_and_the_policy_decides(engine):
    good = [(f"{d % 28 + 1:02d}/09/2024", "10.000", "", "", f"gift {d}") for d in range(400)]
    bad = [("", "10.000", "", "", "no date here"), ("12/09/2024", "abc", "", "", "no amount here")]
    data = table(good + bad)
    with pytest.raises(StatementImportError, match="strict mode accepts none"):
        import_statement(
            engine, data, "f.csv", account="1234", bank="MB", column_map=MAPPING, policy=Policy(strict=True)
        )
    result = import_statement(engine, data, "f.csv", account="1234", bank="MB", column_map=MAPPING)
    assert (result.rows, result.added, result.set_aside) == (402, 400, 2)
    with engine.connect() as conn:
        aside = conn.execute(text("SELECT row, code, raw_text FROM set_aside_rows ORDER BY row")).all()
    assert [(a.row, a.code) for a in aside] == [(402, "no_date"), (403, "no_amount")]
    assert "no amount here" in aside[1].raw_text
    assert ledger_checks.set_aside_rows(engine)[["row", "code"]].values.tolist() == [
        [402, "no_date"],
        [403, "no_amount"],
    ]
    with pytest.raises(StatementImportError, match=r"more than the 0\.5% allowed"):
        read_statement(table(good[:100] + bad), "g.csv", account="1234", column_map=MAPPING)


def test_printed_totals_reconcile(engine):
    result = import_statement(
        engine, (FIXTURES / "vbsp_sheet.xlsx").read_bytes(), "vbsp.xlsx", account="1000009990001234"
    )
    assert result.reconciled is True
    with engine.connect() as conn:
        checks = json.loads(conn.execute(text("SELECT checks FROM imports")).scalar_one())
    assert checks == [{"name": "totals row (credit)", "printed": 128_230_000, "parsed": 128_230_000}]


def test_vcb_english_headers_are_recognised():
    data = (
        b"TNXDate,DocNo,Debit,Credit,Balance,Transactions in Detail\n"
        b"01/09/2024,5296.49813,,300.000,1.300.000,MBVCB.1.NGUYEN VAN AN ung ho\n"
        b"01/09/2024,5296.49814,100.000,,1.200.000,chi ho tro\n"
    )
    statement = read_statement(data, "vcb.csv", account="0019990004321")
    assert statement.layout.name == "vcb_daily" and "Transactions in Detail" in statement.parsed.why
    assert (statement.credit_total, statement.debit_total, len(statement.gaps)) == (300_000, 100_000, 0)


MUTATIONS = st.lists(
    st.tuples(st.integers(0, 59), st.sampled_from(["date", "amount", "blank", "dup", "zero"])), max_size=25
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MUTATIONS)
def test_lines_plus_set_aside_equal_rows_whatever_the_damage(mutations):
    """The invariant on mutated files: every non-blank row is a line or a set-aside row, never dropped."""
    rows = [
        [f"{i % 28 + 1:02d}/09/2024", f"{(i + 1) * 1000:,}".replace(",", "."), "", "", f"gift {i}"] for i in range(60)
    ]
    for index, kind in mutations:
        row = rows[index]
        if kind == "date":
            row[0] = "31/02/2024"
        elif kind == "amount":
            row[1] = "12x"
        elif kind == "blank":
            row[:] = ["", "", "", "", ""]
        elif kind == "zero":
            row[1] = "0"
        else:
            rows.append(list(row))
    transaction_rows = sum(1 for r in rows if any(r))
    statement = read_statement(
        table([tuple(r) for r in rows]), "m.csv", account="1234", column_map=MAPPING, policy=Policy(max_set_aside=1.0)
    )
    assert len(statement.parsed.lines) + len(statement.parsed.set_aside) == statement.rows == transaction_rows
    unreadable = sum(1 for r in rows if any(r) and (r[0] in ("31/02/2024", "") or r[1] in ("12x", "")))
    assert len(statement.parsed.set_aside) == unreadable


def test_a_database_from_before_import_identity_is_upgraded_on_open(tmp_path):
    """An older database (no line_key, flags, … columns, no import tables) gets them when opened, then imports."""
    import sqlite3

    from explorer.db.engine import schema_is_current

    path = tmp_path / "old.sqlite"
    create_schema(make_engine(f"sqlite:///{path}"))
    con = sqlite3.connect(path)
    con.execute("DROP INDEX uq_line_identity")
    for column in ("line_key", "flags", "source_page", "import_id"):
        con.execute(f"ALTER TABLE statement_lines DROP COLUMN {column}")
    for name in ("balance_gaps", "set_aside_rows", "imports"):
        con.execute(f"DROP TABLE {name}")
    con.commit()
    con.close()
    old = make_engine(f"sqlite:///{path}")
    assert not schema_is_current(old)
    create_schema(old)
    assert schema_is_current(old)
    result = import_statement(
        old,
        table([("10/09/2024", "100.000", "", "", "ung ho")]),
        "a.csv",
        account="1234",
        bank="MB",
        column_map=MAPPING,
    )
    assert result.added == 1


def test_table_records_are_assembled_before_they_are_read(engine):
    """A table exported from a PDF: memos continued on the next row, a date on one row and its amount on the
    next, the header repeated at each page, a page subtotal and a closing total row."""
    rows = [
        ("10/09/2024", "100.000", "", "", "NGUYEN VAN AN ung ho"),
        ("", "", "", "", "dong bao mien Bac"),  # the memo goes on
        ("10/09/2024", "", "", "", "TRAN THI BINH"),  # the date here …
        ("", "250.000", "", "", "chuyen tien"),  # … the amount on the next row
        ("Cộng trang", "350.000", "", "", ""),  # a page's subtotal
        ("Ngay", "Co", "No", "So du", "Noi dung"),  # the header again: page 2
        ("11/09/2024", "50.000", "", "", "LE VAN CUONG"),
        ("Tổng cộng", "400.000", "", "", ""),
    ]
    result = import_statement(engine, table(rows), "pdf_export.csv", account="1234", bank="MB", column_map=MAPPING)
    assert (result.rows, result.added, result.set_aside, result.skipped, result.reconciled) == (3, 3, 0, 3, True)
    with engine.connect() as conn:
        lines = conn.execute(text("SELECT source_row, amount, description FROM statement_lines ORDER BY id")).all()
    assert [tuple(line) for line in lines] == [
        (2, 100_000, "NGUYEN VAN AN ung ho dong bao mien Bac"),
        (4, 250_000, "TRAN THI BINH chuyen tien"),
        (8, 50_000, "LE VAN CUONG"),
    ]
    with engine.connect() as conn:
        checks = json.loads(conn.execute(text("SELECT checks FROM imports")).scalar_one())
    assert checks == [{"name": "totals row (credit)", "printed": 400_000, "parsed": 400_000}]


def test_a_name_beginning_like_a_total_is_not_a_total(engine):
    rows = [("10/09/2024", "100.000", "", "", "ung ho"), ("", "", "", "", "Tổng công ty Điện lực")]
    result = import_statement(engine, table(rows), "t.csv", account="1234", bank="MB", column_map=MAPPING)
    with engine.connect() as conn:
        memo = conn.execute(text("SELECT description FROM statement_lines")).scalar_one()
    assert (result.added, result.skipped, memo) == (1, 0, "ung ho Tổng công ty Điện lực")


def test_a_title_block_names_account_currency_period_and_balances():
    """Rows above a table's header, as banks print them: read like a PDF's title block."""
    data = (
        "Sao kê tài khoản,,,\nSố tài khoản: 0011371932538,,,\nLoại tiền: USD,,,\n"
        'Từ ngày 11/09/2024 đến ngày 12/09/2024,,,\n"Số dư đầu kỳ: 1.000,00",,,\n"Số dư cuối kỳ: 1.151,25",,,\n'
        'Ngay,Co,No,Noi dung\n11/09/2024,"100,50",,gift one\n12/09/2024,"50,75",,gift two\n'
        '13/09/2024,"0,00",,late entry\n'
    ).encode()
    mapping = parse_mapping("date=Ngay,credit=Co,debit=No,description=Noi dung")
    statement = read_statement(data, "usd.csv", account=None, column_map=mapping)
    assert (statement.account, statement.currency, statement.credit_total) == ("0011371932538", "USD", 15_125)
    checks = {c.name: (c.printed, c.parsed) for c in statement.checks}
    assert checks["opening + credits − debits = closing"] == (115_125, 115_125)
    assert statement.parsed.lines[2].flags[-1].startswith("outside_period: dated 13/09/2024")
    assert statement.flagged == 1 and statement.parsed.lines[2].flags[0].startswith("zero_amount")


def test_a_total_that_disagrees_is_an_unreconciled_import(engine):
    rows = [("10/09/2024", "100.000", "", "", "a"), ("Tổng cộng", "150.000", "", "", "")]
    result = import_statement(engine, table(rows), "t.csv", account="1234", bank="MB", column_map=MAPPING)
    found = ledger_checks.unreconciled_imports(engine)
    assert result.reconciled is False and found.file_name.tolist() == ["t.csv"]
    assert json.loads(found.checks[0]) == [{"name": "totals row (credit)", "printed": 150_000, "parsed": 100_000}]
