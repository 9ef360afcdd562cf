""""Verify my donation": find a donor's own incoming transfer and say why each candidate matched.

The donor gives part of their name or memo, the amount in any usual form ('500k', '500.000', '0,5tr') and
roughly when. Candidates come from bounded queries on incoming lines only, each capped at CANDIDATE_CAP rows
and limited to the account and date window when given: lines with the amount *and* the text, lines with the
exact amount (amount index, or the time index for a popular amount), lines containing the text (a small
date window is scanned; otherwise the search index decides). They are scored in Python: NAME_POINTS for the
text, AMOUNT_POINTS for the exact amount, up to DATE_POINTS for being close to the date.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from babel.numbers import get_currency_precision
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer.db.search import contains, text_condition
from explorer.queries.statements import account_ids, amount_condition, as_amount, search_term

CANDIDATE_CAP = 200
POPULAR_AMOUNT_LINES = 5_000   # more lines than this with one amount: use the time index instead
WINDOW_SCAN_LINES = 20_000     # a date window with fewer lines is scanned for the text directly
NAME_POINTS, AMOUNT_POINTS, DATE_POINTS = 40, 40, 20
RESULT_COLUMNS = ["id", "posted_at", "account", "amount", "currency", "counterparty", "description", "reference",
                  "campaign", "match_name", "exact_amount", "days_off", "score"]
_SELECT = """
    SELECT s.id, s.posted_at, a.number AS account, s.amount, s.currency, s.counterparty, s.description,
           s.reference, c.title AS campaign, s.search_text
    FROM statement_lines s
    JOIN accounts a ON a.id = s.account_id
    LEFT JOIN campaigns c ON c.id = s.campaign_id"""


def find_donation(engine: Engine, *, name_or_memo: str = "", amount: str | int | None = None,
                  around: dt.date | None = None, account: int | str | None = None, days: int = 3,
                  limit: int = 20) -> pd.DataFrame:
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
            params.update(zip(names, ids))
        if around is not None:
            scope.append("s.posted_at >= :win_from AND s.posted_at < :win_until")
            params["win_from"] = (around - dt.timedelta(days=days)).isoformat()
            params["win_until"] = (around + dt.timedelta(days=days + 1)).isoformat()
        base = scope + ["s.direction = 'in'"]
        wanted = []  # (condition, params) for the amount and for the text, each with its best plan
        if value is not None:
            wanted.append(_amount_condition(conn, value))
        if term:
            small_window = around is not None and not _at_least(conn, scope, params, WINDOW_SCAN_LINES)
            wanted.append((contains(conn, "s.search_text", "q"), {"q": term}) if small_window
                          else text_condition(conn, term, "s", "q"))
        # Lines meeting both come first, so a popular amount or name cannot crowd the best ones out.
        queries = ([wanted] if len(wanted) == 2 else []) + [[w] for w in wanted]
        frames = []
        for parts in queries:
            bound = dict(params)
            for _, part_params in parts:
                bound.update(part_params)
            frames.append(_candidates(conn, base + [condition for condition, _ in parts], bound))
    found = pd.concat(frames, ignore_index=True).drop_duplicates("id")
    if found.empty:
        return _empty()
    return _ranked(found, term, value, around, days).head(max(int(limit), 1)).reset_index(drop=True)


def _amount_condition(conn: Connection, value: int) -> tuple[str, dict]:
    """Exactly this amount: through the amount index when few lines carry it, else left to the time order.

    A popular amount (10.000 ₫ is on a quarter of all lines) would mean hundreds of thousands of lookups
    through the amount index; walking the time index instead stops after CANDIDATE_CAP matches. (The
    popularity check counts the amount as đồng: it only picks the plan, the condition itself is exact.)
    """
    popular = _at_least(conn, ["s.amount = :plain_amount"], {"plain_amount": value}, POPULAR_AMOUNT_LINES)
    return amount_condition(conn, value, value, use_index=not popular)


def _at_least(conn: Connection, where: list[str], params: dict, n: int) -> bool:
    """True when at least n lines satisfy `where` (reads at most n index entries)."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM statement_lines s WHERE {' AND '.join(where) or '1 = 1'} LIMIT :n) t"
    return conn.execute(text(sql), {**params, "n": n}).scalar_one() >= n


def _candidates(conn: Connection, where: list[str], params: dict) -> pd.DataFrame:
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY s.posted_at DESC, s.id DESC LIMIT :cap"
    return pd.read_sql(text(sql), conn, params={**params, "cap": CANDIDATE_CAP})


def _ranked(found: pd.DataFrame, term: str, value: int | None, around: dt.date | None, days: int) -> pd.DataFrame:
    found = found.copy()
    found["posted_at"] = pd.to_datetime(found["posted_at"])
    found["match_name"] = found["search_text"].map(lambda s: bool(term) and term in s).astype(bool)
    major = found["amount"].astype("int64") / found["currency"].map(_minor_per_major)
    found["exact_amount"] = (major == value) if value is not None else False
    if around is not None:
        off = (found["posted_at"].dt.normalize() - pd.Timestamp(around)).dt.days.abs()
        found["days_off"] = off.astype("Int64")
        closeness = (1 - off / (days + 1)).clip(lower=0)
    else:
        found["days_off"] = pd.array([pd.NA] * len(found), dtype="Int64")
        closeness = 0.0
    found["score"] = (NAME_POINTS * found["match_name"] + AMOUNT_POINTS * found["exact_amount"]
                      + DATE_POINTS * closeness).round(1)
    found = found.sort_values(["score", "posted_at", "id"], ascending=[False, False, False])
    return found[RESULT_COLUMNS]


def _minor_per_major(currency: str) -> int:
    return 10 ** get_currency_precision(currency)


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in RESULT_COLUMNS})
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    return frame
