"""Totals of the lines a Statements view matches: every matching line, not only the page on screen.

Same filters and search semantics as explorer.queries.statements (the same conditions are reused), summed in
SQL per currency: amounts are in each currency's minor units and are never added across currencies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.db.search import text_condition
from explorer.queries.frames import as_date
from explorer.queries.statements import _conditions, search_term

TOTAL_COLUMNS = ["currency", "lines", "lines_in", "lines_out", "sum_in", "sum_out", "smallest", "largest"]


def line_totals(engine: Engine, **filters: Any) -> pd.DataFrame:
    """One row per currency among the matching lines: currency, lines, lines_in, lines_out, sum_in, sum_out,
    smallest, largest (amounts in minor units; smallest/largest over both directions). No match: no rows.

    Takes the filters of statements.search_lines (account, campaign, q, date_from, date_to, amount_min,
    amount_max, direction); sort and paging do not change a total.
    """
    term = search_term(filters.get("q"))
    with engine.connect() as conn:
        where, params = _conditions(conn, filters)
        if where is None:
            return pd.DataFrame({c: pd.Series(dtype="object" if c == "currency" else "int64") for c in TOTAL_COLUMNS})
        if term:
            condition, text_params = text_condition(conn, term, "s", "q")
            where, params = [*where, condition], {**params, **text_params}
        rows = conn.execute(
            text(
                f"""
                SELECT s.currency, COUNT(*) AS lines,
                       SUM(CASE WHEN s.direction = 'in' THEN 1 ELSE 0 END) AS lines_in,
                       SUM(CASE WHEN s.direction = 'out' THEN 1 ELSE 0 END) AS lines_out,
                       SUM(CASE WHEN s.direction = 'in' THEN s.amount ELSE 0 END) AS sum_in,
                       SUM(CASE WHEN s.direction = 'out' THEN s.amount ELSE 0 END) AS sum_out,
                       MIN(s.amount) AS smallest, MAX(s.amount) AS largest
                FROM statement_lines s WHERE {" AND ".join(where) or "1 = 1"}
                GROUP BY s.currency ORDER BY COUNT(*) DESC, s.currency"""
            ),
            params,
        ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=TOTAL_COLUMNS)
    for column in TOTAL_COLUMNS[1:]:
        frame[column] = frame[column].astype("int64")
    return frame


def line_days(
    engine: Engine, account: int | str | None = None, campaign: int | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """First and last posting day of the lines of an account and/or campaign (all lines when neither is given):
    the range a date picker opens on. (None, None) when there is no such line."""
    with engine.connect() as conn:
        where, params = _conditions(conn, {"account": account, "campaign": campaign})
        if where is None:
            return None, None
        first, last = (
            conn.execute(
                text(
                    f"SELECT s.posted_at FROM statement_lines s WHERE {' AND '.join(where) or '1 = 1'} "
                    f"ORDER BY s.posted_at {order} LIMIT 1"
                ),
                params,
            ).scalar()
            for order in ("ASC", "DESC")
        )
    return as_date(first), as_date(last)
