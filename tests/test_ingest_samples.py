"""Every sample statement imports with exactly the rows and totals of EXPECTED.json, keeps its provenance,
and a second import adds nothing. Also: generic mapped files, re-encoded files, the pure helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from explorer.db.engine import create_schema, make_engine
from explorer.ingest import StatementImportError, import_file, import_statement, parse_mapping, read_statement
from explorer.ingest.memo import counterparty_from_memo
from explorer.ingest.normalise import CellError, amount, fold_fast, when
from explorer.text import fold

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))
LAYOUT_OF = {
    "vcb_daily_export.csv": "vcb_daily",
    "vcb_thong_ke.csv": "vcb_thong_ke",
    "vietinbank.csv": "vietinbank",
    "agribank_no_header.csv": "agribank",
    "vbsp_sheet.xlsx": "vbsp",
}


def account_of(name: str) -> str:
    return re.sub(r"\D", "", EXPECTED[name]["account"])  # '111602391111-like' → its digits


@pytest.fixture()
def engine(empty_engine):
    return empty_engine


def lines_of(engine, account_id: int) -> list:
    with engine.connect() as conn:
        return (
            conn.execute(
                text("SELECT * FROM statement_lines WHERE account_id = :a ORDER BY source_row"), {"a": account_id}
            )
            .mappings()
            .all()
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_exactly_as_published(engine, name):
    expected = EXPECTED[name]
    path = FIXTURES / name
    result = import_file(engine, path, account=account_of(name))
    assert result.layout == LAYOUT_OF[name]
    assert result.rows == expected["rows"]
    assert result.added == expected["rows"]
    assert result.credit_total == expected["credit_total"]
    assert result.debit_total == expected["debit_total"]
    if "closing_balance" in expected:
        assert result.closing_balance == expected["closing_balance"]
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    stored = lines_of(engine, result.account_id)
    assert len(stored) == expected["rows"]
    assert sum(r["amount"] for r in stored if r["direction"] == "in") == expected["credit_total"]
    assert sum(r["amount"] for r in stored if r["direction"] == "out") == expected["debit_total"]
    assert {r["source_sha256"] for r in stored} == {result.sha256}
    assert {r["source_layout"] for r in stored} == {LAYOUT_OF[name]}
    assert len({r["source_row"] for r in stored}) == len(stored)
    assert all(r["amount"] > 0 and r["currency"] == "VND" for r in stored)
    for r in stored:
        assert r["search_text"] == fold(
            f"{r['counterparty']} {r['description']}" if r["counterparty"] else r["description"]
        )
        assert r["donor_key"] == (
            fold(r["counterparty"])[:64] if r["counterparty"] and r["direction"] == "in" else None
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_second_import_adds_nothing(engine, name):
    first = import_file(engine, FIXTURES / name, account=account_of(name))
    again = import_file(engine, FIXTURES / name, account=account_of(name))
    assert (again.rows, again.added, again.account_id) == (first.rows, 0, first.account_id)
    assert len(lines_of(engine, first.account_id)) == EXPECTED[name]["rows"]


def test_accounts_are_created_from_options_or_the_file(engine):
    vbsp = import_file(engine, FIXTURES / "vbsp_sheet.xlsx", account=account_of("vbsp_sheet.xlsx"))
    vcb = import_file(engine, FIXTURES / "vcb_daily_export.csv", account=account_of("vcb_daily_export.csv"))
    vtb = import_file(
        engine, FIXTURES / "vietinbank.csv", account="111602391111", bank="Vietinbank", holder="Quỹ Cứu trợ (mẫu)"
    )
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(text("SELECT * FROM accounts"))}
    assert vbsp.account_created and rows[vbsp.account_id].bank == "VBSP"
    assert rows[vbsp.account_id].holder_name == "ỦY BAN MẶT TRẬN TỔ QUỐC (MẪU)"  # from the title block
    assert rows[vcb.account_id].holder_name == "MAT TRAN TO QUOC - BAN CUU TRO (MAU)"  # from '…toi <acct> HOLDER'
    assert rows[vtb.account_id].bank == "VietinBank" and rows[vtb.account_id].holder_folded == "quy cuu tro (mau)"
    assert not any(r.simulated for r in rows.values())
    assert str(rows[vbsp.account_id].opened_on) == "2024-09-10"
    # The VCB thống kê file belongs to the same VCB account: no second account.
    thong_ke = import_file(engine, FIXTURES / "vcb_thong_ke.csv", account=account_of("vcb_thong_ke.csv"))
    assert (thong_ke.account_id, thong_ke.account_created) == (vcb.account_id, False)


def test_layout_details_are_normalised(engine):
    agri = import_file(engine, FIXTURES / "agribank_no_header.csv", account="8300333385555")
    first = lines_of(engine, agri.account_id)[0]
    assert first["source_row"] == 1  # no header: the first record is row 1
    assert first["description"] == "MAI HAI VU ung ho cuu tro dong bao"  # 'do\nng bao' joined back, no space
    assert (first["counterparty"], first["reference"], first["balance"]) == ("MAI HAI VU", "31210805", 300_000)
    assert first["has_time"] in (0, False)

    tk = import_file(engine, FIXTURES / "vcb_thong_ke.csv", account="0019990004321")
    row2 = lines_of(engine, tk.account_id)[0]
    assert row2["source_row"] == 2 and row2["posted_at"].startswith("2024-09-24 00:07:14")  # hour '0:07:14'
    assert row2["has_time"] in (1, True) and row2["counterparty"] == "NGUYEN PHU THAO"

    vtb = import_file(engine, FIXTURES / "vietinbank.csv", account="111602391111")
    assert lines_of(engine, vtb.account_id)[0]["counterparty"] == "VU XUAN THANH"  # from inside the memo

    vbsp = import_file(engine, FIXTURES / "vbsp_sheet.xlsx", account="1000009990001234")
    rows = lines_of(engine, vbsp.account_id)
    assert vbsp.skipped == 2  # 'Số dư đầu' and the totals row
    assert rows[0]["source_row"] == 7  # 4 title rows, the header, the opening row
    assert rows[0]["posted_at"].startswith("2024-09-10")  # the Excel datetime 2024-10-09, day/month swapped back
    assert (rows[0]["reference"], rows[0]["counterparty"]) == ("CT65618072035413", "DANG XUAN PHUC")

    vcb = import_file(engine, FIXTURES / "vcb_daily_export.csv", account="0019990004321")
    out = [r for r in lines_of(engine, vcb.account_id) if r["direction"] == "out"]
    assert len(out) == 4 and all("QD SO" in r["description"] and r["counterparty"] is None for r in out)


def schema_objects(engine) -> list:
    """The schema and the FTS index's settings (a bulk load tunes them for a moment, then puts them back)."""
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")).all()
            + conn.execute(text("SELECT k, v FROM statement_fts_config ORDER BY k")).all()
        )


