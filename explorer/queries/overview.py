"""Headline totals and the daily series for the Overview and Presenter pages."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.db import sql


def totals(engine: Engine) -> dict[str, int]:
    """Raised (VND received), disbursed (VND), distinct donors, campaigns, accounts — all computed in SQL."""
    with engine.connect() as conn:
        row = conn.execute(text("""
            SELECT
              (SELECT COALESCE(SUM(amount), 0) FROM statement_lines WHERE direction = 'in' AND currency = 'VND') AS raised,
              (SELECT COALESCE(SUM(amount), 0) FROM disbursements WHERE currency = 'VND') AS disbursed,
              (SELECT COUNT(DISTINCT donor_key) FROM statement_lines WHERE direction = 'in') AS donors,
              (SELECT COUNT(*) FROM statement_lines WHERE direction = 'in') AS donations,
              (SELECT COUNT(*) FROM campaigns) AS campaigns,
              (SELECT COUNT(*) FROM accounts) AS accounts
        """)).mappings().one()
    return {k: int(v) for k, v in row.items()}


def daily_received(engine: Engine) -> pd.DataFrame:
    """VND received per day: columns day (date), amount, lines."""
    with engine.connect() as conn:
        d = sql.day(conn, "posted_at")
        frame = pd.read_sql(text(f"""
            SELECT {d} AS day, CAST(SUM(amount) AS BIGINT) AS amount, COUNT(*) AS lines
            FROM statement_lines WHERE direction = 'in' AND currency = 'VND'
            GROUP BY {d} ORDER BY day"""), conn)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame
