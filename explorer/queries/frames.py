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

from explorer import provinces
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


def province_in(column: str, code: int, params: dict, name: str = "province") -> str:
    """`column IN (…)` over every old province merged into today's province of `code` (params filled in):
    picking Tuyên Quang also finds what Hà Giang had before 1 July 2025."""
    codes = provinces.members(code)
    binds = [f"{name}_{i}" for i in range(len(codes))]
    params.update(zip(binds, codes, strict=True))
    return f"{column} IN ({', '.join(':' + b for b in binds)})"


def today_choices(codes: Iterable[int]) -> pd.DataFrame:
    """Today's provinces (code, name) that hold any of these old or new codes, in alphabetical order."""
    wanted = {provinces.province_of_today(int(c)) for c in codes}
    rows = [(p.code, p.name) for p in provinces.today_provinces() if p.code in wanted]
    return pd.DataFrame(rows, columns=["code", "name"])


def with_today(frame: pd.DataFrame, code: str = "province_code") -> pd.DataFrame:
    """Adds province_now: today's name where the row's province has since been merged into another, else None."""
    frame["province_now"] = [
        provinces.today_name(int(c)) if pd.notna(c) and provinces.was_merged(int(c)) else None for c in frame[code]
    ]
    return frame
