"""Money raised and disbursed per province, with the province's coordinates (seed/provinces.csv), for the map.

`unit` names the provinces-table column that says which unit a province counts in: "code" (the 63 provinces of
the data's day) today; a column naming the province of today (the 2025 merger into 34 units) can be added to
UNITS later without touching the query. Provinces merged into one unit sum; the unit's point is the mean of
theirs and its name the first of theirs (until the merger table brings the units' own names).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine

from explorer.queries.frames import ints
from explorer.queries.stats import PROVINCE_BASES, Scope, _in_range, _read, _scoped, donation_sums

UNITS = {"code": "p.code"}  # a fixed map: no column name ever comes from the URL


def money_by_province(
    engine: Engine,
    basis: str = "account",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    scope: Scope = None,
    unit: str = "code",
) -> pd.DataFrame:
    """unit, province, lat, lon, raised (incoming VND on `basis`, as Stats counts it), disbursed (VND reported
    paid out to recipients in that province), one row per unit with any money, most raised first."""
    key, owners = PROVINCE_BASES[basis]
    column = UNITS[unit]
    rollup, raised_where, params = donation_sums(date_from, date_to, scope)
    paid_where, paid_params = _in_range("d.disbursed_on", date_from, date_to)
    ids, campaign = scope if scope is not None else (None, None)
    paid_scope = _scoped("c", (ids, None), paid_params) + _scoped("d", (None, campaign), paid_params)
    params.update(paid_params)
    paid = " AND ".join(["c.currency = 'VND'", *paid_where, *paid_scope])
    with engine.connect() as conn:
        frame = _read(
            conn,
            f"""
            WITH sums AS (
                SELECT t.{key} AS owner, SUM(t.amount) AS amount
                FROM {rollup} t WHERE {raised_where} GROUP BY t.{key}),
            raised AS (
                SELECT o.province_code AS code, SUM(sums.amount) AS amount
                FROM sums JOIN {owners} o ON o.id = sums.owner GROUP BY o.province_code),
            paid AS (
                SELECT d.province_code AS code, SUM(d.amount) AS amount
                FROM disbursements d JOIN campaigns c ON c.id = d.campaign_id WHERE {paid}
                GROUP BY d.province_code)
            SELECT {column} AS unit, MIN(p.name_vi) AS province, AVG(p.lat) AS lat, AVG(p.lon) AS lon,
                   COALESCE(SUM(raised.amount), 0) AS raised, COALESCE(SUM(paid.amount), 0) AS disbursed
            FROM provinces p LEFT JOIN raised ON raised.code = p.code LEFT JOIN paid ON paid.code = p.code
            GROUP BY {column}
            HAVING COALESCE(SUM(raised.amount), 0) + COALESCE(SUM(paid.amount), 0) > 0
            ORDER BY raised DESC, disbursed DESC, unit""",
            params,
        )
    frame = ints(frame, "unit", "raised", "disbursed")
    return frame.astype({"lat": float, "lon": float})
