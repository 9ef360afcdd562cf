"""Headline totals and the daily series for the Overview and Presenter pages (read from the rollups)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.db import sql


def totals(engine: Engine) -> dict[str, int]:
    """Raised (VND received), disbursed (VND), distinct donors, campaigns, accounts — all computed in SQL."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                text("""
            SELECT
              (SELECT COALESCE(SUM(amount), 0) FROM lifetime_totals
               WHERE direction = 'in' AND currency = 'VND') AS raised,
              (SELECT COALESCE(SUM(amount), 0) FROM disbursements WHERE currency = 'VND') AS disbursed,
              (SELECT COUNT(*) FROM donors) AS donors,
              (SELECT COALESCE(SUM(lines), 0) FROM lifetime_totals
               WHERE direction = 'in' AND currency = 'VND') AS donations,  -- the transfers 'raised' sums
              (SELECT COUNT(*) FROM campaigns) AS campaigns,
              (SELECT COUNT(*) FROM accounts) AS accounts
        """)
            )
            .mappings()
            .one()
        )
    return {k: int(v) for k, v in row.items()}


def daily_received(engine: Engine) -> pd.DataFrame:
    """VND received per day: columns day (date), amount, lines."""
    with engine.connect() as conn:
        # Days as ISO text on both backends (as the SQLite column holds them), so both give one frame.
        frame = pd.read_sql(
            text(f"""
            SELECT {sql.day(conn, "day")} AS day, CAST(SUM(amount) AS BIGINT) AS amount,
                   CAST(SUM(lines) AS BIGINT) AS lines
            FROM daily_totals WHERE direction = 'in' AND currency = 'VND'
            GROUP BY day ORDER BY day"""),
            conn,
        )
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def last_line_at(engine: Engine) -> pd.Timestamp | None:
    """When the newest statement line was posted: how far the published statements reach (the pages' "last
    updated" stamp). Read from the time index's end, not by scanning."""
    with engine.connect() as conn:
        newest = conn.execute(text("SELECT posted_at FROM statement_lines ORDER BY posted_at DESC LIMIT 1")).scalar()
    return None if newest is None else pd.Timestamp(newest)
