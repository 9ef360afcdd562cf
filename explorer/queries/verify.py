""" "Verify my donation": find a donor's own incoming transfer and say why each candidate matched.

The donor gives part of their name or memo, the amount in any usual form ('500k', '500.000', '0,5tr') and
roughly when. Candidates come from bounded queries on incoming lines only, limited to the account and date
window when given: lines with the exact amount (amount index, or the time index for a popular amount) and
lines containing the text (a small date window is scanned; otherwise the search index decides) — and, when
both lists were full, lines with both. Each query keeps `limit` lines (the page shows 20): the newest, or with
a date the nearest `limit` on each side of it, since nearness is part of the score. That is enough: a line
of the best `limit` that a list left out would be outranked by the `limit` lines the list kept (same reasons
or more, nearer or newer), and lines with both reasons missing from two full lists come from the third query.
They are scored in Python: NAME_POINTS for the text, AMOUNT_POINTS for the exact amount, up to DATE_POINTS
for being close to the date.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from babel.numbers import get_currency_precision
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer.db.search import contains, index_walk, scoped_text_condition
from explorer.queries.statements import account_ids, amount_condition, as_amount, search_term

MAX_LIMIT = 200  # results (and candidates per list and side) one search may ask for
POPULAR_AMOUNT_LINES = 5_000  # more lines than this with one amount: use the time index instead
WINDOW_SCAN_LINES = 20_000  # a date window with fewer lines is scanned for the text directly
NAME_POINTS, AMOUNT_POINTS, DATE_POINTS = 40, 40, 20
RESULT_COLUMNS = [
    "id",
    "posted_at",
    "account",
    "amount",
    "currency",
    "counterparty",
    "description",
    "reference",
    "campaign",
    "match_name",
    "exact_amount",
    "days_off",
    "score",
]
_SELECT = """
    SELECT s.id, s.posted_at, a.number AS account, s.amount, s.currency, s.counterparty, s.description,
           s.reference, c.title AS campaign, s.search_text
    FROM {lines}
    JOIN accounts a ON a.id = s.account_id
    LEFT JOIN campaigns c ON c.id = s.campaign_id"""


def find_donation(
    engine: Engine,
    *,
    name_or_memo: str = "",
    amount: str | int | None = None,
    around: dt.date | None = None,
    account: int | str | None = None,
    days: int = 3,
    limit: int = 20,
) -> pd.DataFrame:
    """Ranked candidate incoming lines, best first, with match_name, exact_amount, days_off and score.

    Nothing to look for (no text and no readable amount) gives an empty frame. days_off is <NA> without a date.
    """
    term = search_term(name_or_memo)
    value = as_amount(amount)
    days = min(max(int(days), 0), 31)
    if not term and value is None:
        return _empty()
    with engine.connect() as conn:
        scope, params = [], {}  # account and date window: the conditions an index can serve
        if account is not None and account != "":
            ids = account_ids(conn, account)
            if not ids:
                return _empty()
            names = [f"acc{i}" for i in range(len(ids))]
            scope.append(f"s.account_id IN ({', '.join(':' + n for n in names)})")
            params.update(zip(names, ids, strict=False))
        window: list[str] = []  # each side of the date gets its own bounds in _candidates
        if around is not None:  # a window past the calendar's ends (0001-01-01, 9999-12-31) is open on that side
            params["around_day"] = around.isoformat()
            if (around - dt.date.min).days >= days:
                window.append("s.posted_at >= :win_from")
                params["win_from"] = (around - dt.timedelta(days=days)).isoformat()
            if (dt.date.max - around).days > days:
                window.append("s.posted_at < :win_until")
                params["win_until"] = (around + dt.timedelta(days=days + 1)).isoformat()
        base = scope + ["s.direction = 'in'"]
        cap = min(max(int(limit), 1), MAX_LIMIT)
        wanted = []  # (condition, params, index walk or None) for the amount and for the text, each with its best plan
        if value is not None:
            wanted.append((*_amount_condition(conn, value), None))
        if term:
            wanted.append(_text_condition(conn, term, scope + window, params, around))
        found: dict[int, dict] = {}
        capped = []
        for condition, part_params, walk in wanted:
            rows, full = _candidates(conn, base + [condition], {**params, **part_params}, around, walk, cap)
            capped.append(full)
            found.update((row["id"], row) for row in rows)
        if len(wanted) == 2 and all(capped):
            # A popular amount and a common name: lines with both could be missing from either list.
            (amount_sql, amount_params, _), (text_sql, text_params, walk) = wanted
            both = base + [amount_sql, text_sql]
            rows, _ = _candidates(conn, both, {**params, **amount_params, **text_params}, around, walk, cap)
            found.update((row["id"], row) for row in rows)
    if not found:
        return _empty()
    return _ranked(list(found.values()), term, value, around, days, cap)


def _text_condition(
    conn: Connection, term: str, scope: list[str], params: dict, around: dt.date | None
) -> tuple[str, dict, tuple[str, str] | None]:
    """Lines containing the text: a small date window is scanned; where line ids follow time, the search index
    walks in id order (so each side of the date stops at its nearest hits); else the index
    or a scan decides (explorer.db.search.text_condition)."""
    if around is not None and not _at_least(conn, scope, params, WINDOW_SCAN_LINES):
        return contains(conn, "s.search_text", "q"), {"q": term}, None
    walk = index_walk(conn, term, "s", "q")
    if walk is not None:
        source, condition, walk_params, key = walk
        return condition, walk_params, (source, key)
    return *scoped_text_condition(conn, term, scope + ["s.direction = 'in'"], params, "s", "q"), None


def _amount_condition(conn: Connection, value: int) -> tuple[str, dict]:
    """Exactly this amount: through the amount index when few lines carry it, else left to the time order.

    A popular amount (10.000 ₫ is on a quarter of all lines) would mean hundreds of thousands of lookups
    through the amount index; walking the time index instead stops after the first matches. (The
    popularity check counts the amount as đồng: it only picks the plan, the condition itself is exact.)
    """
    popular = _at_least(conn, ["s.amount = :plain_amount"], {"plain_amount": value}, POPULAR_AMOUNT_LINES)
    return amount_condition(conn, value, value, use_index=not popular)


def _at_least(conn: Connection, where: list[str], params: dict, n: int) -> bool:
    """Whether at least n lines satisfy `where`: counted on SQLite (reads at most n index entries); on PostgreSQL
    the planner's estimate. Counting there reads a table page per line wherever the visibility map is not set
    (after a bulk load, until a VACUUM: autovacuum may be off), 12–18 ms for 5,000 lines of one amount at
    1.9 M lines, where planning takes under a millisecond. Either only picks a plan: results are exact."""
    condition = " AND ".join(where) or "1 = 1"
    if conn.dialect.name == "postgresql":
        plan = conn.execute(
            text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM statement_lines s WHERE {condition}"), params
        ).scalar_one()
        return float(plan[0]["Plan"]["Plan Rows"]) >= n
    sql = f"SELECT count(*) FROM (SELECT 1 FROM statement_lines s WHERE {condition} LIMIT :n) t"
    return conn.execute(text(sql), {**params, "n": n}).scalar_one() >= n


def _candidates(
    conn: Connection, where: list[str], params: dict, around: dt.date | None, walk: tuple[str, str] | None, cap: int
) -> tuple[list[dict], bool]:
    """(rows, capped): the newest `cap` lines, or with a date the nearest `cap` on each side of it.

    Each side is one range on the time index ([date, window end) ascending, [window start, date) descending),
    so a popular amount in a busy week stops after its first matches instead of walking the whole window.
    With an index walk (FROM clause, id key), id order is time order: each side starts at the first line of
    the date, found on the time index, and reads the index's hits outward from there.
    """
    source, key = walk or ("statement_lines s", None)
    newest, oldest = (
        (f"{key} DESC", f"{key} ASC") if key else ("s.posted_at DESC, s.id DESC", "s.posted_at ASC, s.id ASC")
    )
    if around is None:
        rows = _fetch(conn, source, where, params, newest, cap)
        return rows, len(rows) >= cap
    since, until = ("win_from" if "win_from" in params else None), ("win_until" if "win_until" in params else None)
    after = _fetch(conn, source, where + _time_range(key, "around_day", until), params, oldest, cap)
    if len(after) >= cap:
        after = _newest_of_last_day(conn, source, where, params, key, after, cap, newest)
    before = _fetch(conn, source, where + _time_range(key, since, "around_day"), params, newest, cap)
    return after + before, len(after) >= cap or len(before) >= cap


def _newest_of_last_day(
    conn: Connection,
    source: str,
    where: list[str],
    params: dict,
    key: str | None,
    after: list[dict],
    cap: int,
    newest: str,
) -> list[dict]:
    """A full after-side list read oldest first ends part-way through a day whose later lines rank higher
    (same days off, newer first): keep that day's newest `cap` instead of its oldest."""
    last_day = _moment(after[-1]["posted_at"]).date()
    if last_day == dt.date.max:
        return after
    earlier = [row for row in after if _moment(row["posted_at"]).date() < last_day]
    day = {"day_from": last_day.isoformat(), "day_until": (last_day + dt.timedelta(days=1)).isoformat()}
    return earlier + _fetch(
        conn, source, where + _time_range(key, "day_from", "day_until"), {**params, **day}, newest, cap
    )


