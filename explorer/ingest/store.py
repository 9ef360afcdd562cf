"""Writing an import: find or create the account, record the import (set-aside rows, gaps, reconciliation),
skip lines already present (by identity, explorer.ingest.identity) and hand the rest to the ledger writer
(explorer.db.ledger), which keeps the search index, rollups and line-order fact true.

Everything happens in one transaction, so an import is all-or-nothing. Values go through SQLAlchemy's own
bind processors so stored datetimes look exactly like those the ORM writes (queries compare them as text on
SQLite).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection

from explorer import banks
from explorer.db import ledger
from explorer.db.engine import driver_connection
from explorer.db.schema import Account, BalanceGap, Import, SetAsideRow, StatementLine
from explorer.ingest.channels import infer_channel
from explorer.ingest.identity import line_keys
from explorer.ingest.normalise import Line
from explorer.text import fold

COLUMNS = (
    "account_id",
    "posted_at",
    "has_time",
    "direction",
    "amount",
    "currency",
    "balance",
    "reference",
    "counterparty",
    "description",
    "search_text",
    "donor_key",
    "source_sha256",
    "source_row",
    "source_layout",
    "source_page",
    "import_id",
    "line_key",
    "flags",
    "channel",
)
Progress = Callable[[int, int], None]


class AccountChoiceError(ValueError):
    """The account number alone does not say which account (or which bank a new one is at)."""


def account_currency(engine, number: str, bank: str | None) -> str | None:
    """The currency of an existing account with this number (and bank, when given); None if unknown."""
    from sqlalchemy import inspect

    if "accounts" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        rows = conn.execute(select(Account.bank, Account.currency).where(Account.number == number)).all()
    found = {r.currency for r in rows if not bank or banks.canonical(r.bank) == bank}
    return found.pop() if len(found) == 1 else None


def begin(conn: Connection) -> None:
    """Open the transaction now. On SQLite, IMMEDIATE takes the write lock up front and makes the index DDL
    below part of the transaction (the sqlite3 driver would otherwise run it outside any transaction)."""
    if conn.dialect.name == "sqlite":
        raw = driver_connection(conn)
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def find_or_create_account(
    conn: Connection,
    number: str,
    bank: str | None,
    holder: str | None,
    opened_on: dt.date,
    opening_balance: int = 0,
    currency: str = "VND",
) -> tuple[int, bool]:
    """(account id, created). A known bank picks (bank, number); without one, the number must be unambiguous.
    An account keeps one currency: a statement in another one is refused, never converted."""
    rows = conn.execute(select(Account.id, Account.bank, Account.currency).where(Account.number == number)).all()
    for row in rows:
        if row.currency != currency and (not bank or banks.canonical(row.bank) == bank):
            raise AccountChoiceError(f"account {number} keeps {row.currency}; this statement is in {currency}")
    if not bank:
        if len(rows) == 1:
            return rows[0].id, False
        if rows:
            names = ", ".join(sorted(r.bank for r in rows))
            raise AccountChoiceError(f"account {number} exists at several banks ({names}): say which with --bank")
        raise AccountChoiceError(f"account {number} does not exist yet: give its bank (--bank) to create it")
    match = [r.id for r in rows if banks.canonical(r.bank) == bank]
    if match:
        return match[0], False
    holder = (holder or number).strip()[:200]  # no holder known: the number itself, rather than a blank
    new_id = conn.execute(
        insert(Account)
        .values(
            number=number,
            bank=bank,
            holder_name=holder,
            holder_folded=fold(holder),
            opened_on=opened_on,
            opening_balance=opening_balance,
            currency=currency,
            simulated=False,
        )
        .returning(Account.id)
    ).scalar_one()
    return new_id, True


def lock_account(conn: Connection, account_id: int) -> None:
    """Serialise imports into one account so two at once cannot both find a row 'not yet imported'."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT id FROM accounts WHERE id = :id FOR UPDATE"), {"id": account_id})


@dataclass(frozen=True)
class Written:
    import_id: int
    added: int
    already_present: int


