"""Writing an import: find or create the account, skip rows already imported, bulk-insert the rest.

Everything happens in one transaction, so an import is all-or-nothing. SQLite gets `executemany` in chunks
on the raw DBAPI connection; PostgreSQL gets `COPY`. Values go through SQLAlchemy's own bind processors so
stored datetimes look exactly like those the ORM writes (queries compare them as text on SQLite).
"""
from __future__ import annotations

import datetime as dt
import itertools
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from explorer.db import line_order, rollups
from explorer.db.bulk import bulk_load, large_page_cache
from explorer.db.schema import Account, StatementLine
from explorer.ingest.normalise import Line
from explorer.text import fold

COLUMNS = ("account_id", "posted_at", "has_time", "direction", "amount", "currency", "balance", "reference",
           "counterparty", "description", "search_text", "donor_key", "source_sha256", "source_row", "source_layout")
CHUNK = 50_000
# Keeping the SQLite FTS index by trigger costs ~60 µs per new line; rebuilding it costs ~11 µs per line in
# the table (measured with bench/bench_import.py). So a load of at least this many lines that is also at
# least a quarter of what the table already holds is a bulk load (explorer.db.bulk.bulk_load).
BULK_INDEX_THRESHOLD = 20_000
BULK_INDEX_SHARE = 0.25
BANK_ALIASES = {"vietcombank": "VCB", "vcb": "VCB", "vietinbank": "VietinBank", "ctg": "VietinBank",
                "agribank": "Agribank", "vbsp": "VBSP", "ngan hang chinh sach xa hoi": "VBSP", "bidv": "BIDV",
                "mb": "MB", "mbbank": "MB", "techcombank": "Techcombank", "tcb": "Techcombank", "acb": "ACB"}
Progress = Callable[[int, int], None]


class AccountChoiceError(ValueError):
    """The account number alone does not say which account (or which bank a new one is at)."""


def canonical_bank(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    folded = fold(name)
    return BANK_ALIASES.get(folded, name.strip()[:32])


def begin(conn: Connection) -> None:
    """Open the transaction now. On SQLite, IMMEDIATE takes the write lock up front and makes the index DDL
    below part of the transaction (the sqlite3 driver would otherwise run it outside any transaction)."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def find_or_create_account(conn: Connection, number: str, bank: str | None, holder: str | None,
                           opened_on: dt.date, opening_balance: int = 0) -> tuple[int, bool]:
    """(account id, created). A known bank picks (bank, number); without one, the number must be unambiguous."""
    rows = conn.execute(select(Account.id, Account.bank).where(Account.number == number)).all()
    if not bank:
        if len(rows) == 1:
            return rows[0].id, False
        if rows:
            banks = ", ".join(sorted(r.bank for r in rows))
            raise AccountChoiceError(f"account {number} exists at several banks ({banks}): say which with --bank")
        raise AccountChoiceError(f"account {number} does not exist yet: give its bank (--bank) to create it")
    match = [r.id for r in rows if canonical_bank(r.bank) == bank]
    if match:
        return match[0], False
    holder = (holder or number).strip()[:200]  # no holder known: the number itself, rather than a blank
    new_id = conn.execute(Account.__table__.insert().values(
        number=number, bank=bank, holder_name=holder, holder_folded=fold(holder), opened_on=opened_on,
        opening_balance=opening_balance, currency="VND", simulated=False)).inserted_primary_key[0]
    return new_id, True


def lock_account(conn: Connection, account_id: int) -> None:
    """Serialise imports into one account so two at once cannot both find a row 'not yet imported'."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT id FROM accounts WHERE id = :id FOR UPDATE"), {"id": account_id})


def imported_rows(conn: Connection, account_id: int, sha256: str) -> set[int]:
    """Rows of this file already in this account (the unique (account, sha256, row) makes import idempotent)."""
    found = conn.execute(select(StatementLine.source_row).where(
        StatementLine.account_id == account_id, StatementLine.source_sha256 == sha256))
    return {row for (row,) in found}


def insert_lines(conn: Connection, account_id: int, lines: list[Line], sha256: str, layout: str,
                 progress: Progress | None = None) -> int:
    """Insert `lines` (none of them present yet); the dialect's search index ends up complete. Returns the count."""
    if not lines:
        return 0
    last_id = conn.execute(text("SELECT max(id) FROM statement_lines")).scalar()
    bulk = len(lines) >= BULK_INDEX_THRESHOLD and len(lines) >= BULK_INDEX_SHARE * _line_count(conn)
    with bulk_load(conn, "statement_lines") if bulk else large_page_cache(conn):
        rows = _rows(conn, lines, account_id, sha256, layout)
        if conn.dialect.name == "postgresql":
            _copy(conn, rows, len(lines), progress)
        else:
            _executemany(conn, rows, len(lines), progress)
    line_order.record(conn, last_id)
    rollups.refresh(conn, min(line.posted_at for line in lines), max(line.posted_at for line in lines))
    return len(lines)


def _line_count(conn: Connection) -> int:
    return conn.execute(text("SELECT count(*) FROM statement_lines")).scalar_one()


def _bind(conn: Connection, column: str):
    """SQLAlchemy's own conversion of a Python value for `column` on this dialect (identity if none)."""
    dialect = conn.dialect
    process = StatementLine.__table__.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)


def _datetime_text(conn: Connection):
    """How posted_at is bound: on SQLite the C-speed isoformat when it spells what SQLAlchemy writes."""
    process = _bind(conn, "posted_at")
    probe = dt.datetime(2024, 9, 1, 7, 5, 3)
    if conn.dialect.name == "sqlite" and process(probe) == probe.isoformat(" ", "microseconds"):
        return lambda value: value.isoformat(" ", "microseconds")
    return process


def _rows(conn: Connection, lines: Iterable[Line], account_id: int, sha256: str, layout: str) -> Iterator[tuple]:
    when, flag = _datetime_text(conn), _bind(conn, "has_time")
    for line in lines:
        yield (account_id, when(line.posted_at), flag(line.has_time), line.direction, line.amount, "VND",
               line.balance, line.reference, line.counterparty, line.description, line.search_text,
               line.donor_key, sha256, line.row, layout)


def _executemany(conn: Connection, rows: Iterator[tuple], total: int, progress: Progress | None) -> None:
    sql = f"INSERT INTO statement_lines ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    cursor = conn.connection.dbapi_connection.cursor()
    done = 0
    try:
        while chunk := list(itertools.islice(rows, CHUNK)):
            cursor.executemany(sql, chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    finally:
        cursor.close()


def _copy(conn: Connection, rows: Iterator[tuple], total: int, progress: Progress | None) -> None:
    sql = f"COPY statement_lines ({', '.join(COLUMNS)}) FROM STDIN"
    with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for done, row in enumerate(rows, start=1):
            copy.write_row(row)
            if progress and done % CHUNK == 0:
                progress(done, total)
    if progress:
        progress(total, total)
