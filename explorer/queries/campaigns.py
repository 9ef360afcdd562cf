"""Campaigns: a faceted, paged list and one campaign's detail, its daily donations and lines.

Facets are SQL conditions on the small campaigns table. Money and the rule status need a pass over the
ledger, so they come from `flags.campaign_flags` (computed once and cached by the UI) via `with_money`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer.db import search, sql
from explorer.queries.frames import (
    DEFAULT_PAGE_SIZE,
    as_date,
    dates,
    ints,
    offset,
    paged,
    province_in,
    read,
    today_choices,
    with_today,
)
from explorer.text import fold

WORKFLOW = (
    "needs_assessed_on",
    "target_set_on",
    "beneficiaries_listed_on",
    "plan_approved_on",
    "announced_on",
    "first_report_on",
)
_COLUMNS = f"""c.id, c.title, c.category, c.status, c.currency, c.target, c.pledged, c.start_on, c.end_on,
    c.province_code, p.name_vi AS province, c.org_id, o.name AS organization, o.kind AS org_kind,
    a.number AS account_number, a.bank AS account_bank, {", ".join("c." + w for w in WORKFLOW)}"""
_FROM = """FROM campaigns c
    JOIN organizations o ON o.id = c.org_id
    JOIN accounts a ON a.id = c.account_id
    LEFT JOIN provinces p ON p.code = c.province_code"""


def _facets(
    conn: Connection,
    *,
    q: str = "",
    status: str | None = None,
    category: str | None = None,
    province: int | None = None,
    org: int | None = None,
    account_id: int | None = None,
    start_from: dt.date | None = None,
    start_to: dt.date | None = None,
) -> tuple[str, dict]:
    """WHERE clause and params for the facet filters (each optional)."""
    where, params = ["1 = 1"], {}
    folded = fold(q)
    digits = "".join(ch for ch in folded if ch not in " .-")
    if folded:
        by_number = f" OR {search.contains(conn, 'a.number', 'qnum')}" if digits.isdigit() and len(digits) >= 3 else ""
        where.append(
            f"({search.contains(conn, 'c.title_folded', 'q')} OR "
            f"{search.contains(conn, 'o.name_folded', 'q')}{by_number})"
        )
        params["q"] = folded
        if by_number:  # an account number, as people write it ('1500 2011 13838', '2905'): its campaigns too
            params["qnum"] = digits
    for column, name, value in (
        ("c.status", "status", status),
        ("c.category", "category", category),
        ("c.org_id", "org", org),
        ("c.account_id", "account_id", account_id),
    ):
        if value is not None:
            where.append(f"{column} = :{name}")
            params[name] = value
    if province is not None:
        where.append(province_in("c.province_code", province, params))
    if start_from:
        where.append("c.start_on >= :start_from")
        params["start_from"] = start_from
    if start_to:
        where.append("c.start_on <= :start_to")
        params["start_to"] = start_to
    return " AND ".join(where), params


def with_money(rows: pd.DataFrame, standing: pd.DataFrame) -> pd.DataFrame:
    """Campaign rows plus their money and rule status from `flags.campaign_flags` (pure: no database).

    Adds received, disbursed, threshold_on, due_on, rule_status, progress (received / target) and
    disbursed_share (disbursed / received). Pages pass the cached all-campaign frame, so browsing and
    exporting never rescan the ledger.
    """
    money = standing.drop(columns=["first_report_on"]).rename(columns={"status": "rule_status"})
    out = rows.merge(money, left_on="id", right_on="campaign_id", how="left").drop(columns=["campaign_id"])
    out["progress"] = (out.received / out.target).where(out.target > 0)
    out["disbursed_share"] = (out.disbursed / out.received).where(out.received > 0)
    return out


# Orders of the campaign list (the id breaks ties, so paging is stable): the most money received in the
# campaign's currency first (what people look for), the running campaigns ending soonest first, or the newest.
SORTS = {
    "raised": "COALESCE(r.raised, 0) DESC, c.id DESC",
    "ending": (
        "CASE WHEN c.status = 'active' THEN 0 ELSE 1 END, CASE WHEN c.end_on IS NULL THEN 1 ELSE 0 END, c.end_on, c.id"
    ),
    "newest": "c.start_on DESC, c.id DESC",
}
_RAISED = """LEFT JOIN (SELECT t.campaign_id, SUM(t.amount) AS raised
                       FROM lifetime_totals t JOIN campaigns k ON k.id = t.campaign_id AND k.currency = t.currency
                       WHERE t.direction = 'in' GROUP BY t.campaign_id) r ON r.campaign_id = c.id"""


def listing(
    engine: Engine,
    *,
    q: str = "",
    status: str | None = None,
    category: str | None = None,
    province: int | None = None,
    org: int | None = None,
    account_id: int | None = None,
    start_from: dt.date | None = None,
    start_to: dt.date | None = None,
    ids: tuple[int, ...] | None = None,
    sort: str = "newest",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """One page of campaigns in the `sort` order (SORTS; the page asks for "raised"), without money:
    {'rows': DataFrame, 'has_more': bool}.

    `ids` keeps only those campaigns (the rule-status filter: `flags.ids_with_status`); add the money
    with `with_money`.
    """
    sort = sort if sort in SORTS else "newest"
    order = SORTS[sort]
    with engine.connect() as conn:
        where, params = _facets(
            conn,
            q=q,
            status=status,
            category=category,
            province=province,
            org=org,
            account_id=account_id,
            start_from=start_from,
            start_to=start_to,
        )
        if ids is not None:
            where += " AND c.id IN :ids"
            params["ids"] = list(ids)
        frame = read(
            conn,
            f"""SELECT {_COLUMNS} {_FROM} {_RAISED if sort == "raised" else ""} WHERE {where}
                               ORDER BY {order} LIMIT :limit OFFSET :offset""",
            {**params, "limit": page_size + 1, "offset": offset(page, page_size)},
            date_params=("start_from", "start_to"),
            list_params=("ids",),
        )
    dates(ints(frame, "target", "pledged"), "start_on", "end_on", *WORKFLOW)
    return paged(with_today(frame), page_size)


def detail(engine: Engine, campaign_id: int) -> dict[str, Any] | None:
    """One campaign (without money) with its donors (distinct senders) and donation count; None if unknown."""
    with engine.connect() as conn:
        frame = read(conn, f"SELECT {_COLUMNS} {_FROM} WHERE c.id = :id", {"id": campaign_id})
        if frame.empty:
            return None
        dates(ints(frame, "target", "pledged"), "start_on", "end_on", *WORKFLOW)
        with_today(frame)
        counts = (
            conn.execute(
                text("""
            SELECT COUNT(DISTINCT s.donor_key) AS donors, COUNT(*) AS donations
            FROM statement_lines s
            WHERE s.campaign_id = :id AND s.direction = 'in'
              AND s.currency = (SELECT currency FROM campaigns WHERE id = :id)"""),
                {"id": campaign_id},
            )
            .mappings()
            .one()
        )
    row = {str(k): v for k, v in frame.iloc[0].items()}
    row.update(id=int(row["id"]), donors=int(counts["donors"]), donations=int(counts["donations"]))
    return row


def daily_donations(engine: Engine, campaign_id: int) -> pd.DataFrame:
    """Money received per day by one campaign: day (Timestamp), amount, lines."""
    with engine.connect() as conn:
        frame = read(
            conn,
            f"""
            SELECT {sql.day(conn, "t.day")} AS day, SUM(t.amount) AS amount, SUM(t.lines) AS lines
            FROM daily_totals t
            WHERE t.campaign_id = :id AND t.direction = 'in'
              AND t.currency = (SELECT currency FROM campaigns WHERE id = :id)
            GROUP BY t.day ORDER BY t.day""",
            {"id": campaign_id},
        )
    ints(frame, "amount", "lines")
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def lines(engine: Engine, campaign_id: int, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, Any]:
    """The first page of statement lines attributed to the campaign, newest first (as Statements shows them)."""
    with engine.connect() as conn:
        frame = read(
            conn,
            """
            SELECT s.id, s.posted_at, s.direction, s.amount, s.currency, s.counterparty, s.description, s.reference
            FROM statement_lines s WHERE s.campaign_id = :id
            ORDER BY s.posted_at DESC, s.id DESC LIMIT :limit""",
            {"id": campaign_id, "limit": page_size + 1},
        )
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    return paged(frame, page_size)


def facet_choices(engine: Engine) -> dict[str, pd.DataFrame]:
    """Provinces and organizations that have campaigns (for the facet pickers): code/id and name."""
    with engine.connect() as conn:
        provinces = today_choices(read(conn, "SELECT DISTINCT province_code FROM campaigns").province_code.dropna())
        orgs = read(
            conn,
            """SELECT o.id, o.name FROM organizations o
                             WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.org_id = o.id) ORDER BY o.name_folded""",
        )
    return {"provinces": provinces, "organizations": orgs}


def start_days(engine: Engine) -> tuple[dt.date | None, dt.date | None]:
    """The first and last campaign start day: the range the start-date pickers open on (not today)."""
    with engine.connect() as conn:
        first, last = conn.execute(text("SELECT MIN(start_on), MAX(start_on) FROM campaigns")).one()
    return as_date(first), as_date(last)
