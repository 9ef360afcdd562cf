"""A suite of generated bad files: each one either fails with a clear StatementImportError naming the file
(and the row and column when there is one) and leaves every table — the FTS index's shadow tables and the
schema itself included — exactly as it was, or is a documented correct import with the right totals.

A row that cannot be read (`aside`) is refused that way in strict mode; under the default policy the file
goes through with that one row set aside (kept with its row and reason, never written as a line)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from explorer.db import ledger
from explorer.db.engine import create_schema, make_engine
from explorer.ingest import StatementImportError, import_file, import_statement, parse_mapping
from explorer.ingest.policy import Policy

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))
VCB, THONG_KE, VTB = "0019990004321", "0019990004321", "111602391111"
AGRI, VBSP = "8300333385555", "1000009990001234"


def sample(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sample_text(name: str) -> str:
    return sample(name).decode("utf-8-sig")


def lines(name: str) -> list[str]:
    return sample_text(name).split("\n")


def replace_in_row(name: str, row_index: int, old: str, new: str) -> bytes:
    """The sample with `old` → `new` on one text line (0 = header)."""
    text_lines = lines(name)
    assert old in text_lines[row_index], (text_lines[row_index], old)
    text_lines[row_index] = text_lines[row_index].replace(old, new, 1)
    return "\n".join(text_lines).encode("utf-8")


TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def to_cp1258(text_: str) -> bytes:
    """Windows-1258 as Vietnamese ANSI software writes it: precomposed vowels (ơ, â, …) + a combining tone."""
    out = bytearray()
    for ch in text_:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


def retabbed(name: str) -> bytes:
    """The sample re-written with tabs between fields (memos keep their commas)."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(csv.reader(io.StringIO(sample_text(name))))
    return out.getvalue().encode()


def reversed_records(name: str) -> bytes:
    """The sample with its records in the opposite order (memos wrapped over lines stay whole)."""
    out = io.StringIO()
    csv.writer(out).writerows(list(csv.reader(io.StringIO(sample_text(name))))[::-1])
    return out.getvalue().encode()


