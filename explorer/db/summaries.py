"""Summaries of the statement lines by printed name and by source, kept by the one ledger writer.

The daily rollups (explorer.db.rollups) answer every figure grouped by day; these answer what is grouped by
name or by file: an account's top counterparties, the whole ledger's top donors, an account's provenance.
Grouping an account's lines by name took 2.2 s for the busiest national account and the top donors 4 s
(SQLite, 1.9 M lines); a summary row per name and an index on its amount make both a top-N read.

Lines are only ever added, always with ids above every existing line, so `add` folds the lines after a
given id into the summaries (an upsert per key) and `first_id`, the earliest line of a key that breaks ties
as MIN(id) did, never moves. The seed computes the same rows in pandas from its frames (`from_lines`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

from explorer import rules
from explorer.db import sql

TABLES = ("counterparty_totals", "donor_totals", "account_sources", "campaign_receipts")
NO_SOURCE = ""  # source_layout / source_sha256 of seeded or entered lines (a key column cannot be NULL)
# The share as a whole percentage so the comparison stays in integers on both backends.
THRESHOLD_PERCENT = round(rules.THRESHOLD_SHARE * 100)
# Each campaign's receipts and the day they reached the threshold, from the daily rollup: a running
# SUM() OVER (PARTITION BY campaign ORDER BY day). Over every campaign this took 0.2 s at 1.9 M lines (1.3 s at
# 11.7 M) on each cache miss of the campaigns page; kept per campaign it is a read of 1,900 rows.
_RECEIPTS = """
    WITH chosen AS (
        SELECT c.id, c.currency, c.target FROM campaigns c WHERE {restrict}
    ), daily AS (
        SELECT t.campaign_id, t.currency, t.day, SUM(t.amount) AS amount
        FROM daily_totals t
        WHERE t.direction = 'in' AND {days}
        GROUP BY t.campaign_id, t.currency, t.day
    ), running AS (
        SELECT d.campaign_id, d.day, c.target,
               SUM(d.amount) OVER (PARTITION BY d.campaign_id ORDER BY d.day) AS cumulative,
               SUM(d.amount) OVER (PARTITION BY d.campaign_id) AS received
        FROM daily d JOIN chosen c ON c.id = d.campaign_id AND c.currency = d.currency
    )
    INSERT INTO campaign_receipts (campaign_id, received, threshold_on)
    SELECT campaign_id, MAX(received),
           MIN(CASE WHEN cumulative * 100 >= :percent * target THEN day END)
    FROM running GROUP BY campaign_id"""


def add(conn: Connection, after_id: int | None) -> None:
    """Fold the lines with id > after_id (every line when None) into the summaries."""
    span, params = ("s.id > :after", {"after": after_id}) if after_id is not None else ("1 = 1", {})
    least, greatest = ("MIN", "MAX") if conn.dialect.name == "sqlite" else ("LEAST", "GREATEST")
    conn.execute(
        text(f"""
        INSERT INTO counterparty_totals (account_id, direction, currency, counterparty, lines, amount, first_id)
        SELECT s.account_id, s.direction, s.currency, s.counterparty, COUNT(*), SUM(s.amount), MIN(s.id)
        FROM statement_lines s WHERE {span} AND s.counterparty IS NOT NULL
        GROUP BY s.account_id, s.direction, s.currency, s.counterparty
        ON CONFLICT (account_id, direction, currency, counterparty) DO UPDATE SET
            lines = counterparty_totals.lines + excluded.lines,
            amount = counterparty_totals.amount + excluded.amount"""),
        params,
    )
    conn.execute(
        text(f"""
        INSERT INTO donor_totals (counterparty, lines, amount, first_id)
        SELECT s.counterparty, COUNT(*), SUM(s.amount), MIN(s.id)
        FROM statement_lines s
        WHERE {span} AND s.counterparty IS NOT NULL AND s.direction = 'in' AND s.currency = 'VND'
        GROUP BY s.counterparty
        ON CONFLICT (counterparty) DO UPDATE SET
            lines = donor_totals.lines + excluded.lines, amount = donor_totals.amount + excluded.amount"""),
        params,
    )
    conn.execute(
        text(f"""
        INSERT INTO account_sources (account_id, source_layout, source_sha256, lines, first_at, last_at)
        SELECT s.account_id, COALESCE(s.source_layout, :none), COALESCE(s.source_sha256, :none), COUNT(*),
               MIN(s.posted_at), MAX(s.posted_at)
        FROM statement_lines s WHERE {span}
        GROUP BY s.account_id, COALESCE(s.source_layout, :none), COALESCE(s.source_sha256, :none)
        ON CONFLICT (account_id, source_layout, source_sha256) DO UPDATE SET
            lines = account_sources.lines + excluded.lines,
            first_at = {least}(account_sources.first_at, excluded.first_at),
            last_at = {greatest}(account_sources.last_at, excluded.last_at)"""),
        {**params, "none": NO_SOURCE},
    )


def refresh_campaigns(conn: Connection, campaign_ids: list[int] | None) -> None:
    """Recompute campaign_receipts of these campaigns (all when None) from the daily rollup, which must be
    up to date. A campaign with no receipts has no row (readers take it as 0 and no threshold day)."""
    if campaign_ids is None:
        conn.execute(text("DELETE FROM campaign_receipts"))
        restrict, days, params = "1 = 1", "t.campaign_id IS NOT NULL", {}
    elif not campaign_ids:
        return
    else:
        names = [f"c{i}" for i in range(len(campaign_ids))]
        listed = ", ".join(f":{n}" for n in names)
        params = dict(zip(names, [int(i) for i in campaign_ids], strict=True))
        conn.execute(text(f"DELETE FROM campaign_receipts WHERE campaign_id IN ({listed})"), params)
        restrict, days = f"c.id IN ({listed})", f"t.campaign_id IN ({listed})"
    conn.execute(text(_RECEIPTS.format(restrict=restrict, days=days)), {**params, "percent": THRESHOLD_PERCENT})


def campaigns_after(conn: Connection, after_id: int | None) -> list[int] | None:
    """The campaigns given money by the lines with id > after_id (None: every campaign)."""
    if after_id is None:
        return None
    rows = conn.execute(
        text(
            "SELECT DISTINCT campaign_id FROM statement_lines "
            "WHERE id > :after AND campaign_id IS NOT NULL AND direction = 'in'"
        ),
        {"after": after_id},
    )
    return [int(r[0]) for r in rows]


def from_lines(lines: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The summaries by name and by source of a frame of statement lines, in pandas (what `add(conn, None)`
    would write); campaign_receipts is computed in SQL from the daily rollup (refresh_campaigns)."""
    named = lines[lines.counterparty.notna()]
    sums = {"lines": ("id", "size"), "amount": ("amount", "sum"), "first_id": ("id", "min")}
    by_name = named.groupby(["account_id", "direction", "currency", "counterparty"], sort=False).agg(**sums)
    donations = named[(named.direction == "in") & (named.currency == "VND")]
    donors = donations.groupby("counterparty", sort=False).agg(**sums)
    sourced = lines.assign(
        source_layout=_column(lines, "source_layout").fillna(NO_SOURCE),
        source_sha256=_column(lines, "source_sha256").fillna(NO_SOURCE),
    )
    sources = sourced.groupby(["account_id", "source_layout", "source_sha256"], sort=False).agg(
        lines=("id", "size"), first_at=("posted_at", "min"), last_at=("posted_at", "max")
    )
    return {
        "counterparty_totals": by_name.reset_index(),
        "donor_totals": donors.reset_index(),
        "account_sources": sources.reset_index(),
    }


