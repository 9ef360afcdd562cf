"""How the money came: the channel mix of donations, a giving day's matching pool (gifts, matched, pool left and
the rules' breaches), and charity purchases as one source with their item count (pure, no Streamlit)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.db.schema import CHANNELS
from explorer.ingest.channels import purchase_items
from explorer.queries.frames import as_date, ints, read
from explorer.queries.stats import DATE_PARAMS, Scope, donation_rollup_where

_GIFT_REFERENCE = re.compile(r"\bGD (\S+)\s*$")  # a matching line names the gift it matches: '… CHO GD <reference>'


def channel_mix(
    engine: Engine,
    *,
    campaign_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    scope: Scope = None,
) -> pd.DataFrame:
    """Incoming VND lines per channel (in CHANNELS order, only those present): channel, lines, amount and the
    shares of lines and money, for the donations Stats counts (same range and scope: an account, a campaign).
    Read from the channel rollup (explorer.db.rollups); lines written before channels existed count as 'unknown'."""
    if campaign_id is not None:
        scope = (scope[0] if scope else None, int(campaign_id))
    where, params = donation_rollup_where("t", date_from, date_to, scope)
    with engine.connect() as conn:
        frame = read(
            conn,
            f"""SELECT t.channel, SUM(t.lines) AS lines, SUM(t.amount) AS amount
                FROM channel_donations t WHERE {where} GROUP BY t.channel HAVING SUM(t.lines) > 0""",
            params,
            date_params=DATE_PARAMS,
        )
    ints(frame, "lines", "amount")
    order = {c: i for i, c in enumerate(CHANNELS)}
    frame = frame.sort_values("channel", key=lambda s: s.map(order).fillna(len(order))).reset_index(drop=True)
    frame["line_share"] = frame.lines / max(int(frame.lines.sum()), 1)
    frame["amount_share"] = frame.amount / max(int(frame.amount.sum()), 1)
    return frame


def pool_of(engine: Engine, campaign_id: int) -> dict[str, Any] | None:
    """The matching pool a campaign takes part in: its rules, and per project the gifts of the day, the money
    matched and what the project cap leaves; the pool's total matched and what is left. None if it has none."""
    with engine.connect() as conn:
        pools = read(
            conn,
            """SELECT p.id, p.name, p.day, p.ratio_pct, p.cap_per_gift, p.cap_per_project, p.pool_size, p.currency,
                      a.number AS sponsor_account, a.holder_name AS sponsor
               FROM matching_pools p JOIN matching_projects m ON m.pool_id = p.id
               JOIN accounts a ON a.id = p.sponsor_account_id WHERE m.campaign_id = :id""",
            {"id": int(campaign_id)},
        )
        if pools.empty:
            return None
        pool = {str(k): v for k, v in pools.iloc[0].items()}
        projects = read(
            conn,
            """SELECT m.campaign_id, c.title,
                      SUM(CASE WHEN s.channel = 'giving_day' THEN s.amount ELSE 0 END) AS gifts,
                      SUM(CASE WHEN s.channel = 'giving_day' THEN 1 ELSE 0 END) AS gift_lines,
                      SUM(CASE WHEN s.channel = 'matching' THEN s.amount ELSE 0 END) AS matched
               FROM matching_projects m JOIN campaigns c ON c.id = m.campaign_id
               LEFT JOIN statement_lines s ON s.campaign_id = m.campaign_id AND s.direction = 'in'
               WHERE m.pool_id = :pool GROUP BY m.campaign_id, c.title ORDER BY m.campaign_id""",
            {"pool": int(pool["id"])},
        )
    ints(projects, "gifts", "gift_lines", "matched")
    projects["cap_left"] = (int(pool["cap_per_project"]) - projects.matched).clip(lower=0)
    for key in ("ratio_pct", "cap_per_gift", "cap_per_project", "pool_size", "id"):
        pool[key] = int(pool[key])
    pool["day"] = as_date(pool["day"])
    pool["matched"] = int(projects.matched.sum())
    pool["left"] = max(pool["pool_size"] - pool["matched"], 0)
    pool["projects"] = projects
    return pool


