"""The one ledger writer: every write of statement lines goes through here — an import's new lines (`append`)
and the seed's whole ledger (`finish_seed`, after the seed's bulk load) — and here is what every write keeps true:

1. Time order: lines are written oldest first (an import sorts its lines, the seed builds them so), so line ids
   follow time whenever the data allows.
2. The line-order fact (explorer.db.line_order) says whether ids follow time; it is recorded after every write.
3. The search index holds every line: kept by triggers row by row, or dropped and rebuilt once for a large load
   (explorer.db.bulk.bulk_load), whichever is cheaper for the size of the write.
4. The rollups (explorer.db.rollups) equal the lines: refreshed for the days written; the summaries by name and
   by source (explorer.db.summaries) fold in the new lines.

Everything happens inside the caller's transaction, so a failure leaves none of it behind.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

from explorer.db import line_order, rollups, summaries
from explorer.db.bulk import bulk_load, insert_frame, large_page_cache
from explorer.db.engine import driver_connection
from explorer.db.schema import Base

CHUNK = 50_000
# Keeping the SQLite FTS index by trigger costs ~60 µs per new line; rebuilding it costs ~11 µs per line in
# the table (measured with bench/bench_import.py). So a load of at least this many lines that is also at
# least a quarter of what the table already holds is a bulk load (explorer.db.bulk.bulk_load).
BULK_INDEX_THRESHOLD = 20_000
BULK_INDEX_SHARE = 0.25
Progress = Callable[[int, int], None]


def append(
    conn: Connection,
    columns: Sequence[str],
    rows: Iterator[tuple],
    count: int,
    first: dt.datetime,
    last: dt.datetime,
    progress: Progress | None = None,
) -> int:
    """Append `count` lines (tuples in `columns` order, oldest first) and keep rules 2–4. Returns the count."""
    if not count:
        return 0
    last_id = conn.execute(text("SELECT max(id) FROM statement_lines")).scalar()
    bulk = count >= BULK_INDEX_THRESHOLD and count >= BULK_INDEX_SHARE * _line_count(conn)
    identity = next(i for i in Base.metadata.tables["statement_lines"].indexes if i.name == "uq_line_identity")
    with bulk_load(conn, "statement_lines") if bulk else large_page_cache(conn):
        if bulk:  # random keys: one sorted build at the end beats millions of random b-tree inserts
            identity.drop(conn, checkfirst=True)
        if conn.dialect.name == "postgresql":
            _copy(conn, columns, rows, count, progress)
        else:
            _executemany(conn, columns, rows, count, progress)
        if bulk:  # still unique: a duplicate key fails the build, and the whole import rolls back
            identity.create(conn)
    line_order.record(conn, last_id)
    rollups.refresh(conn, first, last, last_id)
    return count


def finish_seed(conn: Connection, rollup_frames: Mapping[str, pd.DataFrame], ids_follow_time: bool) -> None:
    """After the seed's bulk load of the whole ledger: its rollups and summaries (computed from its frames, not
    re-read) and the line-order fact (known from the frames it wrote: re-reading 11.7 M lines took 36 s)."""
    for table, frame in rollup_frames.items():
        insert_frame(conn, table, frame)
    summaries.refresh_campaigns(conn, None)  # from the daily rollup just written
    rollups.mark_built(conn)
    line_order.store(conn, ids_follow_time)


def _line_count(conn: Connection) -> int:
    return conn.execute(text("SELECT count(*) FROM statement_lines")).scalar_one()


def _executemany(
    conn: Connection, columns: Sequence[str], rows: Iterator[tuple], total: int, progress: Progress | None
) -> None:
    sql = f"INSERT INTO statement_lines ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cursor = driver_connection(conn).cursor()
    done = 0
    try:
        while chunk := list(itertools.islice(rows, CHUNK)):
            cursor.executemany(sql, chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    finally:
        cursor.close()


def _copy(
    conn: Connection, columns: Sequence[str], rows: Iterator[tuple], total: int, progress: Progress | None
) -> None:
    sql = f"COPY statement_lines ({', '.join(columns)}) FROM STDIN"
    with driver_connection(conn).cursor() as cursor, cursor.copy(sql) as copy:
        for done, row in enumerate(rows, start=1):
            copy.write_row(row)
            if progress and done % CHUNK == 0:
                progress(done, total)
    if progress:
        progress(total, total)
