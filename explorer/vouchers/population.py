"""Who the engine simulates: beneficiaries and merchants as two frames, from the database or synthetic.

The engine needs only these columns — never a name, phone or address:
  beneficiaries: person_id (int, same person = same id), org_id, group, province_code, household_size,
                 lat, lon, optional referred (bool)
  merchants:     merchant_id, category, province_code, lat, lon, daily_capacity (transactions a day)
The synthetic generator is seeded and gives *exact* group counts, so a preset's documented totals
can be reproduced whatever the seeded database holds.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from explorer.db.schema import MERCHANT_CATEGORIES

BENEFICIARY_COLUMNS = ("person_id", "org_id", "group", "province_code", "household_size", "lat", "lon")
MERCHANT_COLUMNS = ("merchant_id", "category", "province_code", "lat", "lon", "daily_capacity")
HOUSEHOLD_GROUPS = ("low_income_household", "disaster_affected", "newborn_family")


@dataclass(frozen=True)
class Population:
    beneficiaries: pd.DataFrame
    merchants: pd.DataFrame

    def __post_init__(self) -> None:
        for name, frame, columns in (
            ("beneficiaries", self.beneficiaries, BENEFICIARY_COLUMNS),
            ("merchants", self.merchants, MERCHANT_COLUMNS),
        ):
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ValueError(f"{name} frame lacks columns {missing}")


def reference_provinces() -> pd.DataFrame:
    """The 63 provinces' first plate code and centroid, from the seed's reference table."""
    with resources.files("seed").joinpath("provinces.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return pd.DataFrame(
        {
            "code": [int(r["plate_codes"].split()[0]) for r in rows],
            "lat": [float(r["lat"]) for r in rows],
            "lon": [float(r["lon"]) for r in rows],
        }
    )


def synthetic_population(
    group_counts: Mapping[str, int],
    *,
    provinces: Sequence[int] = (),
    categories: Sequence[str] = MERCHANT_CATEGORIES,
    recipients_per_merchant: int = 2000,
    duplicate_share: float = 0.0,
    seed: int = 0,
    province_table: pd.DataFrame | None = None,
) -> Population:
    """Exactly `group_counts[g]` beneficiaries of each group, spread over `provinces` (all if empty).

    ~`recipients_per_merchant` beneficiaries per shop (Lebanon: 1,700–2,200), at least one shop of each
    category in every province used. `duplicate_share` adds that share of extra registrations of the same
    people by another organization (for the duplicate check).
    """
    rng = np.random.default_rng(seed)
    table = reference_provinces() if province_table is None else province_table
    if provinces:
        table = table[table.code.isin(list(provinces))]
    table = table.reset_index(drop=True)
    groups = np.concatenate(
        [np.full(int(n), g, dtype=object) for g, n in group_counts.items()] or [np.array([], dtype=object)]
    )
    n = len(groups)
    p_idx = rng.integers(0, len(table), n)
    household = np.where(np.isin(groups, HOUSEHOLD_GROUPS), rng.integers(2, 8, n), rng.integers(1, 4, n))
    people = pd.DataFrame(
        {
            "person_id": np.arange(n, dtype=np.int64),
            "org_id": rng.integers(1, 64, n),
            "group": groups.astype(str),
            "province_code": table.code.to_numpy()[p_idx],
            "household_size": household,
            "lat": table.lat.to_numpy()[p_idx] + rng.normal(0, 0.25, n),
            "lon": table.lon.to_numpy()[p_idx] + rng.normal(0, 0.25, n),
        }
    )
    if duplicate_share > 0 and n:
        extra = people.sample(frac=duplicate_share, random_state=int(rng.integers(2**31))).copy()
        extra["org_id"] = extra.org_id + 100  # a different organization registered the same person
        people = pd.concat([people, extra], ignore_index=True)
    return Population(
        people, _merchants(rng, table, np.bincount(p_idx, minlength=len(table)), categories, recipients_per_merchant)
    )


def _merchants(
    rng: np.random.Generator,
    table: pd.DataFrame,
    per_province: np.ndarray,
    categories: Sequence[str],
    recipients_per_merchant: int,
) -> pd.DataFrame:
    cats = list(categories)
    shops = np.maximum(len(cats), np.rint(per_province / max(recipients_per_merchant, 1)).astype(int))
    p_idx = np.repeat(np.arange(len(table)), shops)
    # Every province gets one shop of each category first, the rest of its shops at random categories.
    first = np.concatenate([np.arange(s) < len(cats) for s in shops]) if len(shops) else np.array([], bool)
    within = np.concatenate([np.arange(s) for s in shops]) if len(shops) else np.array([], int)
    cat_idx = np.where(first, within % len(cats), rng.integers(0, len(cats), len(p_idx)))
    return pd.DataFrame(
        {
            "merchant_id": np.arange(1, len(p_idx) + 1, dtype=np.int64),
            "category": np.array(cats, dtype=object)[cat_idx].astype(str),
            "province_code": table.code.to_numpy()[p_idx],
            "lat": table.lat.to_numpy()[p_idx] + rng.normal(0, 0.3, len(p_idx)),
            "lon": table.lon.to_numpy()[p_idx] + rng.normal(0, 0.3, len(p_idx)),
            "daily_capacity": rng.integers(40, 400, len(p_idx)),
        }
    )