def fts_hits(engine, phrase: str) -> int:
    """Lines the search index finds holding every trigram of `phrase`, kept when they contain the phrase."""
    every_trigram = " AND ".join(f'"{phrase[i : i + 3]}"' for i in range(len(phrase) - 2))
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM statement_fts f JOIN statement_lines s ON s.id = f.rowid "
                "WHERE statement_fts MATCH :m AND instr(s.search_text, :p) > 0"
            ),
            {"m": every_trigram, "p": phrase},
        ).scalar_one()


def test_bulk_and_trigger_paths_both_leave_search_complete(engine, monkeypatch):
    from explorer.db import ledger as store  # the ledger writer decides bulk vs row by row

    fresh = schema_objects(engine)
    monkeypatch.setattr(store, "BULK_INDEX_THRESHOLD", 0)  # drop index, triggers and b-trees, load, rebuild
    import_file(engine, FIXTURES / "agribank_no_header.csv", account="8300333385555")
    assert schema_objects(engine) == fresh
    monkeypatch.setattr(store, "BULK_INDEX_THRESHOLD", 10**9)  # row-by-row triggers
    import_file(engine, FIXTURES / "vietinbank.csv", account="111602391111")
    with engine.connect() as conn:
        oracle = conn.execute(text("SELECT sum(instr(search_text, 'dong bao') > 0) FROM statement_lines")).scalar_one()
    assert fts_hits(engine, "dong bao") == oracle > 0
    assert fts_hits(engine, "mai hai vu") >= 1 and fts_hits(engine, "vu xuan thanh") >= 1


