"""Disbursements: the paged list (each with the debit line it explains), breakdowns, money stages, flows.

Pledged, received and disbursed are different things and stay in separate columns: a pledge is a
promise (campaigns.pledged), received is money on the statement, disbursed is money reported paid out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from explorer import provinces
from explorer.db.rollups import bucket_of
from explorer.queries.frames import (
    DEFAULT_PAGE_SIZE,
    dates,
    ints,
    offset,
    paged,
    province_in,
    read,
    today_choices,
    with_today,
)

# What a breakdown may group by: a fixed map, so no column name ever comes from the URL.
GROUPINGS = {
    "campaign": ("d.campaign_id", "c.title"),
    "category": ("d.category", "d.category"),
    "recipient_group": ("d.recipient_group", "d.recipient_group"),
    "province": ("d.province_code", "p.name_vi"),
}
# The breakdown reads no statement line: joining them anyway cost a lookup per disbursement (100 ms at 11.7 M lines).
_GROUPED_FROM = """FROM disbursements d
    JOIN campaigns c ON c.id = d.campaign_id
    LEFT JOIN provinces p ON p.code = d.province_code"""
_FROM = f"""{_GROUPED_FROM}
    JOIN accounts a ON a.id = c.account_id
    LEFT JOIN statement_lines s ON s.id = d.statement_line_id"""
# Gift sizes for the first stage of the flow (VND, upper bound inclusive).
GIFT_CLASSES = (("small", 500_000), ("medium", 10_000_000), ("large", None))
FLOW_TOP_ACCOUNTS = 8
FLOW_TOP_PROVINCES = 10


def _filters(
    campaign_id: int | None, category: str | None, group: str | None, province: int | None
) -> tuple[str, dict]:
    where, params = ["1 = 1"], {}
    for column, name, value in (
        ("d.campaign_id", "campaign_id", campaign_id),
        ("d.category", "category", category),
        ("d.recipient_group", "group", group),
    ):
        if value is not None:
            where.append(f"{column} = :{name}")
            params[name] = value
    if province is not None:
        where.append(province_in("d.province_code", province, params))
    return " AND ".join(where), params


def listing(
    engine: Engine,
    *,
    campaign_id: int | None = None,
    category: str | None = None,
    group: str | None = None,
    province: int | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """One page of disbursements, newest first, each with its debit line (id, time, amount, reference)."""
    where, params = _filters(campaign_id, category, group, province)
    with engine.connect() as conn:
        frame = read(
            conn,
            f"""
            SELECT d.id, d.disbursed_on, d.campaign_id, c.title AS campaign, a.number AS account_number,
                   d.category, d.recipient_group, d.province_code, p.name_vi AS province, d.amount, d.currency,
                   d.statement_line_id AS line_id, s.posted_at AS line_posted_at, s.amount AS line_amount,
                   s.reference AS line_reference, d.report_text
            {_FROM} WHERE {where}
            ORDER BY d.disbursed_on DESC, d.id DESC LIMIT :limit OFFSET :offset""",
            {**params, "limit": page_size + 1, "offset": offset(page, page_size)},
        )
    dates(ints(frame, "amount"), "disbursed_on")
    frame["line_posted_at"] = pd.to_datetime(frame["line_posted_at"])
    frame["line_amount"] = frame["line_amount"].astype("Int64")
    frame["line_id"] = frame["line_id"].astype("Int64")
    return paged(with_today(frame), page_size)


def breakdown(
    engine: Engine,
    by: str,
    *,
    campaign_id: int | None = None,
    category: str | None = None,
    group: str | None = None,
    province: int | None = None,
) -> pd.DataFrame:
    """Disbursed amount and count grouped by `by` (a GROUPINGS key): key, label, amount, disbursements."""
    key, label = GROUPINGS[by]
    where, params = _filters(campaign_id, category, group, province)
    with engine.connect() as conn:
        frame = read(
            conn,
            f"""
            SELECT {key} AS key, {label} AS label, SUM(d.amount) AS amount, COUNT(*) AS disbursements
            {_GROUPED_FROM} WHERE {where} GROUP BY {key}, {label} ORDER BY amount DESC, key""",
            params,
        )
    if by == "province":
        with_today(frame, "key")  # 'Hà Giang' (2024) is read today as part of Tuyên Quang
    return ints(frame, "amount", "disbursements")


def money_stages(engine: Engine, campaign_id: int | None = None) -> dict[str, int]:
    """Target, pledged (promised), received (on the statement) and disbursed (reported), VND campaigns."""
    only = "AND c.id = :campaign_id" if campaign_id is not None else ""
    only_days = "AND t.campaign_id = :campaign_id" if campaign_id is not None else ""
    with engine.connect() as conn:
        row = read(
            conn,
            f"""
            SELECT
              (SELECT COALESCE(SUM(c.target), 0) FROM campaigns c WHERE c.currency = 'VND' {only}) AS target,
              (SELECT COALESCE(SUM(c.pledged), 0) FROM campaigns c WHERE c.currency = 'VND' {only}) AS pledged,
              (SELECT COALESCE(SUM(t.amount), 0) FROM lifetime_totals t
                WHERE t.direction = 'in' AND t.currency = 'VND' {only_days}
                  AND t.campaign_id IN (SELECT c.id FROM campaigns c WHERE c.currency = 'VND')) AS received,
              (SELECT COALESCE(SUM(d.amount), 0) FROM disbursements d JOIN campaigns c ON c.id = d.campaign_id
                WHERE d.currency = 'VND' AND c.currency = 'VND' {only}) AS disbursed""",
            {"campaign_id": campaign_id} if campaign_id is not None else {},
        )
    return {str(k): int(v) for k, v in row.iloc[0].items()}


def _gift_class_sql() -> str:
    """A gift's class from its amount bucket in the rollups (each class bound is a bucket bound)."""
    cases = " ".join(f"WHEN t.bucket <= {bucket_of(bound)} THEN '{name}'" for name, bound in GIFT_CLASSES if bound)
    return f"CASE {cases} ELSE '{GIFT_CLASSES[-1][0]}' END"