def _column(lines: pd.DataFrame, name: str) -> pd.Series:
    return lines[name] if name in lines else pd.Series(None, index=lines.index, dtype=object)


# What each summary must hold, recomputed from the lines alone: (key columns, value columns, SELECT giving them).
# campaign_receipts is summed from the lines here, not from the daily rollup as refresh_campaigns does, so a
# check built on these does not trust one derived table to verify another.
def _recomputed(conn: Connection) -> dict[str, tuple[list[str], list[str], str]]:
    day = sql.date(conn, "s.posted_at")
    return {
        "counterparty_totals": (
            ["account_id", "direction", "currency", "counterparty"],
            ["lines", "amount", "first_id"],
            """SELECT s.account_id, s.direction, s.currency, s.counterparty,
                      COUNT(*) AS lines, SUM(s.amount) AS amount, MIN(s.id) AS first_id
               FROM statement_lines s WHERE s.counterparty IS NOT NULL GROUP BY 1, 2, 3, 4""",
        ),
        "donor_totals": (
            ["counterparty"],
            ["lines", "amount", "first_id"],
            """SELECT s.counterparty, COUNT(*) AS lines, SUM(s.amount) AS amount, MIN(s.id) AS first_id
               FROM statement_lines s
               WHERE s.counterparty IS NOT NULL AND s.direction = 'in' AND s.currency = 'VND' GROUP BY 1""",
        ),
        "account_sources": (
            ["account_id", "source_layout", "source_sha256"],
            ["lines", "first_at", "last_at"],
            f"""SELECT s.account_id, COALESCE(s.source_layout, '{NO_SOURCE}') AS source_layout,
                       COALESCE(s.source_sha256, '{NO_SOURCE}') AS source_sha256, COUNT(*) AS lines,
                       MIN(s.posted_at) AS first_at, MAX(s.posted_at) AS last_at
                FROM statement_lines s GROUP BY 1, 2, 3""",
        ),
        "campaign_receipts": (
            ["campaign_id"],
            ["received", "threshold_on"],
            f"""SELECT r.campaign_id, MAX(r.received) AS received,
                       MIN(CASE WHEN r.cumulative * 100 >= {THRESHOLD_PERCENT} * r.target THEN r.day END)
                           AS threshold_on
                FROM (SELECT d.campaign_id, d.day, d.target,
                             SUM(d.amount) OVER (PARTITION BY d.campaign_id ORDER BY d.day) AS cumulative,
                             SUM(d.amount) OVER (PARTITION BY d.campaign_id) AS received
                      FROM (SELECT s.campaign_id, {day} AS day, c.target, SUM(s.amount) AS amount
                            FROM statement_lines s JOIN campaigns c ON c.id = s.campaign_id AND c.currency = s.currency
                            WHERE s.direction = 'in' GROUP BY s.campaign_id, {day}, c.target) d) r
                GROUP BY r.campaign_id""",
        ),
    }