def vbsp_edited(edit) -> bytes:
    book = openpyxl.load_workbook(FIXTURES / "vbsp_sheet.xlsx")
    edit(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Case:
    name: str
    data: bytes
    options: dict
    error: str | None = None  # a substring of the message; None: a documented correct import
    row: int | None = None  # the row the first problem names
    column: str | None = None
    expect: dict = field(default_factory=dict)  # for correct imports: rows / credit_total
    aside: bool = False  # one unreadable row: set aside by default, refused in strict mode


def cases() -> list[Case]:
    rng = random.Random(5)
    daily, tk, vtb, agri = "vcb_daily_export.csv", "vcb_thong_ke.csv", "vietinbank.csv", "agribank_no_header.csv"
    thong_ke = sample_text(tk)
    tk_expect = {"rows": EXPECTED[tk]["rows"], "credit_total": EXPECTED[tk]["credit_total"]}
    daily_lines = lines(daily)
    return [
        Case("empty", b"", {"account": VCB}, "empty"),
        Case("only whitespace", b"  \r\n\n ", {"account": VCB}, "empty"),
        Case("header only", (daily_lines[0] + "\n").encode(), {"account": VCB}, "no transactions"),
        Case("truncated inside a quoted memo", sample(agri)[:5000], {"account": AGRI}, "never closed"),
        Case(
            "truncated mid-row",
            ("\n".join(daily_lines[:51]) + "\n1,09/09/2024,5100.20819,,").encode(),
            {"account": VCB},
            "it looks cut off",
            row=52,
        ),
        Case("truncated xlsx", sample("vbsp_sheet.xlsx")[:6000], {"account": VBSP}, "Excel workbook"),
        Case("binary garbage", bytes(rng.getrandbits(8) for _ in range(20_000)), {"account": VCB}, "binary"),
        Case(
            "high bytes without NULs", bytes(rng.randrange(0x80, 0x100) for _ in range(5000)), {"account": VCB}, "not"
        ),
        Case("PNG image", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), {"account": VCB}, "binary"),
        Case("old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), {"account": VCB}, ".xls"),
        Case("damaged parquet", b"PAR1" + bytes(rng.getrandbits(8) for _ in range(300)), {"account": VCB}, "Parquet"),
        Case(
            "UTF-16 with BOM (documented: decoded)", thong_ke.encode("utf-16"), {"account": THONG_KE}, expect=tk_expect
        ),
        Case(
            "UTF-16 BE without BOM (documented: decoded)",
            thong_ke.encode("utf-16-be"),
            {"account": THONG_KE},
            expect=tk_expect,
        ),
        Case(
            "Windows-1258 (documented: decoded, tones composed)",
            to_cp1258(thong_ke),
            {"account": THONG_KE},
            expect=tk_expect,
        ),
        Case(
            "tab delimiter (documented: sniffed)",
            retabbed(daily),
            {"account": VCB},
            expect={"rows": 400, "credit_total": EXPECTED[daily]["credit_total"]},
        ),
        Case(
            "wrong delimiter on data rows",
            (daily_lines[0] + "\n" + "\n".join(line.replace(",", ";") for line in daily_lines[1:])).encode(),
            {"account": VCB},
            "does not look like|not a",
        ),
        Case("VietinBank saved with commas", sample_text(vtb).replace(";", ",").encode(), {"account": VTB}, "fields"),
        Case(
            "missing Credit column",
            "\n".join(
                ",".join(c for i, c in enumerate(line.split(",")) if i != 4) for line in daily_lines[:20]
            ).encode(),
            {"account": VCB},
            "credit",
            row=1,
        ),
        Case(
            "missing memo column",
            "\n".join(line.rsplit(",", 1)[0] for line in thong_ke.split("\n")[:20]).encode(),
            {"account": THONG_KE},
            "noi dung chi tiet",
            row=1,
        ),
        Case(
            "non-numeric amount",
            replace_in_row(daily, 3, ",,500.000,", ",,5OO.000,"),
            {"account": VCB},
            "not an amount",
            row=4,
            column="Credit",
            aside=True,
        ),
        Case(
            "negative amount",
            replace_in_row(daily, 3, ",,500.000,", ",,-500.000,"),
            {"account": VCB},
            "negative",
            row=4,
            column="Credit",
            aside=True,
        ),
        Case(
            "overflowing amount",
            replace_in_row(daily, 3, ",,500.000,", ',,"99.999.999.999.999.999",'),
            {"account": VCB},
            "larger than any real transfer",
            row=4,
            column="Credit",
            aside=True,
        ),
        Case(
            "fraction of a dong",
            replace_in_row(tk, 5, "1000000.00", "1000000.50"),
            {"account": THONG_KE},
            "fraction",
            row=6,
            column="Số tiền ghi có",
            aside=True,
        ),
        Case(
            "both debit and credit",
            replace_in_row(daily, 3, ",,500.000,", ",1.000,500.000,"),
            {"account": VCB},
            "both debit and credit",
            row=4,
            aside=True,
        ),
        Case(
            "zero amount (documented: imported and flagged)",
            replace_in_row(daily, 3, ",,500.000,", ",,0,"),
            {"account": VCB},
            expect={"rows": 400, "credit_total": EXPECTED[daily]["credit_total"] - 500_000, "flagged": 1},
        ),
        Case(
            "impossible date",
            replace_in_row(daily, 10, "01/09/2024", "31/02/2024"),
            {"account": VCB},
            "impossible date",
            row=11,
            column="TNXDate",
            aside=True,
        ),
        Case(
            "year out of range",
            replace_in_row(daily, 10, "01/09/2024", "01/09/1899"),
            {"account": VCB},
            "outside",
            row=11,
            column="TNXDate",
            aside=True,
        ),
        Case(
            "impossible time",
            replace_in_row(tk, 1, "24/09/2024 0:07:14", "24/09/2024 25:07:14"),
            {"account": THONG_KE},
            "impossible time",
            row=2,
            aside=True,
        ),
        Case(
            "missing date",
            replace_in_row(daily, 7, "1,01/09/2024,", "1,,"),
            {"account": VCB},
            "date is missing",
            row=8,
            column="TNXDate",
            aside=True,
        ),
        Case(
            "duplicate row",
            ("\n".join(daily_lines[:30] + [daily_lines[12]] + daily_lines[30:])).encode(),
            {"account": VCB},
            "repeats row 13",
            row=31,
            aside=True,
        ),
        Case(
            "1 MB memo cell",
            replace_in_row(daily, 6, "Dong bao minh oi co gang len", "X" * 1_048_576),
            {"account": VCB},
            "characters",
            row=7,
            column="TransactionDetails",
            aside=True,
        ),
        Case(
            "balance break (documented: imported, two gaps found)",
            replace_in_row(agri, 3, "800.000", "810.000"),
            {"account": AGRI},
            expect={"rows": 250, "credit_total": EXPECTED[agri]["credit_total"], "gaps": 2},
        ),
        Case(
            "xlsx without header",
            vbsp_edited(lambda ws: ws.delete_rows(5)),
            {"account": VBSP},
            "not a statement layout",
        ),
        Case(
            "xlsx formula cell without a saved value",
            vbsp_edited(lambda ws: ws.__setitem__("E9", "=1000+2000")),
            {"account": VBSP},
            "formula",
            row=9,
            column="Số tiền giao dịch",
            aside=True,
        ),
        Case(
            "xlsx totals row disagrees (documented: imported, not reconciled)",
            vbsp_edited(lambda ws: ws.__setitem__("E207", 999)),
            {"account": VBSP},
            expect={
                "rows": 200,
                "credit_total": EXPECTED["vbsp_sheet.xlsx"]["credit_total"],
                "reconciled": False,
                "added": 0,
            },
        ),
        Case(
            "xlsx of another account",
            vbsp_edited(lambda ws: None),
            {"account": "1000009990009999"},
            "statement of account 1000009990001234",
            row=3,
        ),
        Case("expected rows differ", sample(agri), {"account": AGRI, "expected_rows": 251}, "251 expected"),
        Case("expected credit differs", sample(agri), {"account": AGRI, "expected_credit": 1}, "expected"),
        Case("forced wrong layout", sample(agri), {"account": AGRI, "layout": "vcb_daily"}, "does not look like"),
        Case("generic without mapping", sample(daily), {"account": VCB, "layout": "generic"}, "column mapping"),
        Case(
            "mapping names absent columns",
            sample(daily),
            {"account": VCB, "bank": "VCB", "column_map": parse_mapping("date=Ngay,credit=Co,description=Noi dung")},
            "mapped column",
        ),
        Case("account number not digits", sample(daily), {"account": "abc; DROP TABLE accounts"}, "3–20 digits"),
        Case(
            "formula-like memo text (documented: stored as written)",
            replace_in_row(daily, 3, "Dong bao minh oi co gang len", '=HYPERLINK(""http://x"")'),
            {"account": VCB},
            expect={"rows": 400, "credit_total": EXPECTED[daily]["credit_total"]},
        ),
        Case(
            "newest first (documented: balances checked bottom-up)",
            reversed_records(agri),
            {"account": AGRI},
            expect={
                "rows": 250,
                "credit_total": EXPECTED[agri]["credit_total"],
                "closing_balance": EXPECTED[agri]["closing_balance"],
            },
        ),
        Case(
            "mapping with a bank layout",
            sample(daily),
            {
                "account": VCB,
                "layout": "vcb_daily",
                "column_map": parse_mapping("date=TNXDate,credit=Credit,description=TransactionDetails"),
            },
            "only applies",
        ),
        Case(
            "blank lines between rows (documented: ignored)",
            ("\n\n".join(daily_lines)).encode(),
            {"account": VCB},
            expect={"rows": 400, "credit_total": EXPECTED[daily]["credit_total"]},
        ),
    ]


CASES = cases()


def fingerprint(engine) -> str:
    """A hash of the schema and of every row of every table (FTS shadow tables included)."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        master = conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")).all()
        digest.update(repr(master).encode())
        for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")):
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()
            digest.update(name.encode() + repr(sorted(repr(r) for r in rows)).encode())
    return digest.hexdigest()


@pytest.fixture()
def engine(tmp_path):
    """A database already holding one imported statement, so 'unchanged' means something."""
    eng = make_engine(f"sqlite:///{tmp_path / 'bad.sqlite'}")
    create_schema(eng)
    import_file(eng, FIXTURES / "vbsp_sheet.xlsx", account=VBSP)
    yield eng
    eng.dispose()


def test_the_suite_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(engine, case):
    before = fingerprint(engine)
    options = {"bank": None, **case.options}
    if case.error is None:
        result = import_statement(engine, case.data, f"{case.name}.csv", **options)
        assert (result.rows, result.credit_total) == (case.expect["rows"], case.expect["credit_total"])
        for key in ("closing_balance", "flagged", "gaps", "reconciled"):
            if key in case.expect:
                assert getattr(result, key) == case.expect[key], key
        assert result.added == case.expect.get("added", result.rows)
        assert result.added + result.already_present + result.set_aside == result.rows
        return
    if case.aside:
        options["policy"] = Policy(strict=True)
    with pytest.raises(StatementImportError) as caught:
        import_statement(engine, case.data, "bad_file.csv", **options)
    error = caught.value
    message = str(error)
    assert message.startswith("bad_file.csv: ") and "\n" not in message
    assert any(part.lower() in message.lower() for part in case.error.split("|")), message
    if case.row is not None:
        assert error.row == case.row, message
    if case.column is not None:
        assert error.column == case.column, message
    assert fingerprint(engine) == before
    if case.aside:  # the default policy: the file goes through, that one row kept aside with its reason
        options.pop("policy")
        result = import_statement(engine, case.data, "bad_file.csv", **options)
        assert result.set_aside == 1 and result.added + result.already_present == result.rows - 1
        with engine.connect() as conn:
            row, reason = conn.execute(
                text("SELECT row, reason FROM set_aside_rows WHERE import_id = :i"), {"i": result.import_id}
            ).one()
        assert row == (case.row or row) and any(p.lower() in reason.lower() for p in case.error.split("|")), reason


def test_every_balance_break_is_reported(engine):
    data = [line.rstrip("\r") for line in lines("agribank_no_header.csv")]
    broken = [i for i, line in enumerate(data) if line.endswith("AGRIBANK,MTTQ")][10:70:20]  # far apart
    for i in broken:
        fields = data[i].split(",")
        fields[-4] = fields[-4][:-3] + "999"  # the balance column, counted from the right (memos hold commas)
        data[i] = ",".join(fields)
    result = import_statement(engine, "\n".join(data).encode(), "agri.csv", account=AGRI)
    with engine.connect() as conn:
        gaps = conn.execute(
            text(
                "SELECT after_row, before_row, unexplained, message FROM balance_gaps "
                "WHERE import_id = :i ORDER BY before_row"
            ),
            {"i": result.import_id},
        ).all()
    # Each edited row breaks once, and the row after it (checked against the edited balance) once more.
    edited = [g.before_row for g in gaps][::2]
    assert result.gaps == 6 and [g.before_row for g in gaps][1::2] == [r + 1 for r in edited]
    assert all(g.after_row == g.before_row - 1 for g in gaps) and len(set(edited)) == 3
    assert [g.unexplained for g in gaps][::2] == [-[g.unexplained for g in gaps][1::2][k] for k in range(3)]
    assert "lines left out of the statement" in gaps[0].message


def test_a_failure_while_writing_leaves_nothing_behind(engine, monkeypatch):
    """Even in the bulk path (index dropped for the load), a write error rolls back index and rows."""
    before = fingerprint(engine)
    monkeypatch.setattr(ledger, "BULK_INDEX_THRESHOLD", 0)
    monkeypatch.setattr(ledger, "CHUNK", 100)
    calls = {"n": 0}
    real = ledger._executemany

    def failing(conn, columns, rows, total, progress):
        def rows_then_fail():
            for i, row in enumerate(rows):
                if i == 150:
                    raise RuntimeError("disk full")
                yield row

        calls["n"] += 1
        real(conn, columns, rows_then_fail(), total, progress)

    monkeypatch.setattr(ledger, "_executemany", failing)
    with pytest.raises(RuntimeError):
        import_file(engine, FIXTURES / "agribank_no_header.csv", account=AGRI)
    assert calls["n"] == 1
    assert fingerprint(engine) == before
