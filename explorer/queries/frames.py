"""Small helpers that shape query results the same way on SQLite and PostgreSQL (pure, no Streamlit).

SQLite hands dates back as ISO strings and PostgreSQL as date objects; sums come back as int or Decimal.
Queries pass their frames through these so pages and tests see one shape everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

from explorer.db.sql import statement

DEFAULT_PAGE_SIZE = 20


def as_date(value: Any) -> dt.date | None:
    """An ISO string, date, datetime or Timestamp as a date; None for NULL / NaT."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.Series([as_date(v) for v in frame[column]], index=frame.index, dtype=object)
    return frame


def ints(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Sums and counts as int64 (PostgreSQL returns SUM(bigint) as numeric); NULL becomes 0."""
    for column in columns:
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def read(
    conn: Connection,
    sql: str,
    params: dict | None = None,
    *,
    date_params: Iterable[str] = (),
    list_params: Iterable[str] = (),
) -> pd.DataFrame:
    return pd.read_sql(statement(sql, date_params=date_params, list_params=list_params), conn, params=params or {})


def offset(page: int, page_size: int) -> int:
    return (max(page, 1) - 1) * page_size


def paged(frame: pd.DataFrame, page_size: int) -> dict[str, Any]:
    """A frame fetched with LIMIT page_size + 1 → the page's rows and whether another page follows."""
    return {"rows": frame.head(page_size).reset_index(drop=True), "has_more": len(frame) > page_size}


def ledger_as_of(conn: Connection) -> dt.date | None:
    """The "as of" date of every rule judgement: the latest posted_at day in the ledger."""
    return as_date(conn.execute(text("SELECT MAX(posted_at) FROM statement_lines")).scalar())
