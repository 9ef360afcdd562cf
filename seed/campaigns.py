"""Campaigns and their donations.

Each campaign is given how much it raises; donations are drawn from the calibrated amount mix until
that sum is reached, so totals are controlled while individual lines stay realistic.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from explorer import provinces
from explorer.text import fold
from seed import patterns
from seed.scales import Scale

CATEGORY_BY_KIND = {
    "red_cross_chapter": ["disaster_relief", "elderly", "children", "housing", "medical"],
    "fatherland_front": ["disaster_relief"],
    "foundation": ["children", "education", "medical", "housing", "community"],
    "individual": ["medical", "community", "children", "disaster_relief"],
    "hospital": ["medical"],
    "school": ["education"],
    "media": ["medical", "housing", "disaster_relief"],
    "religious": ["community", "elderly", "disaster_relief"],
    "company": ["education", "community"],
}
TITLES = {
    "disaster_relief": "Cứu trợ đồng bào {p} bị ảnh hưởng bão lũ",
    "medical": "Chung tay chữa bệnh cho bệnh nhân nghèo {p}",
    "education": "Tiếp sức đến trường – học bổng {p}",
    "housing": "Xây nhà tình nghĩa tại {p}",
    "children": "Áo ấm cho em vùng cao {p}",
    "elderly": "Phụng dưỡng người cao tuổi cô đơn {p}",
    "community": "Bếp ăn từ thiện {p}",
}


def disasters(scale: Scale) -> list[dt.date]:
    """Storm landfalls and floods inside the seed's window: relief campaigns cluster right after them
    (Yagi 2024-09-07; Bualoi 2025-09-28 and the November 2025 floods in the south-central provinces)."""
    known = [
        dt.date(2024, 9, 7),
        dt.date(2022, 10, 14),
        dt.date(2023, 10, 2),
        dt.date(2021, 10, 15),
        dt.date(2025, 9, 28),
        dt.date(2025, 11, 19),
    ]
    return [d for d in known if scale.start <= d <= scale.end - dt.timedelta(days=30)] or [
        scale.start + (scale.end - scale.start) / 2
    ]


def plan(
    rng: np.random.Generator, scale: Scale, orgs: pd.DataFrame, accounts: pd.DataFrame, prov: pd.DataFrame
) -> pd.DataFrame:
    """Campaign rows (without workflow report dates, which depend on the money) and how much each raises."""
    n = scale.campaigns
    vnd_acc = accounts[accounts.currency == "VND"].set_index("org_id")
    kind_weight = orgs.kind.map({"red_cross_chapter": 5.0, "fatherland_front": 3.0}).fillna(1.0).to_numpy()
    org_idx = rng.choice(len(orgs), n, p=kind_weight / kind_weight.sum())
    storm_days = disasters(scale)
    rows = []
    window = (scale.end - scale.start).days
    for oi in org_idx:
        org = orgs.iloc[oi]
        category = rng.choice(CATEGORY_BY_KIND[org.kind])
        if category == "disaster_relief":
            start = storm_days[rng.integers(0, len(storm_days))] + dt.timedelta(days=int(rng.integers(0, 6)))
        else:
            start = scale.start + dt.timedelta(days=int(rng.integers(0, max(window - 20, 1))))
        planned = rng.random() < 0.04
        if planned:
            start = scale.end + dt.timedelta(days=int(rng.integers(5, 60)))
        duration = int(rng.integers(20, 40) if category == "disaster_relief" else rng.integers(30, 150))
        end = start + dt.timedelta(days=duration)
        pcode = (
            int(org.province_code)
            if org.kind != "fatherland_front" or rng.random() < 0.3
            else int(prov.code.iloc[rng.integers(0, len(prov))])
        )
        pcode = provinces.province_of_day(pcode, start)  # from 1 July 2025: the province of today
        pname = provinces.today_name(pcode) if start >= provinces.MERGED_ON else prov.set_index("code").name_vi[pcode]
        status = "planned" if planned else ("active" if end >= scale.end else "closed")
        rows.append(
            {
                "org_id": int(org.id),
                "account_id": int(vnd_acc.loc[org.id, "id"]),
                "category": category,
                "province_code": pcode,
                "title": TITLES[category].format(p=pname) + f" ({start.year})",
                "start_on": start,
                "end_on": end,
                "status": status,
                "currency": "VND",
                "profile": "micro" if category == "community" and rng.random() < scale.micro_share else "relief",
            }
        )
    camp = pd.DataFrame(rows)
    # Heavy-tailed shares of the money: a few campaigns raise most of it, as on real platforms.
    share = rng.lognormal(0, 1.3, n) * np.where(camp.category == "disaster_relief", 4.0, 1.0)
    share[camp.status.eq("planned").to_numpy()] = 0
    camp["to_raise"] = (share / share.sum() * scale.raised_vnd).astype(np.int64)
    progress = rng.uniform(0.45, 1.5, n)
    camp["target"] = np.maximum((camp["to_raise"] / progress // 10_000_000 + 1) * 10_000_000, 50_000_000).astype(
        np.int64
    )
    camp["pledged"] = (camp["target"] * rng.uniform(0, 0.15, n) // 1_000_000 * 1_000_000).astype(np.int64)
    camp.insert(0, "id", np.arange(1, n + 1))
    camp["title_folded"] = camp.title.map(fold)
    return camp


def donations(
    rng: np.random.Generator,
    camp: pd.Series,
    end: dt.date,
    peak_day: int | None = None,
    days: int | None = None,
    max_gift: int | None = None,
) -> pd.DataFrame:
    """Amounts and times of one campaign's incoming transfers, summing to at least camp.raise."""
    target = int(camp["to_raise"])
    if target <= 0:
        return pd.DataFrame({"amount": np.array([], np.int64), "posted_at": np.array([], "datetime64[s]")})
    draw = patterns.micro_amounts if camp.profile == "micro" else patterns.relief_amounts
    est = 30_000 if camp.profile == "micro" else 330_000
    amounts = draw(rng, int(target / est * 1.3) + 20)
    # A gift bigger than a third of what the campaign raises would dwarf it: draw an ordinary one instead.
    too_big = amounts > (max_gift or max(target // 3, 2_000_000))
    amounts[too_big] = rng.choice(patterns.FAVOURITES[:9], int(too_big.sum()))
    while amounts.sum() < target:
        amounts = np.concatenate([amounts, draw(rng, len(amounts) // 2 + 20)])
    amounts = amounts[: int(np.searchsorted(np.cumsum(amounts), target)) + 1]
    live_days = days or max(min((camp.end_on - camp.start_on).days, (end - camp.start_on).days + 1), 1)
    peak = (
        peak_day
        if peak_day is not None
        else (int(rng.integers(1, 5)) if camp.category == "disaster_relief" else int(rng.integers(0, 3)))
    )
    when = patterns.timestamps(rng, np.datetime64(camp.start_on), live_days, min(peak, live_days - 1), len(amounts))
    return pd.DataFrame({"amount": rng.permutation(amounts), "posted_at": when})