def write_import(
    conn: Connection, account_id: int, statement, lines: list[Line], progress: Progress | None = None
) -> Written:
    """Record the import, then write its lines not yet present (by identity), its set-aside rows and gaps."""
    keys = line_keys(lines, statement.currency)
    present = present_keys(conn, account_id, lines)
    new = [(line, key) for line, key in zip(lines, keys, strict=True) if key not in present]
    parsed = statement.parsed
    import_id = conn.execute(
        insert(Import)
        .values(
            account_id=account_id,
            file_name=statement.file[:300],
            sha256=statement.sha256,
            layout=statement.layout.name,
            why=parsed.why,
            currency=statement.currency,
            rows=statement.rows,
            added=len(new),
            already_present=len(lines) - len(new),
            set_aside=len(parsed.set_aside),
            flagged=statement.flagged,
            gaps=len(statement.gaps),
            reconciled=statement.reconciled,
            checks=json.dumps([{"name": c.name, "printed": c.printed, "parsed": c.parsed} for c in statement.checks]),
            imported_at=dt.datetime.now().replace(microsecond=0),
        )
        .returning(Import.id)
    ).scalar_one()
    if parsed.set_aside:
        conn.execute(
            insert(SetAsideRow),
            [
                {
                    "import_id": import_id,
                    "account_id": account_id,
                    "page": a.page,
                    "row": a.row,
                    "code": a.code,
                    "reason": a.reason,
                    "raw_text": a.raw,
                    "image": a.image,
                }
                for a in parsed.set_aside
            ],
        )
    if statement.gaps:
        unit = "đ" if statement.currency == "VND" else statement.currency
        conn.execute(
            insert(BalanceGap),
            [
                {
                    "import_id": import_id,
                    "account_id": account_id,
                    "after_row": g.after_row,
                    "before_row": g.before_row,
                    "unexplained": g.unexplained,
                    "currency": statement.currency,
                    "message": g.message(unit),
                }
                for g in statement.gaps
            ],
        )
    insert_lines(
        conn, account_id, new, statement.sha256, statement.layout.name, statement.currency, import_id, progress
    )
    return Written(import_id, len(new), len(lines) - len(new))


def present_keys(conn: Connection, account_id: int, lines: list[Line]) -> set[int]:
    """Identities the account already holds on the days these lines cover (one indexed range read)."""
    if not lines:
        return set()
    first = min(line.posted_at for line in lines).replace(hour=0, minute=0, second=0, microsecond=0)
    last = max(line.posted_at for line in lines).replace(hour=0, minute=0, second=0, microsecond=0)
    found = conn.execute(
        select(StatementLine.line_key).where(
            StatementLine.account_id == account_id,
            StatementLine.line_key.is_not(None),
            StatementLine.posted_at >= first,
            StatementLine.posted_at < last + dt.timedelta(days=1),
        )
    )
    return {key for (key,) in found if key is not None}


def insert_lines(
    conn: Connection,
    account_id: int,
    lines: list[tuple[Line, int]],
    sha256: str,
    layout: str,
    currency: str = "VND",
    import_id: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Insert `lines` (pairs of line and identity, none present yet, oldest first) through the ledger writer."""
    if not lines:
        return 0
    rows = _rows(conn, lines, account_id, sha256, layout, currency, import_id)
    return ledger.append(
        conn, COLUMNS, rows, len(lines), lines[0][0].posted_at, max(line.posted_at for line, _ in lines), progress
    )


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


def _rows(
    conn: Connection,
    lines: Iterable[tuple[Line, int]],
    account_id: int,
    sha256: str,
    layout: str,
    currency: str,
    import_id: int | None,
) -> Iterator[tuple]:
    when, flag = _datetime_text(conn), _bind(conn, "has_time")
    for line, key in lines:
        yield (
            account_id,
            when(line.posted_at),
            flag(line.has_time),
            line.direction,
            line.amount,
            currency,
            line.balance,
            line.reference,
            line.counterparty,
            line.description,
            line.search_text,
            line.donor_key,
            sha256,
            line.row,
            layout,
            line.page,
            import_id,
            key,
            "\n".join(line.flags) if line.flags else None,
            infer_channel(line.description),
        )
