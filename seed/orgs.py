"""Provinces, organizations and their accounts.

Every province has a Red Cross chapter whose 4-digit charity account is its first licence-plate code
followed by 05 (Hà Nội 2905, Đà Nẵng 4305, TP Hồ Chí Minh 5005).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from explorer import banks
from explorer.text import fold
from seed.people import NameBook, companies

PROVINCES_CSV = Path(__file__).with_name("provinces.csv")

KIND_WEIGHTS = {
    "foundation": 22,
    "individual": 30,
    "hospital": 10,
    "school": 10,
    "media": 8,
    "religious": 8,
    "company": 12,
}
LONG_BANKS = list(banks.for_charity_accounts())  # order matters: the seed draws by index
FOUNDATION_WORDS = [
    "Vì Trẻ Em",
    "Ánh Sáng",
    "Nâng Bước",
    "Trái Tim Nhân Ái",
    "Hy Vọng",
    "Sẻ Chia",
    "Thiện Tâm",
    "Bông Sen",
    "Mái Ấm",
    "Cơm Có Thịt",
]


def provinces() -> pd.DataFrame:
    with open(PROVINCES_CSV, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return pd.DataFrame(
        {
            "code": [int(r["plate_codes"].split()[0]) for r in rows],
            "plate_codes": [r["plate_codes"] for r in rows],
            "name_vi": [r["province_vi"] for r in rows],
            "name_ascii": [r["province_ascii"] for r in rows],
            "region": [r["region"] for r in rows],
            "lat": [float(r["lat"]) for r in rows],
            "lon": [float(r["lon"]) for r in rows],
        }
    )


def organizations(rng: np.random.Generator, names: NameBook, prov: pd.DataFrame, extra: int) -> pd.DataFrame:
    rows = [
        {"name": f"Hội Chữ thập đỏ {p.name_vi}", "kind": "red_cross_chapter", "province_code": p.code, "verified": True}
        for p in prov.itertuples()
    ]
    rows.append(
        {
            "name": "Ủy ban Trung ương MTTQ Việt Nam - Ban Cứu trợ",
            "kind": "fatherland_front",
            "province_code": 29,
            "verified": True,
        }
    )
    for code in rng.choice(prov.code.to_numpy(), 3, replace=False):
        name_vi = prov.set_index("code").name_vi[int(code)]
        rows.append(
            {
                "name": f"Ủy ban MTTQ {name_vi} - Ban Vận động Cứu trợ",
                "kind": "fatherland_front",
                "province_code": int(code),
                "verified": True,
            }
        )
    kinds = list(KIND_WEIGHTS)
    weights = np.array(list(KIND_WEIGHTS.values()), dtype=float)
    picks = rng.choice(len(kinds), extra, p=weights / weights.sum())
    people = names.names(rng, extra)
    firms = companies(rng, extra)
    for i, k in enumerate(picks):
        kind = kinds[k]
        p = prov.iloc[rng.integers(0, len(prov))]
        name = {
            "foundation": f"Quỹ Từ thiện {FOUNDATION_WORDS[i % len(FOUNDATION_WORDS)]} {p.name_vi}",
            "individual": str(people[i]),
            "hospital": f"Bệnh viện Đa khoa {p.name_vi}",
            "school": f"Trường THPT {people[i].split()[-1]} {p.name_vi}",
            "media": f"Báo {p.name_vi} - Quỹ Tấm lòng vàng",
            "religious": f"Chùa {people[i].split()[-1]} {p.name_vi}",
            "company": firms[i].title(),
        }[kind]
        rows.append({"name": name, "kind": kind, "province_code": int(p.code), "verified": bool(rng.random() < 0.75)})
    orgs = pd.DataFrame(rows)
    orgs.insert(0, "id", np.arange(1, len(orgs) + 1))
    orgs["name_folded"] = orgs.name.map(fold)
    return orgs


def accounts(rng: np.random.Generator, orgs: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """One account per organization; plus foreign-currency accounts for the Fatherland Front and a foundation."""
    used_short = {f"{c}05" for c in orgs.loc[orgs.kind == "red_cross_chapter", "province_code"]}
    free_short = [f"{n:04d}" for n in range(1000, 10000) if f"{n:04d}" not in used_short and n % 100 != 5]
    short_pick = iter(rng.permutation(free_short).tolist())
    rows = []
    for org in orgs.itertuples():
        if org.kind == "red_cross_chapter":
            number, bank = f"{org.province_code}05", "MB"
        elif org.kind == "fatherland_front" or rng.random() < 0.35:
            bank = LONG_BANKS[rng.integers(0, len(LONG_BANKS))] if org.kind != "fatherland_front" else "VCB"
            number = str(rng.integers(10**12, 10**13 - 1))
        else:
            number, bank = next(short_pick), "MB"  # 4-digit charity accounts of the Thiện nguyện kind
        opened = start - dt.timedelta(days=int(rng.integers(30, 900)))
        rows.append(
            {
                "number": number,
                "bank": bank,
                "holder_name": fold(org.name).upper(),
                "org_id": org.id,
                "province_code": org.province_code,
                "opened_on": opened,
                "currency": "VND",
            }
        )
    for org in orgs[orgs.kind.isin(["fatherland_front", "foundation"])].head(3).itertuples():
        rows.append(
            {
                "number": str(rng.integers(10**12, 10**13 - 1)),
                "bank": "VCB",
                "holder_name": fold(org.name).upper() + " (USD)",
                "org_id": org.id,
                "province_code": org.province_code,
                "opened_on": start - dt.timedelta(days=400),
                "currency": "USD",
            }
        )
    acc = pd.DataFrame(rows)
    acc.insert(0, "id", np.arange(1, len(acc) + 1))
    acc["holder_folded"] = acc.holder_name.map(fold)
    acc["closed_on"] = None
    acc["simulated"] = True
    return acc
