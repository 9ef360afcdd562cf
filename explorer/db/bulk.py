"""Fast bulk writes shared by the seed and the importer: executemany on SQLite, COPY on PostgreSQL.

Values are written in the text forms SQLAlchemy itself reads back (ISO dates, 'YYYY-MM-DD HH:MM:SS').
Columns are converted to Python lists a chunk at a time (not row by row), which is what makes ten million rows
feasible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from explorer.db import search
from explorer.db.engine import driver_connection

CHUNK = 100_000
PAGE_CACHE_KIB = 512 * 1024  # SQLite page cache during a bulk load: fewer dirty pages spilled mid-transaction
PG_INDEX_BUILD_MEMORY = "1GB"  # PostgreSQL maintenance_work_mem for the index builds at the end of a bulk load


def _as_text_time(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def column_values(series: pd.Series) -> list:
    """One column as a list of plain Python values (None for missing)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d %H:%M:%S")
        return text.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return series.astype(object).where(series.notna(), None).tolist() if series.hasnans else series.tolist()
    if pd.api.types.is_float_dtype(series):
        # Nullable integer columns (ids with gaps) arrive as floats with NaN.
        whole = series.dropna()
        if (whole == np.floor(whole)).all():
            return [None if v != v else int(v) for v in series.tolist()]
        return [None if v != v else v for v in series.tolist()]
    values = series.astype(object).where(series.notna(), None).tolist()
    first = next((v for v in values if v is not None), None)
    return [_as_text_time(v) for v in values] if isinstance(first, dt.date) else values


def insert_frame(
    conn: Connection, table: str, frame: pd.DataFrame, progress: Callable[[int], None] | None = None
) -> int:
    """Append every row of `frame` (columns named as the table's) inside the caller's transaction."""
    if frame.empty:
        return 0
    columns = list(frame.columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = driver_connection(conn).cursor()
    try:
        for start in range(0, len(frame), CHUNK):
            # A chunk's columns at a time: the whole frame as Python values held 1 GB more at 2 M lines.
            chunk = frame.iloc[start : start + CHUNK]
            rows = list(zip(*(column_values(chunk[c]) for c in columns), strict=False))
            if conn.dialect.name == "postgresql":
                with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
            if progress:
                progress(len(rows))
    finally:
        cursor.close()
    return len(frame)


def sync_sequences(conn: Connection, tables: list[str]) -> None:
    """After writing explicit ids on PostgreSQL, move each id sequence past the largest id (else the next
    ordinary insert, e.g. an import into a seeded database, collides with a seeded row)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


@contextmanager
def bulk_load(conn: Connection, table: str, search_index: Callable[[Connection], None] | None = None) -> Iterator[None]:
    """Inside the caller's transaction: drop `table`'s plain indexes (and, for statement lines, the search
    index's upkeep), let the caller write, then build each index once from the loaded rows.

    Building a b-tree once from sorted keys beats millions of random inserts into it (~30 % of the insert
    time), and one FTS rebuild costs ~11 µs a line against ~60 µs by trigger. Unique indexes stay: imports
    depend on them to skip rows already present. On error the transaction's rollback restores everything.
    `search_index(conn)`, when given, puts the search index in place instead of the rebuild (the stress seed's
    index built beside the load: explorer.db.search.adopt_index_file).
    """
    with large_page_cache(conn):
        if conn.dialect.name == "postgresql":
            # Index builds sort in this memory; the server's 64 MB default makes the trigram GIN spill and merge.
            conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{PG_INDEX_BUILD_MEMORY}'")
        if table == "statement_lines":
            search.suspend_index(conn)
        dropped = _drop_plain_indexes(conn, table)
        yield
        for ddl in dropped:
            conn.exec_driver_sql(ddl)
        if table == "statement_lines":
            (search_index or search.rebuild_index)(conn)


def _drop_plain_indexes(conn: Connection, table: str) -> list[str]:
    """Drop the table's non-unique indexes and return the DDL that recreates them."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
            (table,),
        ).all()
    else:
        rows = conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND schemaname = current_schema() AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            (table,),
        ).all()
    for name, _ in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in rows]


@contextmanager
def large_page_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a big page cache for a load (restored after: the connection goes back to the pool)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = driver_connection(conn)
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={before}")


@contextmanager
def rollback_journal(conn: Connection) -> Iterator[None]:
    """On SQLite, a rollback journal instead of the write-ahead log for one big transaction on `conn` (opened
    outside it): a seed into an emptied file journals almost nothing, whereas the log would hold every new
    page (7.7 GB for the stress scale) and copy it all again at the checkpoint. WAL is back afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = driver_connection(conn)
    raw.execute("PRAGMA journal_mode=DELETE")
    try:
        yield
    finally:
        raw.execute("PRAGMA journal_mode=WAL")


# A seed's own connection while it writes the whole ledger in one transaction (SQLite): no fsync (the one
# transaction either commits or the file is re-seeded; a crash mid-seed leaves a database no one would keep),
# helper threads for the sorts behind each index build, and no zeroing of freed pages (the FTS merges free
# segments as they go; the driver is built with SECURE_DELETE on).
SEED_PRAGMAS = {"synchronous": "OFF", "threads": "2", "secure_delete": "OFF"}


@contextmanager
def seed_pragmas(conn: Connection) -> Iterator[None]:
    """On SQLite, SEED_PRAGMAS on `conn` (opened outside any transaction) and the connection's own settings back
    afterwards: it returns to the pool."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = driver_connection(conn)
    before = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in SEED_PRAGMAS}
    for name, value in SEED_PRAGMAS.items():
        raw.execute(f"PRAGMA {name}={value}")
    try:
        yield
    finally:
        for name, value in before.items():
            raw.execute(f"PRAGMA {name}={int(value)}")
