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

from explorer.db import line_order, search
from explorer.db.schema import Account, StatementLine
from explorer.ingest.normalise import Line
from explorer.text import fold

COLUMNS = ("account_id", "posted_at", "has_time", "direction", "amount", "currency", "balance", "reference",
           "counterparty", "description", "search_text", "donor_key", "source_sha256", "source_row", "source_layout")
CHUNK = 50_000
# Keeping the SQLite FTS index by trigger costs ~60 µs per new line; rebuilding it costs ~11 µs per line in
# the table (measured with bench/bench_import.py). So a load of at least this many lines that is also at
# least a quarter of what the table already holds drops the index and rebuilds it in one pass.
BULK_INDEX_THRESHOLD = 20_000
BULK_INDEX_SHARE = 0.25
IMPORT_CACHE_KIB = 512 * 1024  # SQLite page cache during a bulk load: fewer dirty pages spilled mid-transaction
# FTS5 flushes its in-memory index to a new segment every `hashsize` bytes (default 1 MiB) and merges the
# segments later; a 32 MiB buffer for the rebuild halves its CPU time on long memos (bench/bench_import.py).
FTS_REBUILD_HASHSIZE = 32 * 1024 * 1024
FTS_DEFAULT_HASHSIZE = 1024 * 1024
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
    with _large_page_cache(conn):
        if bulk:
            search.suspend_index(conn)
            dropped = _drop_sqlite_secondary_indexes(conn)
        rows = _rows(conn, lines, account_id, sha256, layout)
        if conn.dialect.name == "postgresql":
            _copy(conn, rows, len(lines), progress)
        else:
            _executemany(conn, rows, len(lines), progress)
        if bulk:
            for ddl in dropped:
                conn.exec_driver_sql(ddl)
            with _large_fts_buffer(conn):
                search.rebuild_index(conn)
    line_order.record(conn, last_id)
    return len(lines)


@contextmanager
def _large_fts_buffer(conn: Connection):
    """On SQLite, a larger FTS5 write buffer for the rebuild; the table's own setting is put back after."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("SELECT v FROM statement_fts_config WHERE k = 'hashsize'").scalar()
    configure = "INSERT INTO statement_fts(statement_fts, rank) VALUES ('hashsize', ?)"
    conn.exec_driver_sql(configure, (FTS_REBUILD_HASHSIZE,))
    try:
        yield
    finally:
        if before is None:  # never configured: leave no trace of ours in the index's settings
            conn.exec_driver_sql(configure, (FTS_DEFAULT_HASHSIZE,))
            conn.exec_driver_sql("DELETE FROM statement_fts_config WHERE k = 'hashsize'")
        else:
            conn.exec_driver_sql(configure, (int(before),))


def _drop_sqlite_secondary_indexes(conn: Connection) -> list[str]:
    """Drop statement_lines' plain indexes for a bulk load and return their DDL: building a b-tree once from
    sorted keys beats 2 M random inserts into it (~30 % of the insert time). The unique source index stays:
    idempotence depends on it. A rollback brings everything back (the DDL is inside the transaction)."""
    if conn.dialect.name != "sqlite":
        return []
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                "AND tbl_name = 'statement_lines' AND sql IS NOT NULL").all()
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in rows]


@contextmanager
def _large_page_cache(conn: Connection):
    """On SQLite, a big page cache for the load (restored after: the connection goes back to the pool)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={before}")


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