def matching_breaches(engine: Engine) -> pd.DataFrame:
    """Matching lines that break their pool's own rules: pool_id, campaign_id, line_id, rule, amount, allowed.

    Rules: a matching line names a gift of the same project on the pool's day ('no_gift' otherwise); it is at most
    ratio × the gift and at most the cap per gift ('over_gift'); a project's matching stays within the cap per
    project ('over_project_cap', on the line that crossed it); the pool's within its size ('over_pool').
    """
    with engine.connect() as conn:
        pools = read(conn, "SELECT id, day, ratio_pct, cap_per_gift, cap_per_project, pool_size FROM matching_pools")
        if pools.empty:
            return pd.DataFrame(columns=["pool_id", "campaign_id", "line_id", "rule", "amount", "allowed"])
        lines = read(
            conn,
            """SELECT m.pool_id, s.id, s.campaign_id, s.posted_at, s.amount, s.reference, s.description, s.channel
               FROM statement_lines s JOIN matching_projects m ON m.campaign_id = s.campaign_id
               WHERE s.campaign_id IN (SELECT campaign_id FROM matching_projects)  -- the campaign index, not a scan
                 AND s.direction = 'in' AND s.channel IN ('matching', 'giving_day') ORDER BY s.posted_at, s.id""",
        )
    out = []
    for pool in pools.to_dict("records"):
        mine = lines[lines.pool_id == pool["id"]]
        day = as_date(pool["day"])
        gifts = mine[(mine.channel == "giving_day") & (pd.to_datetime(mine.posted_at).dt.date == day)]
        gift_of = {
            (int(c), r): int(a) for c, r, a in zip(gifts.campaign_id, gifts.reference, gifts.amount, strict=True)
        }
        per_project: dict[int, int] = {}
        total = 0
        for line in mine[mine.channel == "matching"].to_dict("records"):
            found = _GIFT_REFERENCE.search(line["description"] or "")
            gift = gift_of.get((int(line["campaign_id"]), found.group(1))) if found else None
            amount, cid = int(line["amount"]), int(line["campaign_id"])
            row = {"pool_id": int(pool["id"]), "campaign_id": cid, "line_id": int(line["id"]), "amount": amount}
            if gift is None:
                out.append({**row, "rule": "no_gift", "allowed": 0})
            else:
                allowed = min(gift * int(pool["ratio_pct"]) // 100, int(pool["cap_per_gift"]))
                if amount > allowed:
                    out.append({**row, "rule": "over_gift", "allowed": allowed})
            per_project[cid] = per_project.get(cid, 0) + amount
            total += amount
            if per_project[cid] > int(pool["cap_per_project"]) >= per_project[cid] - amount:
                out.append({**row, "rule": "over_project_cap", "allowed": int(pool["cap_per_project"])})
            if total > int(pool["pool_size"]) >= total - amount:
                out.append({**row, "rule": "over_pool", "allowed": int(pool["pool_size"])})
    return pd.DataFrame(out, columns=["pool_id", "campaign_id", "line_id", "rule", "amount", "allowed"])


def charity_purchases(engine: Engine, campaign_id: int | None = None) -> pd.DataFrame:
    """Merchants' per-sale giving, one row per merchant (and campaign): transfers, items sold, amount per item,
    amount — read from the memos' 'items × amount per item'."""
    where, params = "s.channel = 'charity_purchase' AND s.direction = 'in'", {}
    if campaign_id is not None:
        where += " AND s.campaign_id = :campaign_id"
        params["campaign_id"] = int(campaign_id)
    with engine.connect() as conn:
        lines = pd.read_sql(
            text(f"SELECT s.campaign_id, s.counterparty, s.amount, s.description FROM statement_lines s WHERE {where}"),
            conn,
            params=params,
        )
    columns = ["campaign_id", "merchant", "transfers", "items", "per_item", "amount"]
    if lines.empty:
        return pd.DataFrame(columns=columns)
    parsed = lines.description.map(purchase_items)
    lines["items"] = parsed.map(lambda p: p[0] if isinstance(p, tuple) else 0)
    lines["per_item"] = parsed.map(lambda p: p[1] if isinstance(p, tuple) else 0)
    out = lines.groupby(["campaign_id", "counterparty"], as_index=False).agg(
        transfers=("amount", "size"), items=("items", "sum"), per_item=("per_item", "max"), amount=("amount", "sum")
    )
    return out.rename(columns={"counterparty": "merchant"})[columns]