def flows(engine: Engine, campaign_id: int | None = None) -> pd.DataFrame:
    """VND flow links for campaigns: source, target, amount; nodes are 'stage:key' strings.

    donors:<gift class> → account:<number> → category:<category> | category:held (not yet disbursed)
    → province:<name>. Small accounts and provinces are folded into account:other / province:other.
    """
    only = "AND c.id = :campaign_id" if campaign_id is not None else ""
    only_days = "AND t.campaign_id = :campaign_id" if campaign_id is not None else ""
    params = {"campaign_id": campaign_id} if campaign_id is not None else {}
    with engine.connect() as conn:
        # Sum per campaign and gift class first; only those sums meet the campaigns and accounts tables.
        gifts = read(
            conn,
            f"""
            WITH sums AS (
                SELECT t.campaign_id, {_gift_class_sql()} AS gift, SUM(t.amount) AS amount
                FROM lifetime_totals t
                WHERE t.direction = 'in' AND t.currency = 'VND' AND t.campaign_id IS NOT NULL
                      {only_days}
                GROUP BY t.campaign_id, {_gift_class_sql()})
            SELECT sums.gift, a.number AS account, SUM(sums.amount) AS amount
            FROM sums JOIN campaigns c ON c.id = sums.campaign_id JOIN accounts a ON a.id = c.account_id
            WHERE c.currency = 'VND' GROUP BY sums.gift, a.number""",
            params,
        )
        paid = read(
            conn,
            f"""
            SELECT a.number AS account, d.category, d.province_code, SUM(d.amount) AS amount
            FROM disbursements d JOIN campaigns c ON c.id = d.campaign_id JOIN accounts a ON a.id = c.account_id
            WHERE d.currency = 'VND' AND c.currency = 'VND' {only}
            GROUP BY a.number, d.category, d.province_code""",
            params,
        )
    ints(gifts, "amount")
    ints(paid, "amount")
    # Flows end in today's provinces: Hà Giang's payouts of 2024 count towards Tuyên Quang.
    paid["province"] = [provinces.today_name(int(c)) if pd.notna(c) else "?" for c in paid.pop("province_code")]
    paid = paid.groupby(["account", "category", "province"], as_index=False).amount.sum()
    top_accounts = gifts.groupby("account").amount.sum().nlargest(FLOW_TOP_ACCOUNTS).index
    top_provinces = paid.groupby("province").amount.sum().nlargest(FLOW_TOP_PROVINCES).index
    for frame in (gifts, paid):
        frame["account"] = frame.account.where(frame.account.isin(top_accounts), "other")
    paid["province"] = paid.province.where(paid.province.isin(top_provinces), "other")
    received = gifts.groupby("account").amount.sum()
    spent = paid.groupby("account").amount.sum().reindex(received.index, fill_value=0)
    held = (received - spent).clip(lower=0)
    links = pd.concat(
        [
            pd.DataFrame(
                {"source": "donors:" + gifts.gift, "target": "account:" + gifts.account, "amount": gifts.amount}
            ),
            pd.DataFrame(
                {"source": "account:" + paid.account, "target": "category:" + paid.category, "amount": paid.amount}
            ),
            pd.DataFrame({"source": "account:" + held.index, "target": "category:held", "amount": held.to_numpy()}),
            pd.DataFrame(
                {"source": "category:" + paid.category, "target": "province:" + paid.province, "amount": paid.amount}
            ),
        ],
        ignore_index=True,
    )
    links = links.groupby(["source", "target"], as_index=False).amount.sum()
    return links[links.amount > 0].sort_values(["source", "target"]).reset_index(drop=True)


def choices(engine: Engine) -> dict[str, pd.DataFrame]:
    """Campaigns and provinces that have disbursements (for the filter pickers)."""
    with engine.connect() as conn:
        campaigns = read(
            conn,
            """SELECT c.id, c.title AS name FROM campaigns c
                                  WHERE EXISTS (SELECT 1 FROM disbursements d WHERE d.campaign_id = c.id)
                                  ORDER BY c.id""",
        )
        provinces = today_choices(read(conn, "SELECT DISTINCT province_code FROM disbursements").province_code.dropna())
    return {"campaigns": campaigns, "provinces": provinces}
