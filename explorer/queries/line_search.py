"""How a page of searched statement lines is found: the cheap reads first, each falling back to the next.

A bounded scan in page order answers common terms; a short query is a bounded scan and says so; SQLite walks its
trigram index in id order (time order, when the line-order fact holds); PostgreSQL walks on in page order when the
first scan's hit rate says the page is near, or reads growing windows of ids. The steps taken are noted in a
SearchPlan. explorer.queries.statements builds the view's conditions and calls `searched` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

from explorer.db import line_order
from explorer.db.search import (
    MIN_INDEXED_CHARS,
    contains,
    index_walk,
    search_index_first,
)
from explorer.db.trigram_sample import estimated_candidates
from explorer.queries.search_plan import SearchPlan

# The bounded scan tried before the search index reads at most base + per-hit × (offset + page) rows.
PREFIX_SCAN_ROWS, PREFIX_SCAN_PER_HIT, PREFIX_SCAN_MAX = 1_500, 20, 200_000
# A query too short for the trigram indexes (under MIN_INDEXED_CHARS characters) reads at most this many lines of
# the view in page order; when they hold less than a page, the answer says it is bounded (SearchPlan.searched_rows)
# and the page asks to refine or narrow. Scanning the whole table took 0.7–0.9 s at 1.8 M lines.
SHORT_SCAN_ROWS = 50_000
# PostgreSQL, when the first scan found some hits but too few: walking on in page order is expected to read
# scan rows × needed / found lines; it is chosen while that is at most PG_WALK_MAX_ROWS and cheaper than fetching
# the index's estimated candidates, each a random heap read costing about PG_FETCH_VS_WALK rows read in order
# (measured at 1.9 M lines: ~1 µs a line walked, ~20 µs a candidate fetched).
PG_WALK_MAX_ROWS, PG_WALK_MARGIN, PG_FETCH_VS_WALK = 100_000, 1.5, 10
# PostgreSQL, a term with more candidates than one bitmap should fetch (BITMAP_MAX_HITS), sorted by time, when ids
# follow time: the ids are read newest (or oldest) first in windows, each PG_WINDOW_GROWTH times the last; a
# window's hits come from the trigram bitmap ANDed with its range of the primary key, so only the window's own
# candidates are fetched. A term bunched in the past ('yagi': ~250 k hits at 11.7 M lines, none among the newest
# 250 k lines) took 0.7–1.3 s by the planner's walk in time order and 1.1 s by one bitmap of every candidate;
# windows from 100 k ids, doubling, find its first page in 0.1–0.2 s (×4 growth: 0.2–0.3 s, ×2 from 25 k: 0.25 s).
# Under BITMAP_MAX_HITS one bitmap stays faster: 'yagi' at 1.9 M lines 90–140 ms, against 170–200 ms by windows.
PG_FIRST_WINDOW, PG_WINDOW_GROWTH = 100_000, 2
SORTS = {  # name → (key column, descending); the line id breaks ties, so every order is total
    "newest": ("s.posted_at", True),
    "oldest": ("s.posted_at", False),
    "largest": ("s.amount", True),
    "smallest": ("s.amount", False),
}

COLUMNS = [
    "id",
    "posted_at",
    "has_time",
    "account",
    "direction",
    "amount",
    "currency",
    "balance",
    "counterparty",
    "description",
    "reference",
    "campaign",
]
SELECT_LINES = """
    SELECT s.id, s.posted_at, s.has_time, a.number AS account, s.direction, s.amount, s.currency, s.balance,
           s.counterparty, s.description, s.reference, c.title AS campaign
    FROM statement_lines s
    JOIN accounts a ON a.id = s.account_id
    LEFT JOIN campaigns c ON c.id = s.campaign_id"""


def searched(
    conn: Connection, where: list[str], params: dict, term: str, sort: str, plan: SearchPlan
) -> pd.DataFrame | None:
    """The page from the cheap steps (prefix scan; bounded scan for short terms; SQLite's index walk), or None."""
    scan_rows = min(PREFIX_SCAN_ROWS + PREFIX_SCAN_PER_HIT * (params["offset"] + params["limit"]), PREFIX_SCAN_MAX)
    found = 0
    if scan_rows >= 1:
        frame, beyond = _prefix_scan(conn, where, params, term, sort, scan_rows)
        if len(frame) == params["limit"] or not beyond:
            plan.answer("prefix_scan", f"{len(frame)} hit(s) in the first {scan_rows:,} rows")
            return frame
        plan.note("prefix_scan", f"{len(frame)} hit(s) in the first {scan_rows:,} rows: too few")
        found = params["offset"] + len(frame) if len(frame) else 0  # hits among those rows (0: none past the offset)
    if len(term) < MIN_INDEXED_CHARS or "\x00" in term:
        frame, beyond = _prefix_scan(conn, where, params, term, sort, SHORT_SCAN_ROWS)
        bounded = beyond and len(frame) < params["limit"]
        if bounded:
            plan.searched_rows = SHORT_SCAN_ROWS
            frame.attrs["searched_rows"] = SHORT_SCAN_ROWS
        plan.answer("bounded_short", f"{len(frame)} hit(s) in the first {SHORT_SCAN_ROWS:,} rows")
        return frame
    if conn.dialect.name == "postgresql" and found:
        return _pg_walk(conn, where, params, term, sort, plan, scan_rows, found)
    frame = _index_walk(conn, where, params, term, sort)
    if frame is not None:
        plan.answer("index_walk", f"{len(frame)} hit(s)")
    return frame


def _pg_walk(
    conn: Connection, where: list[str], params: dict, term: str, sort: str, plan: SearchPlan, scanned: int, found: int
) -> pd.DataFrame | None:
    """PostgreSQL: the page from a longer scan in page order, when the first scan's hit rate says it is short
    and cheaper than the trigram bitmap's candidates (a common term spread over time: 'ho tro', 35 k hits, took
    0.5 s through the bitmap); None when that walk is not chosen or falls short (hits bunched further on)."""
    needed = params["offset"] + params["limit"]
    walk_rows = int(scanned * needed / found * PG_WALK_MARGIN) + 1
    estimate = estimated_candidates(conn, term)
    if walk_rows > PG_WALK_MAX_ROWS or walk_rows > PG_FETCH_VS_WALK * estimate:
        plan.note("pg_walk", f"not taken: ~{walk_rows:,} rows to read against ~{estimate:,.0f} candidate(s)")
        return None
    frame, beyond = _prefix_scan(conn, where, params, term, sort, walk_rows)
    if len(frame) == params["limit"] or not beyond:
        plan.answer("pg_walk", f"{len(frame)} hit(s) in the first {walk_rows:,} rows")
        return frame
    plan.note("pg_walk", f"{len(frame)} hit(s) in the first {walk_rows:,} rows: too few")
    return None


def pg_windows(conn: Connection, where: list[str], params: dict, sort: str, plan: SearchPlan) -> pd.DataFrame | None:
    """PostgreSQL: the page read in windows of ids (PG_FIRST_WINDOW), for the time sorts when ids follow time;
    `where` holds the text condition. Exact: the windows part the ids in page order, and each gives its hits
    in page order."""
    column, descending = SORTS[sort]
    if column != "s.posted_at" or not line_order.ids_follow_time(conn):
        return None
    low, high = conn.execute(text("SELECT MIN(id), MAX(id) FROM statement_lines")).one()
    if low is None:
        return None
    needed = params["offset"] + params["limit"]
    window = (
        f"SELECT s.id FROM statement_lines s WHERE {' AND '.join(where)} AND s.id BETWEEN :w_low AND :w_high "
        f"ORDER BY {order_by(sort)} LIMIT :w_need"
    )
    ids: list[int] = []
    edge, size, windows = (high if descending else low), PG_FIRST_WINDOW, 0
    with search_index_first(conn):
        while len(ids) < needed and low <= edge <= high:
            w_low, w_high = (edge - size + 1, edge) if descending else (edge, edge + size - 1)
            bounds = {"w_low": w_low, "w_high": w_high, "w_need": needed - len(ids)}
            ids += conn.execute(text(window), {**params, **bounds}).scalars().all()
            edge, size, windows = (w_low - 1 if descending else w_high + 1), size * PG_WINDOW_GROWTH, windows + 1
    plan.answer("pg_id_windows", f"{len(ids)} hit(s) in {windows} window(s) of ids")
    page = ids[params["offset"] :]
    return read_lines(conn, f"{SELECT_LINES} WHERE s.id = ANY(:page_ids) ORDER BY {order_by(sort)}", {"page_ids": page})


def order_by(sort: str) -> str:
    column, descending = SORTS[sort]
    direction = "DESC" if descending else "ASC"
    return f"{column} {direction}, s.id {direction}"


def _prefix_scan(
    conn: Connection, where: list[str], params: dict, term: str, sort: str, scan_rows: int
) -> tuple[pd.DataFrame, bool]:
    """The hits among the first K = `scan_rows` rows of the view in page order, and whether the view goes on.

    Exact whenever it answers: if the first K rows of the view (in the page's total order) contain
    offset + limit hits, those are the first ones overall; if the view has no more than K rows, it was read
    whole. The K-th row's key (read from the index) bounds the scan, which stops as soon as the page is
    full: common terms cost a fraction of a millisecond, rare ones at most K rows before the index is asked.
    """
    column, descending = SORTS[sort]
    view = " AND ".join(where) or "1 = 1"
    bound = conn.execute(
        text(f"SELECT {column}, s.id FROM statement_lines s WHERE {view} ORDER BY {order_by(sort)} LIMIT 1 OFFSET :k"),
        {**params, "k": scan_rows - 1},
    ).first()
    scanned = list(where)
    if bound is not None:  # stop at the K-th row of the view (a range on the sort index, then the id for ties)
        op, strict = (">=", ">") if descending else ("<=", "<")
        scanned.append(f"{column} {op} :bound_key AND ({column} {strict} :bound_key OR s.id {op} :bound_id)")
    sql = (
        f"{SELECT_LINES} WHERE {' AND '.join(scanned + [contains(conn, 's.search_text', 'scan_q')])} "
        f"ORDER BY {order_by(sort)} LIMIT :limit OFFSET :offset"
    )
    frame = read_lines(
        conn, sql, {**params, "scan_q": term, "bound_key": bound and bound[0], "bound_id": bound and bound[1]}
    )
    return frame, bound is not None


def _index_walk(conn: Connection, where: list[str], params: dict, term: str, sort: str) -> pd.DataFrame | None:
    """The page read from the search index in id order, for the time sorts when the index can walk; else None."""
    column, descending = SORTS[sort]
    walk = index_walk(conn, term, "s", "q") if column == "s.posted_at" else None
    if walk is None:
        return None
    source, condition, walk_params, key = walk
    page_ids = (
        f"SELECT s.id FROM {source} WHERE {' AND '.join(where + [condition])} "
        f"ORDER BY {key} {'DESC' if descending else 'ASC'} LIMIT :limit OFFSET :offset"
    )
    return read_lines(
        conn, f"{SELECT_LINES} WHERE s.id IN ({page_ids}) ORDER BY {order_by(sort)}", {**params, **walk_params}
    )


def read_lines(conn: Connection, sql: str, params: dict) -> pd.DataFrame:
    result = conn.execute(text(sql), params)
    return lines_frame(result.all(), list(result.keys()))


def lines_frame(rows: Sequence, keys: list[str]) -> pd.DataFrame:
    """Rows as a frame with driver-neutral dtypes (datetime64 posted_at, bool has_time, nullable balance).

    Built column by column in one go: for a page of rows this is a few times cheaper than pd.read_sql.
    """
    if not rows:
        return pd.DataFrame({k: pd.Series(dtype="datetime64[us]" if k == "posted_at" else object) for k in COLUMNS})
    data: dict[str, Any] = dict(zip(keys, map(list, zip(*rows, strict=True)), strict=True))
    data["posted_at"] = pd.to_datetime(data["posted_at"], format="ISO8601")
    data["has_time"] = np.array(data["has_time"], dtype=bool)
    data["balance"] = pd.array(data["balance"], dtype="Int64")  # unknown for some banks' lines
    return pd.DataFrame({k: data[k] for k in COLUMNS})
