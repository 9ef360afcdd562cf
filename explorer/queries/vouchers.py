"""Loaders for the voucher simulation: who may receive, where they can spend, what a campaign can fund.

Beneficiaries leave the database with only what the engine needs — never a name, phone or address,
and not even the national-id hash: SQL turns it into a dense `person_id` (same person, same number)
so duplicates can still be found. Filters are pushed into SQL with bound parameters.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from explorer.db.schema import Account, Beneficiary, Campaign, Merchant, Province, StatementLine

MAX_BENEFICIARIES = 2_000_000  # a simulation's upper bound (memory); larger selections are cut and flagged
MAX_CAMPAIGNS = 300


def beneficiaries(
    engine: Engine, groups: tuple[str, ...], provinces: tuple[int, ...] = (), limit: int = MAX_BENEFICIARIES
) -> pd.DataFrame:
    """person_id, org_id, group, province_code, household_size, lat, lon of the groups (and provinces)
    asked for; `frame.attrs["capped"]` is True when more than `limit` matched."""
    b = Beneficiary.__table__
    stmt = (
        select(
            func.dense_rank().over(order_by=b.c.national_id_hash).label("person_id"),
            b.c.org_id,
            b.c.group,
            b.c.province_code,
            b.c.household_size,
            b.c.lat,
            b.c.lon,
        )
        .where(b.c.group.in_(list(groups)))
        .order_by(b.c.id)
        .limit(limit + 1)
    )
    if provinces:
        stmt = stmt.where(b.c.province_code.in_(list(provinces)))
    with engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    capped = len(frame) > limit
    frame = frame.iloc[:limit]
    frame.attrs["capped"] = capped
    return frame


def merchants(engine: Engine, categories: tuple[str, ...]) -> pd.DataFrame:
    """merchant_id, name, category, province_code, lat, lon, daily_capacity of the allowed categories."""
    m = Merchant.__table__
    stmt = (
        select(
            m.c.id.label("merchant_id"), m.c.name, m.c.category, m.c.province_code, m.c.lat, m.c.lon, m.c.daily_capacity
        )
        .where(m.c.category.in_(list(categories)))
        .order_by(m.c.id)
    )
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn)


def provinces(engine: Engine) -> pd.DataFrame:
    """code, name_vi, lat, lon of every province, by code."""
    p = Province.__table__
    with engine.connect() as conn:
        return pd.read_sql(select(p.c.code, p.c.name_vi, p.c.lat, p.c.lon).order_by(p.c.code), conn)


def funding_campaigns(engine: Engine, currency: str, limit: int = MAX_CAMPAIGNS) -> pd.DataFrame:
    """Campaigns in `currency` that could fund a scheme: id, title, status, account_number, category,
    province_code, start_on and available (received − disbursed, summed in SQL) — the best funded first,
    so campaigns with nothing left come last."""
    c, a, line = Campaign.__table__, Account.__table__, StatementLine.__table__
    signed = case((line.c.direction == "in", line.c.amount), else_=-line.c.amount)
    balances = (
        select(line.c.campaign_id, func.sum(signed).label("available"))
        .where(line.c.campaign_id.is_not(None), line.c.currency == currency)
        .group_by(line.c.campaign_id)
        .subquery()
    )
    available = func.coalesce(balances.c.available, 0)
    stmt = (
        select(
            c.c.id,
            c.c.title,
            c.c.status,
            a.c.number.label("account_number"),
            c.c.category,
            c.c.province_code,
            c.c.start_on,
            available.label("available"),
        )
        .join(a, a.c.id == c.c.account_id)
        .outerjoin(balances, balances.c.campaign_id == c.c.id)
        .where(c.c.currency == currency)
        .order_by(available.desc(), c.c.start_on.desc(), c.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    frame["available"] = frame["available"].astype("int64")
    return frame


def campaign_balance(engine: Engine, campaign_id: int) -> dict[str, object] | None:
    """received − disbursed for one campaign, summed in SQL over its statement lines in its currency."""
    c, a, line = Campaign.__table__, Account.__table__, StatementLine.__table__
    inflow = func.coalesce(func.sum(case((line.c.direction == "in", line.c.amount), else_=0)), 0)
    outflow = func.coalesce(func.sum(case((line.c.direction == "out", line.c.amount), else_=0)), 0)
    own_lines = (line.c.campaign_id == campaign_id, line.c.currency == c.c.currency)
    stmt = (
        select(
            c.c.id,
            c.c.title,
            c.c.currency,
            a.c.number.label("account_number"),
            select(inflow).where(*own_lines).scalar_subquery().label("received"),
            select(outflow).where(*own_lines).scalar_subquery().label("disbursed"),
        )
        .join(a, a.c.id == c.c.account_id)
        .where(c.c.id == campaign_id)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["received"], out["disbursed"] = int(out["received"] or 0), int(out["disbursed"] or 0)
    out["available"] = out["received"] - out["disbursed"]
    return out
