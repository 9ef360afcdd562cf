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

TABLES = ("counterparty_totals", "donor_totals", "account_sources")
NO_SOURCE = ""  # source_layout / source_sha256 of seeded or entered lines (a key column cannot be NULL)


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


def from_lines(lines: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The summary tables of a frame of statement lines, in pandas (what `add(conn, None)` would write)."""
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