def _time_range(key: str | None, since: str | None, until: str | None) -> list[str]:
    """Conditions for lines posted in [:since, :until) (either end may be open), plus the same bounds as id
    ranges when an index walk reads in id order (ids follow time), so the walk starts and stops there."""
    conditions = ([f"s.posted_at >= :{since}"] if since else []) + ([f"s.posted_at < :{until}"] if until else [])
    if key:
        conditions += ([f"{key} >= {_first_id(since)}"] if since else []) + (
            [f"{key} < {_first_id(until)}"] if until else []
        )
    return conditions


def _first_id(param: str) -> str:
    """SQL for the id of the first line at or after the time :param, or one past every id when there is none."""
    return (
        f"coalesce((SELECT id FROM statement_lines WHERE posted_at >= :{param} ORDER BY posted_at, id LIMIT 1), "
        f"{2**63 - 1})"
    )


def _fetch(conn: Connection, source: str, where: list[str], params: dict, order: str, cap: int) -> list[dict]:
    sql = f"{_SELECT.format(lines=source)} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT :cap"
    return [dict(row) for row in conn.execute(text(sql), {**params, "cap": cap}).mappings()]


def _ranked(
    found: list[dict], term: str, value: int | None, around: dt.date | None, days: int, limit: int
) -> pd.DataFrame:
    """Score the (few hundred at most) candidates in plain Python, best first; one frame for the best `limit`."""
    for row in found:
        row["posted_at"] = _moment(row["posted_at"])
        row["match_name"] = bool(term) and term in row["search_text"]
        row["exact_amount"] = value is not None and row["amount"] == value * 10 ** get_currency_precision(
            row["currency"]
        )
        days_off = abs((row["posted_at"].date() - around).days) if around is not None else None
        row["days_off"] = days_off
        closeness = max(0.0, 1 - days_off / (days + 1)) if days_off is not None else 0.0
        row["score"] = round(
            NAME_POINTS * row["match_name"] + AMOUNT_POINTS * row["exact_amount"] + DATE_POINTS * closeness, 1
        )
    best = sorted(found, key=lambda r: (r["score"], r["posted_at"], r["id"]), reverse=True)[:limit]
    frame = pd.DataFrame.from_records(best, columns=RESULT_COLUMNS)
    frame["days_off"] = frame["days_off"].astype("Int64")
    return frame


def _moment(value: object) -> dt.datetime:
    """posted_at as a datetime whatever the driver returned (SQLite gives ISO text through text())."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in RESULT_COLUMNS})
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    return frame
