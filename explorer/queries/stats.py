"""Statistics of incoming VND donations: per day, by amount bucket, top donors, by province, by hour.

Every function takes the same optional date range (on the posting day, both ends included) and
aggregates in SQL; only the aggregated rows reach pandas. All but the top donors read the rollups
(explorer.db.rollups), which already hold the lines summed per day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer import provinces
from explorer.db import sql
from explorer.db.rollups import AMOUNT_BUCKETS
from explorer.queries.frames import as_date, ints, read

# Which province a donation counts for: the receiving account's or the campaign's it was given to
# (the line column to sum by first, then the table that knows its province).
PROVINCE_BASES = {"account": ("account_id", "accounts"), "campaign": ("campaign_id", "campaigns")}
DATE_PARAMS = ("date_from", "date_until")  # bound as dates (each backend spells a date its own way)


def _in_range(column: str, date_from: dt.date | None, date_to: dt.date | None) -> tuple[list[str], dict]:
    """Conditions keeping `column` (a posting time or a day) in [date_from, date_to]; the end day included."""
    where, params = [], {}
    if date_from:
        where.append(f"{column} >= :date_from")
        params["date_from"] = date_from
    if date_to and date_to < dt.date.max:  # no day follows 9999-12-31, and no line is posted after it
        where.append(f"{column} < :date_until")
        params["date_until"] = date_to + dt.timedelta(days=1)
    return where, params


def donations_where(date_from: dt.date | None, date_to: dt.date | None, scope: Scope = None) -> tuple[str, dict]:
    """WHERE for incoming VND lines (alias s) posted in the range (and in the scope: account ids, campaign)."""
    where, params = _in_range("s.posted_at", date_from, date_to)
    return " AND ".join(["s.direction = 'in'", "s.currency = 'VND'", *where, *_scoped("s", scope, params)]), params


def _donation_days(date_from: dt.date | None, date_to: dt.date | None, scope: Scope = None) -> tuple[str, dict]:
    """WHERE for the daily rollup rows (alias t) of incoming VND in the range (and in the scope)."""
    where, params = _in_range("t.day", date_from, date_to)
    return " AND ".join(["t.direction = 'in'", "t.currency = 'VND'", *where, *_scoped("t", scope, params)]), params


def donation_sums(date_from: dt.date | None, date_to: dt.date | None, scope: Scope = None) -> tuple[str, str, dict]:
    """(rollup, WHERE on alias t, params) for sums of incoming VND not grouped by day: with no date bound the
    all-time rollup (lifetime_totals, ~0.1 M rows at 11.7 M lines), else the daily one in the range."""
    where, params = _donation_days(date_from, date_to, scope)
    bounded = bool(_in_range("t.day", date_from, date_to)[0])
    return ("daily_totals" if bounded else "lifetime_totals"), where, params


def donation_rollup_where(alias: str, date_from: dt.date | None, date_to: dt.date | None, scope: Scope = None):
    """WHERE for a rollup of incoming VND by day (alias: hourly_donations, channel_donations) in the range and
    scope, and its params."""
    where, params = _in_range(f"{alias}.day", date_from, date_to)
    return " AND ".join(["1 = 1", *where, *_scoped(alias, scope, params)]), params


# A Stats view narrowed to one account and/or one campaign: (account ids or None, campaign id or None).
Scope = tuple[tuple[int, ...] | None, int | None] | None


def scope_of(engine: Engine, account: str | None = None, campaign: int | None = None) -> Scope:
    """The scope for an account number (every bank's account with it) and/or a campaign id; None: everything.
    An unknown account number gives an empty tuple of ids, which matches nothing."""
    if not account and campaign is None:
        return None
    ids = None
    if account:
        with engine.connect() as conn:
            ids = tuple(
                int(r[0]) for r in conn.execute(text("SELECT id FROM accounts WHERE number = :n"), {"n": account})
            )
    return ids, campaign


def _scoped(alias: str, scope: Scope, params: dict) -> list[str]:
    """Conditions on `alias`.account_id / .campaign_id for `scope`, adding their params."""
    if scope is None:
        return []
    ids, campaign = scope
    where = []
    if ids is not None:
        names = [f"scope_acc{i}" for i in range(len(ids))]
        params.update(zip(names, ids, strict=True))
        where.append(f"{alias}.account_id IN ({', '.join(':' + n for n in names)})" if ids else "1 = 0")
    if campaign is not None:
        where.append(f"{alias}.campaign_id = :scope_campaign")
        params["scope_campaign"] = int(campaign)
    return where


def _read(conn: Connection, query: str, params: dict) -> pd.DataFrame:
    return read(conn, query, params, date_params=DATE_PARAMS)


def daily(
    engine: Engine, date_from: dt.date | None = None, date_to: dt.date | None = None, scope: Scope = None
) -> pd.DataFrame:
    """day (Timestamp), amount, lines."""
    where, params = _donation_days(date_from, date_to, scope)
    with engine.connect() as conn:
        frame = _read(
            conn,
            f"""
            SELECT {sql.day(conn, "t.day")} AS day, SUM(t.amount) AS amount, SUM(t.lines) AS lines
            FROM daily_totals t WHERE {where} GROUP BY t.day ORDER BY t.day""",
            params,
        )
    ints(frame, "amount", "lines")
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def amount_buckets(
    engine: Engine, date_from: dt.date | None = None, date_to: dt.date | None = None, scope: Scope = None
) -> pd.DataFrame:
    """Every bucket in order (empty ones too): bucket, lines, amount, share (of lines)."""
    rollup, where, params = donation_sums(date_from, date_to, scope)
    with engine.connect() as conn:
        counted = _read(
            conn,
            f"""
            SELECT t.bucket AS position, SUM(t.lines) AS lines, SUM(t.amount) AS amount
            FROM {rollup} t WHERE {where} GROUP BY t.bucket""",
            params,
        )
    ints(counted, "position", "lines", "amount")
    frame = pd.DataFrame({"position": range(len(AMOUNT_BUCKETS)), "bucket": [k for k, _ in AMOUNT_BUCKETS]})
    frame = frame.merge(counted, on="position", how="left").fillna({"lines": 0, "amount": 0})
    ints(frame, "lines", "amount")
    total = frame.lines.sum()
    frame["share"] = frame.lines / total if total else 0.0
    return frame.drop(columns=["position"])


def top_donors(
    engine: Engine,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 20,
    scope: Scope = None,
) -> pd.DataFrame:
    """The biggest givers by the name printed on the statement (counterparty): counterparty, amount, lines.

    Over the whole ledger (no range, or one holding every donation, and no account/campaign scope) this reads
    the summary by name (explorer.db.summaries: 4 s → a few ms at 1.9 M lines); otherwise it groups the lines."""
    where, params = donations_where(date_from, date_to, scope)
    with engine.connect() as conn:
        if scope is None and _covers_every_donation(conn, date_from, date_to):
            frame = _read(
                conn,
                "SELECT t.counterparty, t.amount, t.lines FROM donor_totals t "
                "ORDER BY t.amount DESC, t.first_id LIMIT :limit",
                {"limit": limit},
            )
        else:
            frame = _read(
                conn,
                f"""
                SELECT s.counterparty, SUM(s.amount) AS amount, COUNT(*) AS lines
                FROM statement_lines s WHERE {where} AND s.counterparty IS NOT NULL
                GROUP BY s.counterparty ORDER BY amount DESC, MIN(s.id) LIMIT :limit""",
                {**params, "limit": limit},
            )
    return ints(frame, "amount", "lines")


def _covers_every_donation(conn: Connection, date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """Whether [date_from, date_to] holds the posting day of every incoming line (ends read from the time index)."""
    if date_from is None and date_to is None:
        return True
    first, last = _donation_days_range(conn)
    if first is None or last is None:
        return True
    return (date_from is None or date_from <= first) and (date_to is None or date_to >= last)


def _donation_days_range(conn: Connection) -> tuple[dt.date | None, dt.date | None]:
    # Walk the time index from either end to the first donation instead of scanning every line.
    first, last = (
        conn.execute(
            text(f"SELECT posted_at FROM statement_lines WHERE direction = 'in' ORDER BY posted_at {order} LIMIT 1")
        ).scalar()
        for order in ("ASC", "DESC")
    )
    return as_date(first), as_date(last)


def by_province(
    engine: Engine,
    basis: str = "account",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    scope: Scope = None,
) -> pd.DataFrame:
    """Donations per province of today on `basis` ('account' or 'campaign'): code, province, amount, lines.

    On the campaign basis, lines not attributed to a campaign are left out (the page says so).
    """
    key, owners = PROVINCE_BASES[basis]
    rollup, where, params = donation_sums(date_from, date_to, scope)
    with engine.connect() as conn:
        # Sum per account / campaign first: joining a few hundred sums is cheaper than joining every row.
        frame = _read(
            conn,
            f"""
            WITH sums AS (
                SELECT t.{key} AS owner, SUM(t.amount) AS amount, SUM(t.lines) AS lines
                FROM {rollup} t WHERE {where} GROUP BY t.{key})
            SELECT p.code, p.name_vi AS province, SUM(sums.amount) AS amount, SUM(sums.lines) AS lines
            FROM sums JOIN {owners} o ON o.id = sums.owner JOIN provinces p ON p.code = o.province_code
            GROUP BY p.code, p.name_vi ORDER BY amount DESC, p.code""",
            params,
        )
    return _to_today(ints(frame, "code", "amount", "lines"))


def _to_today(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-province sums folded into today's provinces (34 since 1 July 2025): Hà Giang counts to Tuyên Quang."""
    frame["code"] = frame.code.map(provinces.province_of_today)
    frame["province"] = frame.code.map(provinces.today_name)
    summed = frame.groupby(["code", "province"], as_index=False)[["amount", "lines"]].sum()
    return summed.sort_values(["amount", "code"], ascending=[False, True]).reset_index(drop=True)


def by_hour(
    engine: Engine, date_from: dt.date | None = None, date_to: dt.date | None = None, scope: Scope = None
) -> pd.DataFrame:
    """Lines and amount per hour of day (0–23, all present) for lines whose bank gave a time.

    The hourly rollup knows no account or campaign: a scoped view counts its own lines (one account's or
    campaign's, a bounded number) instead.
    """
    with engine.connect() as conn:
        if scope is None:
            where, params = _in_range("h.day", date_from, date_to)
            query = f"""
            SELECT h.hour, SUM(h.lines) AS lines, SUM(h.amount) AS amount
            FROM hourly_donations h WHERE {" AND ".join(["1 = 1", *where])} GROUP BY h.hour"""
        else:
            where, params = donations_where(date_from, date_to, scope)
            hour = sql.hour(conn, "s.posted_at")
            query = f"""
            SELECT {hour} AS hour, COUNT(*) AS lines, SUM(s.amount) AS amount
            FROM statement_lines s WHERE {where} AND s.has_time = :has_time GROUP BY {hour}"""
            params["has_time"] = True
        counted = _read(conn, query, params)
    frame = pd.DataFrame({"hour": range(24)}).merge(ints(counted, "hour"), on="hour", how="left")
    return ints(frame, "lines", "amount")


def date_bounds(engine: Engine) -> tuple[dt.date | None, dt.date | None]:
    """First and last posting day of any donation (the date pickers' range)."""
    with engine.connect() as conn:
        return _donation_days_range(conn)
