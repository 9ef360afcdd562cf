"""Rollups of the statement lines: daily totals, hourly donations, donations by channel and the set of donors.

Whole-ledger figures (raised, donors, daily series, each campaign's receipts, the flow chart) would otherwise sum
every line on every cache miss: seconds at ten million lines. The rollups hold the same sums at a coarser grain
and are written only by the writers that add lines, inside the same transaction, so a reader never sees lines
without their totals. Lines are never deleted or changed by the app, so a rollup only has to follow additions:
`refresh` recomputes the days an append touched, `rebuild` everything (seed, or a database made before rollups).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer.db import sql, summaries

# (key, upper bound inclusive, in minor units) — the buckets of the public relief statements (seed/REFERENCE.md).
AMOUNT_BUCKETS = (
    ("le_10k", 10_000),
    ("10k_50k", 50_000),
    ("50k_100k", 100_000),
    ("100k_200k", 200_000),
    ("200k_500k", 500_000),
    ("500k_1m", 1_000_000),
    ("1m_5m", 5_000_000),
    ("5m_10m", 10_000_000),
    ("10m_100m", 100_000_000),
    ("gt_100m", None),
)
VERSION = "4"  # 2: the summaries (explorer.db.summaries) are built with the rollups; 3: channel_donations;
# 4: lifetime_totals
META_KEY = "rollups"
TABLES = ("daily_totals", "lifetime_totals", "hourly_donations", "channel_donations", "donors", *summaries.TABLES)
# daily_totals' key without the day: the grain of lifetime_totals
LIFETIME_KEYS = ("account_id", "campaign_id", "direction", "currency", "bucket")


def bucket_of(bound: int) -> int:
    """The position of the bucket whose upper bound is `bound` (amount ≤ bound ⇔ bucket ≤ this)."""
    return [b for _, b in AMOUNT_BUCKETS].index(bound)


def _bucket_sql(column: str) -> str:
    cases = " ".join(f"WHEN {column} <= {bound} THEN {i}" for i, (_, bound) in enumerate(AMOUNT_BUCKETS) if bound)
    return f"CASE {cases} ELSE {len(AMOUNT_BUCKETS) - 1} END"


def _checked(conn: Connection, table: str) -> tuple[list[str], list[str], str]:
    """A rollup's key columns, the lines' expression of each, and which lines it counts (alias s)."""
    day = sql.date(conn, "s.posted_at")
    if table == "channel_donations":
        keys = ["day", "account_id", "campaign_id", "channel"]
        return keys, [day, "s.account_id", "s.campaign_id", "COALESCE(s.channel, 'unknown')"], DONATIONS
    exprs = ["s.account_id", "s.campaign_id", "s.direction", "s.currency", _bucket_sql("s.amount")]
    if table == "lifetime_totals":
        return list(LIFETIME_KEYS), exprs, "1 = 1"
    return ["day", *LIFETIME_KEYS], [day, *exprs], "1 = 1"


DONATIONS = "s.direction = 'in' AND s.currency = 'VND'"
CHECKED = ("daily_totals", "lifetime_totals", "channel_donations")  # the rollups the checker recomputes from the lines


def stale_sql(conn: Connection, only: str = "", table: str = "daily_totals") -> str:
    """SELECT the keys of rollup `table` (one of CHECKED) whose lines or amount differ from the
    lines' (empty when in step), with the ledger's and the rollup's figures; `only` is an extra condition on alias s
    in both (e.g. one account)."""
    keys, exprs, counted = _checked(conn, table)
    key, positions = ", ".join(keys), ", ".join(str(i + 1) for i in range(len(keys)))
    ledger = f"""SELECT {", ".join(f"{e} AS {k}" for e, k in zip(exprs, keys, strict=True))},
                        COUNT(*) AS lines, SUM(s.amount) AS amount
                 FROM statement_lines s WHERE {counted} {only} GROUP BY {positions}"""
    rolled = f"""SELECT {", ".join(f"s.{k}" for k in keys)}, SUM(s.lines) AS lines, SUM(s.amount) AS amount
                 FROM {table} s WHERE 1 = 1 {only} GROUP BY {positions}"""
    return f"""
        WITH ledger AS ({ledger}), rolled AS ({rolled}),
        differ AS (SELECT {key} FROM (SELECT * FROM ledger EXCEPT SELECT * FROM rolled) a
                   UNION SELECT {key} FROM (SELECT * FROM rolled EXCEPT SELECT * FROM ledger) b)
        SELECT '{table}' AS rollup, {", ".join(f"d.{k}" for k in keys)},
               l.lines AS ledger_lines, l.amount AS ledger_amount, r.lines AS rollup_lines, r.amount AS rollup_amount
        FROM differ d
        LEFT JOIN ledger l ON {_same_key("l", "d", keys)}
        LEFT JOIN rolled r ON {_same_key("r", "d", keys)}"""


def _same_key(a: str, b: str, keys: list[str]) -> str:
    # campaign_id may be NULL on both sides: NULL-safe equality, spelled the way both backends accept.
    plain = " AND ".join(f"{a}.{c} = {b}.{c}" for c in keys if c != "campaign_id")
    return f"{plain} AND ({a}.campaign_id = {b}.campaign_id OR ({a}.campaign_id IS NULL AND {b}.campaign_id IS NULL))"


def _dated(query: str):
    """The statement with :since / :until bound as dates (each backend spells a date its own way)."""
    return sql.statement(query, date_params=("since", "until"))


def is_built(conn: Connection) -> bool:
    return _version(conn) == VERSION


def _version(conn: Connection) -> str | None:
    return conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": META_KEY}).scalar()


def bring_up_to_date(conn: Connection) -> None:
    """Make the rollups those of VERSION: in place where the stored version allows it, else rebuilt."""
    _upgrade_in_place(conn)
    if not is_built(conn):
        rebuild(conn)


def _upgrade_in_place(conn: Connection) -> None:
    """Version 3 lacks only lifetime_totals, which its daily rows give: seconds, where rebuilding everything from
    the lines took 3 min 54 s at 11.7 M lines."""
    if _version(conn) == "3":
        conn.execute(text("DELETE FROM lifetime_totals"))
        _sum_lifetime(conn, None)
        mark_built(conn)


def rebuild(conn: Connection) -> None:
    """Recompute every rollup from all lines (inside the caller's transaction)."""
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {table}"))
    _insert(conn, None, None)
    _sum_lifetime(conn, None)
    summaries.add(conn, None)
    summaries.refresh_campaigns(conn, None)
    mark_built(conn)


def mark_built(conn: Connection) -> None:
    """Record that the rollups hold every line (a writer that filled them itself, like the seed, says so here)."""
    conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": META_KEY})
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": META_KEY, "v": VERSION})


def refresh(conn: Connection, first: dt.datetime, last: dt.datetime, after_id: int | None = None) -> None:
    """Bring the rollups up to date after lines posted between `first` and `last`, with ids above `after_id`
    (None: the table was empty), were added.

    The days first..last are recomputed whole (from every account's lines on them), which is right whatever
    else those days held; the summaries fold in the new lines; a database whose rollups were never built (or
    were built by an earlier version) gets them built.
    """
    _upgrade_in_place(conn)  # rollups of the lines before this append: the steps below add the new ones
    if not is_built(conn):
        rebuild(conn)  # from every line, the new ones included
        return
    summaries.add(conn, after_id)
    since, until = first.date(), last.date() + dt.timedelta(days=1)
    for table in ("daily_totals", "hourly_donations", "channel_donations"):
        conn.execute(
            _dated(f"DELETE FROM {table} WHERE day >= :since AND day < :until"), {"since": since, "until": until}
        )
    _insert(conn, since, until)
    # The days were recomputed whole, for every account with lines on them: those accounts' lifetime sums follow.
    touched = _dated("SELECT DISTINCT t.account_id FROM daily_totals t WHERE t.day >= :since AND t.day < :until")
    accounts = [a for (a,) in conn.execute(touched, {"since": since, "until": until})]
    _sum_lifetime(conn, accounts)
    summaries.refresh_campaigns(conn, summaries.campaigns_after(conn, after_id))


def _sum_lifetime(conn: Connection, accounts: list[int] | None) -> None:
    """Recompute lifetime_totals from daily_totals for `accounts` (None: every account, into an empty table)."""
    scope, params = ("account_id IN :accounts", {"accounts": accounts}) if accounts is not None else ("1 = 1", {})
    if accounts is not None:
        if not accounts:
            return
        conn.execute(sql.statement(f"DELETE FROM lifetime_totals WHERE {scope}", list_params=("accounts",)), params)
    keys = ", ".join(LIFETIME_KEYS)
    conn.execute(
        sql.statement(
            f"""INSERT INTO lifetime_totals ({keys}, lines, amount)
                SELECT {keys}, SUM(lines), SUM(amount) FROM daily_totals WHERE {scope} GROUP BY {keys}""",
            list_params=("accounts",),
        ),
        params,
    )


def built(engine: Engine) -> bool:
    with engine.connect() as conn:
        return is_built(conn)


def ensure(engine: Engine) -> bool:
    """Build the rollups of a database written before they existed; True if it had to."""
    with engine.begin() as conn:
        if is_built(conn):
            return False
        bring_up_to_date(conn)
    return True


def _insert(conn: Connection, since: dt.date | None, until: dt.date | None) -> None:
    """Add the rollup rows of the lines posted in [since, until) (all lines when both are None)."""
    span = "s.posted_at >= :since AND s.posted_at < :until" if since else "1 = 1"
    params = {"since": since, "until": until} if since else {}
    day = sql.date(conn, "s.posted_at")
    conn.execute(
        _dated(f"""
        INSERT INTO daily_totals (day, account_id, campaign_id, direction, currency, bucket, lines, amount)
        SELECT {day}, s.account_id, s.campaign_id, s.direction, s.currency, {_bucket_sql("s.amount")},
               COUNT(*), SUM(s.amount)
        FROM statement_lines s WHERE {span}
        GROUP BY {day}, s.account_id, s.campaign_id, s.direction, s.currency, {_bucket_sql("s.amount")}"""),
        params,
    )
    hour = sql.hour(conn, "s.posted_at")
    conn.execute(
        _dated(f"""
        INSERT INTO hourly_donations (day, hour, lines, amount)
        SELECT {day}, {hour}, COUNT(*), SUM(s.amount)
        FROM statement_lines s
        WHERE {span} AND s.direction = 'in' AND s.currency = 'VND' AND s.has_time = :has_time
        GROUP BY {day}, {hour}"""),
        {**params, "has_time": True},
    )
    conn.execute(
        _dated(f"""
        INSERT INTO channel_donations (day, account_id, campaign_id, channel, lines, amount)
        SELECT {day}, s.account_id, s.campaign_id, COALESCE(s.channel, 'unknown'), COUNT(*), SUM(s.amount)
        FROM statement_lines s WHERE {span} AND s.direction = 'in' AND s.currency = 'VND'
        GROUP BY {day}, s.account_id, s.campaign_id, COALESCE(s.channel, 'unknown')"""),
        params,
    )
    # Donor keys only ever arrive: add the new ones (NOT EXISTS works alike on both backends).
    conn.execute(
        _dated(f"""
        INSERT INTO donors (donor_key)
        SELECT DISTINCT s.donor_key FROM statement_lines s
        WHERE {span} AND s.direction = 'in' AND s.donor_key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM donors d WHERE d.donor_key = s.donor_key)"""),
        params,
    )


def from_lines(lines: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rollup (and summary) tables of a frame of statement lines, computed in pandas (the seed writes lines
    from frames, and grouping them here is several times faster than grouping them again in SQL). Days are ISO
    strings."""
    day = pd.to_datetime(lines.posted_at).dt.floor("D")
    bounds = np.array([b for _, b in AMOUNT_BUCKETS if b])
    keyed = pd.DataFrame(
        {
            "day": day,
            "account_id": lines.account_id,
            "campaign_id": lines.campaign_id.astype("Int64"),
            "direction": lines.direction,
            "currency": lines.currency,
            "bucket": np.searchsorted(bounds, lines.amount.to_numpy(), side="left"),
            "amount": lines.amount,
        }
    )
    daily = (
        keyed.groupby(["day", "account_id", "campaign_id", "direction", "currency", "bucket"], dropna=False, sort=False)
        .amount.agg(lines="size", amount="sum")
        .reset_index()
    )
    donations = (lines.direction == "in") & (lines.currency == "VND")
    timed = keyed[donations & lines.has_time.astype(bool)]
    hourly = (
        timed.groupby([timed.day, pd.to_datetime(lines.posted_at[timed.index]).dt.hour.rename("hour")])
        .amount.agg(lines="size", amount="sum")
        .reset_index()
    )
    given = keyed[donations].assign(
        channel=(
            lines.channel[donations] if "channel" in lines else pd.Series("unknown", index=lines.index)[donations]
        ).fillna("unknown")
    )
    by_channel = (
        given.groupby(["day", "account_id", "campaign_id", "channel"], dropna=False, sort=False)
        .amount.agg(lines="size", amount="sum")
        .reset_index()
    )
    donors = lines.donor_key[(lines.direction == "in") & lines.donor_key.notna()].drop_duplicates()
    return {
        "daily_totals": _iso_days(daily),
        "lifetime_totals": lifetime_of(daily),
        "hourly_donations": _iso_days(hourly),
        "channel_donations": _iso_days(by_channel),
        "donors": pd.DataFrame({"donor_key": donors.to_numpy()}),
        **summaries.from_lines(lines),
    }


def lifetime_of(daily: pd.DataFrame) -> pd.DataFrame:
    """lifetime_totals from daily_totals rows (a frame with their columns)."""
    return daily.groupby(list(LIFETIME_KEYS), dropna=False, sort=False)[["lines", "amount"]].sum().reset_index()


def _iso_days(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(day=frame.day.dt.strftime("%Y-%m-%d"))