def stale_sql(conn: Connection, table: str) -> str:
    """SELECT the rows of summary `table` that differ from the lines (empty when in step): the summary's name,
    its key, and the values the lines give and the summary holds, as text (NULL where the row is missing)."""
    keys, values, ledger = _recomputed(conn)[table]
    columns, glue = ", ".join([*keys, *values]), " || ' | ' || "

    def as_text(alias: str, names: list[str]) -> str:
        parts = [f"COALESCE(CAST({alias}.{n} AS TEXT), '-')" for n in names]
        return f"CASE WHEN {alias}.{names[0]} IS NULL THEN NULL ELSE {glue.join(parts)} END"

    same_key = " AND ".join(f"{{a}}.{k} = d.{k}" for k in keys)
    return f"""
        WITH ledger AS ({ledger}), kept AS (SELECT {columns} FROM {table}),
        differ AS (SELECT {", ".join(keys)} FROM (SELECT * FROM ledger EXCEPT SELECT * FROM kept) a
                   UNION SELECT {", ".join(keys)} FROM (SELECT * FROM kept EXCEPT SELECT * FROM ledger) b)
        SELECT '{table}' AS summary, {glue.join(f"CAST(d.{k} AS TEXT)" for k in keys)} AS key,
               {as_text("l", values)} AS ledger, {as_text("k", values)} AS stored
        FROM differ d LEFT JOIN ledger l ON {same_key.format(a="l")} LEFT JOIN kept k ON {same_key.format(a="k")}"""
