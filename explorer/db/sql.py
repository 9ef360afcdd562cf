"""Small SQL expressions that differ between SQLite and PostgreSQL (the only place queries ask)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import TextClause


def statement(sql: str, *, date_params: Iterable[str] = (), list_params: Iterable[str] = ()) -> TextClause:
    """text(sql) with typed binds: dates rendered per dialect, lists expanded for `IN :name`."""
    stmt = text(sql)
    binds = [bindparam(name, type_=Date) for name in date_params if f":{name}" in sql]
    binds += [bindparam(name, expanding=True) for name in list_params if f":{name}" in sql]
    return stmt.bindparams(*binds) if binds else stmt


def day(conn: Connection, column: str) -> str:
    """The calendar day of a timestamp column, as an ISO date string on both backends."""
    if conn.dialect.name == "sqlite":
        return f"date({column})"
    return f"to_char({column}, 'YYYY-MM-DD')"


def date(conn: Connection, column: str) -> str:
    """The calendar day of a timestamp as a DATE column stores it (ISO text on SQLite, date on PostgreSQL)."""
    return f"date({column})" if conn.dialect.name == "sqlite" else f"CAST({column} AS date)"


def hour(conn: Connection, column: str) -> str:
    if conn.dialect.name == "sqlite":
        return f"CAST(strftime('%H', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(HOUR FROM {column}) AS INTEGER)"


def days_between(conn: Connection, later: str, earlier: str) -> str:
    """Whole days from `earlier` to `later` (both date or timestamp columns / bound params)."""
    if conn.dialect.name == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"(CAST({later} AS date) - CAST({earlier} AS date))"


def shift_days(conn: Connection, column: str, days: int) -> str:
    """A timestamp column moved by a whole number of days (same text form on SQLite: 'YYYY-MM-DD HH:MM:SS')."""
    if conn.dialect.name == "sqlite":
        return f"datetime({column}, '{int(days):+d} days')"
    return f"({column} + interval '{int(days)} days')"
