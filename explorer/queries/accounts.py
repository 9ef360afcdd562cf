"""Accounts: search (number, holder name, province, organization kind) and one account's money picture.

The money picture reads the daily rollup (explorer.db.rollups): a national account holds millions of lines.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.db import search, sql
from explorer.db.summaries import NO_SOURCE
from explorer.queries.frames import (
    DEFAULT_PAGE_SIZE,
    dates,
    ints,
    offset,
    paged,
    province_in,
    read,
    today_choices,
    with_today,
)
from explorer.text import fold

_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")
_ACCOUNT_COLUMNS = """a.id, a.number, a.bank, a.holder_name, a.currency, a.opened_on, a.closed_on,
    a.opening_balance, a.simulated, a.province_code, p.name_vi AS province,
    o.id AS org_id, o.name AS organization, o.kind AS org_kind, o.verified"""
# Lines in the account's own currency (looked up once, not joined per line).
_OWN_CURRENCY = "(SELECT currency FROM accounts WHERE id = :a)"
_ACCOUNT_FROM = """FROM accounts a
    LEFT JOIN organizations o ON o.id = a.org_id
    LEFT JOIN provinces p ON p.code = a.province_code"""


def _flags_as_bool(frame: pd.DataFrame) -> pd.DataFrame:
    """SQLite returns booleans as 0/1 and a missing organization as NULL: make both plain bools."""
    for column in ("simulated", "verified"):
        frame[column] = frame[column].fillna(False).astype(bool)
    return frame


def search_accounts(
    engine: Engine,
    *,
    q: str = "",
    province: int | None = None,
    kind: str | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """Accounts matching a number (digits) or a holder / organization name (folded substring).

    Order: the exact number first, then other numbers containing the digits with the short (4-digit
    charity) numbers before long ones, then name matches.
    """
    digits = _NUMBER_SEPARATORS.sub("", q or "")
    folded = fold(q)
    with engine.connect() as conn:
        where, params = ["1 = 1"], {}
        rank = ""  # the number match comes first; name matches keep the number order
        if digits.isdigit():
            where.append(f"(a.number = :number OR {search.contains(conn, 'a.number', 'number')})")
            rank = "CASE WHEN a.number = :number THEN 0 ELSE 1 END, "
            params["number"] = digits
        elif folded:
            where.append(
                f"({search.contains(conn, 'a.holder_folded', 'q')} OR {search.contains(conn, 'o.name_folded', 'q')})"
            )
            params["q"] = folded
        if province is not None:
            where.append(province_in("a.province_code", province, params))
        if kind:
            where.append("o.kind = :kind")
            params["kind"] = kind
        frame = read(
            conn,
            f"""
            SELECT {_ACCOUNT_COLUMNS}, (SELECT COUNT(*) FROM campaigns c WHERE c.account_id = a.id) AS campaigns
            {_ACCOUNT_FROM} WHERE {" AND ".join(where)}
            ORDER BY {rank}LENGTH(a.number), a.number, a.id LIMIT :limit OFFSET :offset""",
            {**params, "limit": page_size + 1, "offset": offset(page, page_size)},
        )
    dates(ints(frame, "opening_balance", "campaigns"), "opened_on", "closed_on")
    return paged(with_today(_flags_as_bool(frame)), page_size)


def by_number(engine: Engine, number: str) -> dict[str, Any] | None:
    """The account with this number (the lowest id if two banks share it), plus how many share it."""
    with engine.connect() as conn:
        frame = read(
            conn, f"SELECT {_ACCOUNT_COLUMNS} {_ACCOUNT_FROM} WHERE a.number = :n ORDER BY a.id", {"n": number.strip()}
        )
    if frame.empty:
        return None
    dates(ints(frame, "opening_balance"), "opened_on", "closed_on")
    row = {str(k): v for k, v in with_today(_flags_as_bool(frame)).iloc[0].items()}
    row.update(id=int(row["id"]), same_number=len(frame))
    return row


def money_in_out(engine: Engine, account_id: int) -> dict[str, int]:
    """Totals in the account's own currency: received, paid out, their line counts, opening and closing balance."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                text(f"""
            SELECT
              COALESCE(SUM(CASE WHEN t.direction = 'in' THEN t.amount END), 0) AS received,
              COALESCE(SUM(CASE WHEN t.direction = 'out' THEN t.amount END), 0) AS paid_out,
              COALESCE(SUM(CASE WHEN t.direction = 'in' THEN t.lines END), 0) AS lines_in,
              COALESCE(SUM(CASE WHEN t.direction = 'out' THEN t.lines END), 0) AS lines_out,
              MAX(a.opening_balance) AS opening
            FROM accounts a LEFT JOIN daily_totals t ON t.account_id = a.id AND t.currency = {_OWN_CURRENCY}
            WHERE a.id = :a"""),
                {"a": account_id},
            )
            .mappings()
            .one()
        )
    out = {k: int(v or 0) for k, v in row.items()}
    out["closing"] = out["opening"] + out["received"] - out["paid_out"]
    return out


def monthly_in_out(engine: Engine, account_id: int) -> pd.DataFrame:
    """Money in and out per calendar month: month ('YYYY-MM'), direction, amount, lines."""
    with engine.connect() as conn:
        month = f"SUBSTR({sql.day(conn, 't.day')}, 1, 7)"
        frame = read(
            conn,
            f"""
            SELECT {month} AS month, t.direction, SUM(t.amount) AS amount, SUM(t.lines) AS lines
            FROM daily_totals t WHERE t.account_id = :a AND t.currency = {_OWN_CURRENCY}
            GROUP BY {month}, t.direction ORDER BY month, t.direction""",
            {"a": account_id},
        )
    return ints(frame, "amount", "lines")


def balance_series(engine: Engine, account_id: int) -> pd.DataFrame:
    """End-of-day balance: opening balance plus the running sum of each day's net flow (day, balance)."""
    with engine.connect() as conn:
        frame = read(
            conn,
            f"""
            WITH daily AS (
                SELECT t.day, SUM(CASE WHEN t.direction = 'in' THEN t.amount ELSE -t.amount END) AS net
                FROM daily_totals t WHERE t.account_id = :a AND t.currency = {_OWN_CURRENCY}
                GROUP BY t.day)
            SELECT {sql.day(conn, "day")} AS day,
                   (SELECT opening_balance FROM accounts WHERE id = :a) + SUM(net) OVER (ORDER BY day) AS balance
            FROM daily ORDER BY day""",
            {"a": account_id},
        )
    ints(frame, "balance")
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def top_counterparties(engine: Engine, account_id: int, direction: str = "in", limit: int = 10) -> pd.DataFrame:
    """The biggest senders (direction 'in') or payees ('out') by name as the bank printed it.

    Read from the summary by name (explorer.db.summaries): grouping the busiest account's lines took 2.2 s."""
    with engine.connect() as conn:
        frame = read(
            conn,
            f"""
            SELECT t.counterparty, t.amount, t.lines
            FROM counterparty_totals t
            WHERE t.account_id = :a AND t.currency = {_OWN_CURRENCY} AND t.direction = :direction
            ORDER BY t.amount DESC, t.first_id LIMIT :limit""",
            {"a": account_id, "direction": "out" if direction == "out" else "in", "limit": limit},
        )
    return ints(frame, "amount", "lines")


def provenance(engine: Engine, account_id: int) -> pd.DataFrame:
    """Where the account's lines came from: per source file (layout, SHA-256) or none (seeded/entered).

    Read from the summary by source (explorer.db.summaries), where '' stands for "no source file"."""
    with engine.connect() as conn:
        frame = read(
            conn,
            """
            SELECT NULLIF(t.source_layout, :none) AS source_layout, NULLIF(t.source_sha256, :none) AS source_sha256,
                   t.lines, t.first_at, t.last_at
            FROM account_sources t WHERE t.account_id = :a ORDER BY t.first_at, t.source_sha256""",
            {"a": account_id, "none": NO_SOURCE},
        )
    ints(frame, "lines")
    for column in ("first_at", "last_at"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def province_choices(engine: Engine) -> pd.DataFrame:
    """Today's provinces (code, name; 34 since 1 July 2025) in alphabetical order: each also finds the accounts
    of the old provinces merged into it."""
    with engine.connect() as conn:
        return today_choices(read(conn, "SELECT code FROM provinces").code)
