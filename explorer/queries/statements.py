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
from contextlib import nullcontext
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from babel.numbers import get_currency_precision
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer.db.schema import CHANNELS
from explorer.db.search import BITMAP_MAX_HITS, search_index_first, text_condition
from explorer.db.trigram_sample import estimated_candidates
from explorer.export import EXPORT_ROW_CAP
from explorer.queries.line_search import (
    COLUMNS,
    SELECT_LINES,
    SORTS,
    lines_frame,
    order_by,
    pg_windows,
    read_lines,
    searched,
)
from explorer.queries.search_plan import SearchPlan
from explorer.text import fold, parse_amount

MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 500
DATASET_ROW_CAP = 2_500_000  # whole-dataset Parquet: enough for the national seed, bounded for memory
DATASET_CHUNK_ROWS = 50_000
DIRECTIONS = ("in", "out")
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
                    text(f"{SELECT_LINES} WHERE {condition}{keyset} ORDER BY s.id LIMIT :chunk"),
                    {**params, "after": after, "chunk": DATASET_CHUNK_ROWS},
                )
                keys, rows = list(result.keys()), result.all()
                if not rows:
                    break
                capped = written + len(rows) > DATASET_ROW_CAP
                chunk = lines_frame(rows[: DATASET_ROW_CAP - written], keys)
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
            return lines_frame([], COLUMNS)
        params.update(limit=limit, offset=offset)
        context = nullcontext()
        if term:
            frame = searched(conn, where, params, term, sort, plan)
            if frame is not None:
                return frame
            condition, text_params = text_condition(conn, term, "s", "q")
            where, params = where + [condition], {**params, **text_params}
            if conn.dialect.name == "postgresql":  # a scan in page order fell short above
                estimate = estimated_candidates(conn, term)
                bitmap = estimate <= BITMAP_MAX_HITS
                windowed = None if bitmap else pg_windows(conn, where, params, sort, plan)
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
            f"ORDER BY {order_by(sort)} LIMIT :limit OFFSET :offset"
        )
        with context:
            return read_lines(conn, f"{SELECT_LINES} WHERE s.id IN ({page_ids}) ORDER BY {order_by(sort)}", params)


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