def generic_frame() -> pd.DataFrame:
    """The VCB thống kê sample re-labelled as some charity's own spreadsheet."""
    src = pd.read_csv(FIXTURES / "vcb_thong_ke.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return pd.DataFrame(
        {
            "Ngày": src["Ngày giờ giao dịch"],
            "Có": src["Số tiền ghi có"],
            "Nợ": src["Số tiền ghi nợ"],
            "Nội dung": src["Nội dung chi tiết"],
        }
    )


GENERIC_MAP = "date=Ngay,credit=Co,debit=No,description=Noi dung"


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_generic_files_import_with_a_column_mapping(engine, kind):
    frame = generic_frame()
    buffer = io.BytesIO()
    if kind == "csv":
        buffer.write(frame.to_csv(index=False, sep=";").encode("utf-8"))
    elif kind == "xlsx":
        frame.to_excel(buffer, index=False)
    else:
        frame.to_parquet(buffer, index=False)
    result = import_statement(
        engine,
        buffer.getvalue(),
        f"own.{kind}",
        account="0019990004321",
        bank="VCB",
        column_map=parse_mapping(GENERIC_MAP),
    )
    expected = EXPECTED["vcb_thong_ke.csv"]
    assert (result.layout, result.rows, result.credit_total, result.debit_total) == (
        "generic",
        expected["rows"],
        expected["credit_total"],
        expected["debit_total"],
    )
    assert lines_of(engine, result.account_id)[0]["counterparty"] == "NGUYEN PHU THAO"  # read from the memo


def test_generic_signed_amount_and_separate_time(engine):
    csv = 'Date,Time,Amount,Memo\n2024-09-10,08:15,"500,000",NGUYEN VAN AN ung ho\n2024-09-11,,-200000,CHI HO TRO\n'
    result = import_statement(
        engine,
        csv.encode(),
        "own.csv",
        account="1234",
        bank="MB",
        column_map=parse_mapping("date=Date,time=Time,amount=Amount,description=Memo"),
    )
    assert (result.credit_total, result.debit_total) == (500_000, 200_000)
    first, second = lines_of(engine, result.account_id)
    assert first["posted_at"].startswith("2024-09-10 08:15:00") and first["has_time"] in (1, True)
    assert second["direction"] == "out" and second["has_time"] in (0, False)


def test_reading_alone_touches_no_database():
    statement = read_statement((FIXTURES / "agribank_no_header.csv").read_bytes(), "a.csv", account="8300333385555")
    assert (statement.layout.name, len(statement.parsed.lines), statement.opening_balance) == ("agribank", 250, 0)


