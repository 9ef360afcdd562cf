"""Statement lines (sao kê): filtered, searched, sorted and paged in SQL, and exports of the same view.

Search semantics are those of explorer.db.search: the folded query is a substring of the folded line text
(counterparty + memo). Queries are folded here, then cut to MAX_QUERY_CHARS characters: no memo or name is
that long, and a bound keeps a pasted 10 k-character text from costing anything. Whatever the user types —
quotes, `*`, NEAR, AND, `%`, `_`, control characters — is data, never syntax, and never raises.

Amount filters are in the line currency's major units (500000 = 500.000 ₫, 20 = 20.00 USD); stored amounts
are minor units (explorer.db.schema), so the bounds are scaled per currency precision in SQL. Amount sorts
compare stored amounts, so with several currencies in one view, foreign lines sort by their minor units.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from babel.numbers import get_currency_precision
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer.db import line_order
from explorer.db.schema import CHANNELS
from explorer.db.search import (
    BITMAP_MAX_HITS,
    MIN_INDEXED_CHARS,
    contains,
    estimated_candidates,
    index_walk,
    search_index_first,
    text_condition,
)
from explorer.export import EXPORT_ROW_CAP
from explorer.queries.search_plan import SearchPlan
from explorer.text import fold, parse_amount

MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 500
DATASET_ROW_CAP = 2_500_000  # whole-dataset Parquet: enough for the national seed, bounded for memory
DATASET_CHUNK_ROWS = 50_000
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
PG_FIRST_WINDOW, PG_WINDOW_GROWTH = 100_000, 2
SORTS = {  # name → (key column, descending); the line id breaks ties, so every order is total
    "newest": ("s.posted_at", True),
    "oldest": ("s.posted_at", False),
    "largest": ("s.amount", True),
    "smallest": ("s.amount", False),
}
DIRECTIONS = ("in", "out")
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
_SELECT_FROM = """
    SELECT s.id, s.posted_at, s.has_time, a.number AS account, s.direction, s.amount, s.currency, s.balance,
           s.counterparty, s.description, s.reference, c.title AS campaign
    FROM {lines} s
    JOIN accounts a ON a.id = s.account_id
    LEFT JOIN campaigns c ON c.id = s.campaign_id"""
_SELECT = _SELECT_FROM.format(lines="statement_lines")
_ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("posted_at", pa.timestamp("us")),
        ("has_time", pa.bool_()),
        ("account", pa.string()),
        ("direction", pa.string()),
        ("amount", pa.int64()),
        ("currency", pa.string()),
        ("balance", pa.int64()),
        ("counterparty", pa.string()),
        ("description", pa.string()),
        ("reference", pa.string()),
        ("campaign", pa.string()),
    ]
)


def search_term(q: object) -> str:
    """The folded, length-capped form of what the user typed ('' means no text filter)."""
    return fold(q)[:MAX_QUERY_CHARS].strip()


def search_lines(
    engine: Engine,
    *,
    account: int | str | None = None,
    campaign: int | None = None,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    amount_min: int | str | None = None,
    amount_max: int | str | None = None,
    direction: str | None = None,
    channel: str | None = None,
    sort: str = "newest",
    page: int = 1,
    page_size: int = 50,
) -> tuple[pd.DataFrame, bool]:
    """One page of lines matching the filters, in `sort` order, and whether another page follows.

    `account` is an account number (str: every bank's account with that number) or an account id (int);
    an unknown account gives no rows. `campaign` (an id) keeps the lines attributed to that campaign.
    date_to is inclusive. Bad sort/direction values mean "default".
    """
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    offset = (max(int(page), 1) - 1) * page_size
    frame = _select(
        engine,
        dict(
            account=account,
            campaign=campaign,
            q=q,
            date_from=date_from,
            date_to=date_to,
            amount_min=amount_min,
            amount_max=amount_max,
            direction=direction,
            channel=channel,
        ),
        sort,
        limit=page_size + 1,
        offset=offset,
    )
    shown = frame.head(page_size)
    shown.attrs = dict(frame.attrs)  # how the search was bounded, for the page's notice
    return shown, len(frame) > page_size


def explain_search(engine: Engine, *, sort: str = "newest", page: int = 1, page_size: int = 50, **filters: Any):
    """The SearchPlan that search_lines follows for these arguments (it runs the search to know)."""
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    plan = SearchPlan(search_term(filters.get("q")), engine.dialect.name, sort if sort in SORTS else "newest")
    _select(engine, filters, sort, limit=page_size + 1, offset=(max(int(page), 1) - 1) * page_size, plan=plan)
    return plan


def export_lines(engine: Engine, *, sort: str = "newest", **filters: Any) -> pd.DataFrame:
    """Every line matching the filters, up to EXPORT_ROW_CAP; frame.attrs['capped'] tells if more matched."""
    frame = _select(engine, filters, sort, limit=EXPORT_ROW_CAP + 1, offset=0)
    capped = len(frame) > EXPORT_ROW_CAP
    frame = frame.head(EXPORT_ROW_CAP).reset_index(drop=True)
    frame.attrs["capped"] = capped
    return frame


def dataset_parquet(engine: Engine, account: int | str | None = None) -> tuple[bytes, bool]:
    """All lines of one account (or of every account) as Parquet, read in chunks; (bytes, capped).

    At most DATASET_ROW_CAP lines, in id order, so the file and the memory it takes stay bounded. Each chunk is
    its own short statement (the next ids after the last one read), so the public engine's per-statement time
    limit applies to a chunk, not to the whole file: one long streaming statement was cut off at 5 s.
    """
    buffer, written, capped, after = io.BytesIO(), 0, False, None
    with engine.connect() as conn:
        where, params = _conditions(conn, {"account": account})
        condition = "1 = 0" if where is None else " AND ".join(where) or "1 = 1"
        with pq.ParquetWriter(buffer, _ARROW_SCHEMA, compression="zstd") as writer:
            while written <= DATASET_ROW_CAP:
                keyset = "" if after is None else " AND s.id > :after"
                result = conn.execute(
                    text(f"{_SELECT} WHERE {condition}{keyset} ORDER BY s.id LIMIT :chunk"),
                    {**params, "after": after, "chunk": DATASET_CHUNK_ROWS},
                )
                keys, rows = list(result.keys()), result.all()
                if not rows:
                    break
                capped = written + len(rows) > DATASET_ROW_CAP
                chunk = _frame(rows[: DATASET_ROW_CAP - written], keys)
                if len(chunk):
                    writer.write_table(pa.Table.from_pandas(chunk, schema=_ARROW_SCHEMA, preserve_index=False))
                written += len(chunk)
                after = int(rows[-1][0])
                if capped or len(rows) < DATASET_CHUNK_ROWS:
                    break
    return buffer.getvalue(), capped


def _select(
    engine: Engine, filters: dict, sort: str, *, limit: int, offset: int, plan: SearchPlan | None = None
) -> pd.DataFrame:
    """The page: a bounded scan in page order first, the search index only when that scan falls short.

    The steps taken are noted in `plan`; frame.attrs['searched_rows'] is set when the answer is bounded."""
    sort = sort if sort in SORTS else "newest"
    term = search_term(filters.get("q"))
    plan = plan or SearchPlan(term, engine.dialect.name, sort)
    with engine.connect() as conn:
        where, params = _conditions(conn, filters)
        if where is None:
            plan.answer("empty_view")
            return _frame([], COLUMNS)
        params.update(limit=limit, offset=offset)
        context = nullcontext()
        if term:
            frame = _searched(conn, where, params, term, sort, plan)
            if frame is not None:
                return frame
            condition, text_params = text_condition(conn, term, "s", "q")
            where, params = where + [condition], {**params, **text_params}
            if conn.dialect.name == "postgresql":  # a scan in page order fell short above
                estimate = estimated_candidates(conn, term)
                bitmap = estimate <= BITMAP_MAX_HITS
                windowed = None if bitmap else _pg_windows(conn, where, params, sort, plan)
                if windowed is not None:
                    return windowed
                plan.answer("pg_trigram_bitmap" if bitmap else "pg_planner", f"~{estimate:,.0f} candidate(s)")
                context = search_index_first(conn) if bitmap else nullcontext()
            else:
                plan.answer("trigram_ids" if "json_each" in condition else "instr_scan")
        else:
            plan.answer("no_text")
        # Page ids first, joins after: thousands of index hits are sorted without reading their accounts.
        page_ids = (
            f"SELECT s.id FROM statement_lines s WHERE {' AND '.join(where) or '1 = 1'} "
            f"ORDER BY {_order(sort)} LIMIT :limit OFFSET :offset"
        )
        with context:
            return _read(conn, f"{_SELECT} WHERE s.id IN ({page_ids}) ORDER BY {_order(sort)}", params)


def _searched(
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


def _pg_windows(conn: Connection, where: list[str], params: dict, sort: str, plan: SearchPlan) -> pd.DataFrame | None:
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
        f"ORDER BY {_order(sort)} LIMIT :w_need"
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
    return _read(conn, f"{_SELECT} WHERE s.id = ANY(:page_ids) ORDER BY {_order(sort)}", {"page_ids": page})


def _order(sort: str) -> str:
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
        text(f"SELECT {column}, s.id FROM statement_lines s WHERE {view} ORDER BY {_order(sort)} LIMIT 1 OFFSET :k"),
        {**params, "k": scan_rows - 1},
    ).first()
    scanned = list(where)
    if bound is not None:  # stop at the K-th row of the view (a range on the sort index, then the id for ties)
        op, strict = (">=", ">") if descending else ("<=", "<")
        scanned.append(f"{column} {op} :bound_key AND ({column} {strict} :bound_key OR s.id {op} :bound_id)")
    sql = (
        f"{_SELECT} WHERE {' AND '.join(scanned + [contains(conn, 's.search_text', 'scan_q')])} "
        f"ORDER BY {_order(sort)} LIMIT :limit OFFSET :offset"
    )
    frame = _read(
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
    return _read(conn, f"{_SELECT} WHERE s.id IN ({page_ids}) ORDER BY {_order(sort)}", {**params, **walk_params})


def _conditions(conn: Connection, filters: dict) -> tuple[list[str] | None, dict]:
    """SQL conditions on lines `s` with their bound params; None when nothing can match (unknown account)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    account = filters.get("account")
    if account is not None and account != "":
        ids = account_ids(conn, account)
        if not ids:
            return None, {}
        names = [f"acc{i}" for i in range(len(ids))]
        where.append(f"s.account_id IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, ids, strict=False))
    campaign = filters.get("campaign")
    if campaign is not None:
        where.append("s.campaign_id = :campaign")
        params["campaign"] = int(campaign)
    if filters.get("date_from"):
        where.append("s.posted_at >= :date_from")
        params["date_from"] = filters["date_from"].isoformat()
    if filters.get("date_to") and filters["date_to"] < dt.date.max:  # (every line is on or before 9999-12-31)
        where.append("s.posted_at < :date_until")  # the day after: date_to is inclusive
        params["date_until"] = (filters["date_to"] + dt.timedelta(days=1)).isoformat()
    if filters.get("direction") in DIRECTIONS:
        where.append("s.direction = :direction")
        params["direction"] = filters["direction"]
    channel = filters.get("channel")
    if channel in CHANNELS:  # 'unknown' also holds the lines of a database written before channels existed
        where.append("(s.channel = :channel OR s.channel IS NULL)" if channel == "unknown" else "s.channel = :channel")
        params["channel"] = channel
    low, high = as_amount(filters.get("amount_min")), as_amount(filters.get("amount_max"))
    if low is not None or high is not None:
        condition, amount_params = amount_condition(conn, low, high)
        where.append(condition)
        params.update(amount_params)
    return where, params


def account_choices(engine: Engine) -> pd.DataFrame:
    """Account numbers with their holders, for the account picker (the accounts table is small)."""
    with engine.connect() as conn:
        return pd.read_sql(
            text("SELECT number, MIN(holder_name) AS holder_name FROM accounts GROUP BY number ORDER BY number"), conn
        )


def campaign_choices(engine: Engine) -> pd.DataFrame:
    """Campaign ids with their titles, for the campaign picker (the campaigns table is small)."""
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT id, title FROM campaigns ORDER BY id"), conn)


def account_ids(conn: Connection, account: int | str) -> list[int]:
    """Ids of the account(s) meant: an int is an id, a string an account number (any bank)."""
    if isinstance(account, int) and not isinstance(account, bool):
        rows = conn.execute(text("SELECT id FROM accounts WHERE id = :id"), {"id": account})
    else:
        number = str(account).strip()[:32]
        if not number.isprintable():  # no account number holds control characters (PostgreSQL refuses a NUL)
            return []
        rows = conn.execute(text("SELECT id FROM accounts WHERE number = :n ORDER BY id"), {"n": number})
    return [int(r[0]) for r in rows]


def as_amount(value: object) -> int | None:
    """An amount in major units from an int or any usual written form; None if absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return parse_amount(value)


def amount_condition(
    conn: Connection, low: int | None, high: int | None, alias: str = "s", *, use_index: bool = True
) -> tuple[str, dict]:
    """`low <= amount <= high` in major units, scaled to each currency's minor units (one range per precision).

    Each branch is a plain range on the amount column, so the amount index serves it; `use_index=False`
    writes `+amount`, which keeps the planner off that index (when another one is known to be better).
    """
    currencies = {r[0] for r in conn.execute(text("SELECT DISTINCT currency FROM accounts"))} | {"VND"}
    by_precision: dict[int, list[str]] = {}
    for code in sorted(currencies):
        by_precision.setdefault(get_currency_precision(code), []).append(code)
    column = f"{alias}.amount" if use_index else f"+{alias}.amount"
    branches, params = [], {}
    for precision, codes in sorted(by_precision.items()):
        tag = f"p{precision}"
        bounds = []
        for op, name, value in ((">=", "low", low), ("<=", "high", high)):
            if value is not None:
                bounds.append(f"{column} {op} :{tag}_{name}")
                params[f"{tag}_{name}"] = value * 10**precision
        if len(by_precision) > 1:  # several precisions: each range applies to its own currencies
            names = [f"{tag}_c{i}" for i in range(len(codes))]
            params.update(zip(names, codes, strict=False))
            bounds.insert(0, f"{alias}.currency IN ({', '.join(':' + n for n in names)})")
        branches.append("(" + " AND ".join(bounds) + ")")
    return "(" + " OR ".join(branches) + ")", params


def _read(conn: Connection, sql: str, params: dict) -> pd.DataFrame:
    result = conn.execute(text(sql), params)
    return _frame(result.all(), list(result.keys()))


def _frame(rows: Sequence, keys: list[str]) -> pd.DataFrame:
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
