"""Beneficiaries (private) and merchants per province, for the voucher simulation.

A share of beneficiaries is registered by two organizations — the duplicates a scheme should find by
hashed national id. Names, phones and addresses exist only so privacy tests can prove they never leak.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from seed.people import NameBook

GROUP_SHARES = np.array([30, 18, 25, 7, 8, 12], dtype=float)  # child … disaster_affected
MERCHANT_SHARES = np.array([40, 12, 14, 20, 14], dtype=float)  # groceries … services
MERCHANT_PREFIX = {
    "groceries": "Tạp hóa",
    "mother_baby": "Cửa hàng Mẹ và Bé",
    "school_supplies": "Nhà sách",
    "pharmacy_clinic": "Nhà thuốc",
    "services": "Tiệm cắt tóc",
}
DUPLICATE_SHARE = 0.03


def beneficiaries(
    rng: np.random.Generator, names: NameBook, prov: pd.DataFrame, orgs: pd.DataFrame, per_province: int
) -> pd.DataFrame:
    n = per_province * len(prov)
    p_idx = np.repeat(np.arange(len(prov)), per_province)
    groups = np.array(BENEFICIARY_GROUPS)[rng.choice(len(BENEFICIARY_GROUPS), n, p=GROUP_SHARES / GROUP_SHARES.sum())]
    household = np.where(
        np.isin(groups, ["low_income_household", "disaster_affected", "newborn_family"]),
        rng.integers(2, 8, n),
        rng.integers(1, 4, n),
    )
    chapters = orgs[orgs.kind == "red_cross_chapter"].set_index("province_code").id
    others = orgs[~orgs.kind.isin(["red_cross_chapter", "fatherland_front"])].id.to_numpy()
    codes = prov.code.to_numpy()[p_idx]
    national_ids = rng.integers(10**11, 10**12 - 1, n)
    frame = pd.DataFrame(
        {
            "org_id": chapters.loc[codes].to_numpy(),
            "group": groups,
            "province_code": codes,
            "district": [f"Huyện {d}" for d in rng.integers(1, 12, n)],
            "household_size": household,
            "lat": prov.lat.to_numpy()[p_idx] + rng.normal(0, 0.25, n),
            "lon": prov.lon.to_numpy()[p_idx] + rng.normal(0, 0.25, n),
            "national_id_hash": [hashlib.sha256(str(i).encode()).hexdigest() for i in national_ids],
            "full_name": names.names(rng, n),
            "phone": [f"09{p:08d}" for p in rng.integers(0, 10**8, n)],
            "address": [
                f"Số {h} đường {s}, xã {x}"
                for h, s, x in zip(rng.integers(1, 300, n), rng.integers(1, 40, n), rng.integers(1, 25, n), strict=True)
            ],
        }
    )
    dup = frame.sample(frac=DUPLICATE_SHARE, random_state=int(rng.integers(0, 2**31))).copy()
    dup["org_id"] = rng.choice(others, len(dup)) if len(others) else dup.org_id
    frame = pd.concat([frame, dup], ignore_index=True)
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    return frame


def merchants(rng: np.random.Generator, names: NameBook, prov: pd.DataFrame, per_province: int) -> pd.DataFrame:
    n = per_province * len(prov)
    p_idx = np.repeat(np.arange(len(prov)), per_province)
    cats = np.array(MERCHANT_CATEGORIES)[
        rng.choice(len(MERCHANT_CATEGORIES), n, p=MERCHANT_SHARES / MERCHANT_SHARES.sum())
    ]
    owners = names.names(rng, n)
    frame = pd.DataFrame(
        {
            "name": [
                f"{MERCHANT_PREFIX[c]} {o.split()[-1]}" for c, o in zip(cats.tolist(), owners.tolist(), strict=True)
            ],
            "category": cats,
            "province_code": prov.code.to_numpy()[p_idx],
            "lat": prov.lat.to_numpy()[p_idx] + rng.normal(0, 0.3, n),
            "lon": prov.lon.to_numpy()[p_idx] + rng.normal(0, 0.3, n),
            "daily_capacity": rng.integers(20, 300, n),
        }
    )
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    return frame