@pytest.mark.parametrize(
    "text_, value",
    [
        ("1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("500000.00", 500_000),
        ("29,000", 29_000),
        ("1.000,00", 1_000),
        ("500000", 500_000),
        (" 300.000 VND", 300_000),
        ("20.000đ", 20_000),
        (29000.0, 29_000),
        (128230000, 128_230_000),
        ("", None),
    ],
)
def test_amounts_in_every_usual_form(text_, value):
    assert amount(text_, "credit") == value


@pytest.mark.parametrize(
    "text_",
    [
        "12a",
        "1.000.00",
        "1,000.000",
        "500000.50",
        "-500.000",
        "(500.000)",
        "99.999.999.999.999.999",
        float("inf"),
        True,
        "1e9",
    ],
)
def test_amounts_that_are_refused(text_):
    with pytest.raises(CellError):
        amount(text_, "credit")


def test_dates_and_times():
    assert when("24/09/2024 0:07:14", "d") == (dt.datetime(2024, 9, 24, 0, 7, 14), True)
    assert when("10/09/2024", "d") == (dt.datetime(2024, 9, 10), False)
    assert when(dt.datetime(2024, 9, 10, 8, 0), "d") == (dt.datetime(2024, 9, 10, 8, 0), True)
    for bad in ("31/02/2024", "24/09/2024 25:00:00", "01/01/1899", "2024/13/01", "hôm qua"):
        with pytest.raises(CellError):
            when(bad, "d")


@pytest.mark.parametrize(
    "memo, name",
    [
        (
            "MBVCB.7009034395.DUONG TRI YEN chung tay.CT tu 5902263334 DUONG TRI YEN toi 0019990004321 MTTQ",
            "DUONG TRI YEN",
        ),
        ("526744.010924.060057.MAI TAN KHOA Chuyen tien ung ho bao", "MAI TAN KHOA"),
        ("chuyen tien (CT1111); thoi gian GD:15/09/2024 23:54:14 BUI XUAN DUNG 115460593***", "BUI XUAN DUNG"),
        ("PAYTRON - CREDIT ( Ref: CT76446646050805 ) DUONG QUANG PHUC ung ho-MOB CHANNEL -000101", "DUONG QUANG PHUC"),
        ("LE THE NGOC chuyen FTN", "LE THE NGOC"),
        ("020097042906838628580033.5345. 139770.Chuyen tien ung ho bao", None),
        ("CHUYEN TIEN THEO QD SO 2796/QD-BVD, NGAY 03/09/2024", None),
    ],
)
def test_counterparty_from_memo(memo, name):
    assert counterparty_from_memo(memo) == name


@given(st.text(max_size=60))
def test_fast_fold_agrees_with_fold(value):
    assert fold_fast(value) == fold(value)


def test_which_account_a_generic_file_goes_to(engine):
    mapping = parse_mapping("date=Ngay,credit=Co,description=Noi dung")
    generic = lambda day, **kw: import_statement(  # noqa: E731
        engine, f"Ngay,Co,Noi dung\n{day}/09/2024,100.000,ung ho\n".encode(), f"{day}.csv", column_map=mapping, **kw
    )
    with pytest.raises(StatementImportError, match="does not exist yet.*--bank"):
        generic(10, account="5555")  # no bank in the file or the options: which bank would it be at?
    first = generic(10, account="5555", bank="MB")
    assert generic(11, account="5555").account_id == first.account_id  # one account with that number
    generic(12, account="5555", bank="Vietcombank")
    with pytest.raises(StatementImportError, match="several banks"):
        generic(13, account="5555")


PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture()
def pg_engine():
    """A fresh schema of its own in the test database (dropped afterwards), so parallel runs never meet."""
    import uuid

    schema = f"ingest_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema},public")
    try:
        create_schema(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_import_into_postgresql_with_copy(pg_engine, monkeypatch):
    from explorer.db import ledger as store  # the ledger writer decides bulk vs row by row

    agri = import_file(pg_engine, FIXTURES / "agribank_no_header.csv", account="8300333385555")
    assert (agri.rows, agri.added, agri.credit_total, agri.closing_balance) == (250, 250, 216_278_000, 216_278_000)
    assert import_file(pg_engine, FIXTURES / "agribank_no_header.csv", account="8300333385555").added == 0
    monkeypatch.setattr(store, "BULK_INDEX_THRESHOLD", 0)  # the bulk path: drop and rebuild the trigram index
    vbsp = import_file(pg_engine, FIXTURES / "vbsp_sheet.xlsx", account="1000009990001234")
    assert (vbsp.rows, vbsp.added, vbsp.skipped) == (200, 200, 2)
    with pytest.raises(StatementImportError):
        import_file(pg_engine, FIXTURES / "vbsp_sheet.xlsx", account="1000009990001234", expected_rows=1)
    with pg_engine.connect() as conn:
        totals = dict(
            conn.execute(text("SELECT source_layout, sum(amount) FROM statement_lines GROUP BY source_layout")).all()
        )
        first = conn.execute(
            text(
                "SELECT posted_at, has_time, search_text FROM statement_lines "
                "WHERE source_layout = 'vbsp' ORDER BY source_row LIMIT 1"
            )
        ).one()
        index = conn.execute(
            text(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_lines_search_trgm' "
                "AND schemaname = current_schema()"
            )
        ).scalar_one()
        hits = conn.execute(
            text("SELECT count(*) FROM statement_lines WHERE search_text LIKE '%dang xuan phuc%'")
        ).scalar_one()
    assert totals == {"agribank": 216_278_000, "vbsp": 128_230_000}
    assert first.posted_at == dt.datetime(2024, 9, 10) and first.has_time is False
    assert index == 1 and hits >= 1
