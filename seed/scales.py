"""How big each seed is. Figures for `national` reproduce the Thiện nguyện app's public numbers
(≈1,900 campaigns, ≈211 bn VND raised, ≈900 k distinct donors, 09/2021–05/2023)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    campaigns: int
    raised_vnd: int  # total incoming to campaigns, before the planted shapes
    distinct_donors: int  # aimed-at number of distinct donors over all campaigns
    beneficiaries_per_province: int
    merchants_per_province: int
    extra_orgs: int  # organizations beyond the 63 Red Cross chapters and the Fatherland Front
    start: dt.date
    end: dt.date  # the seed's "today": statuses and overdue reports are judged on it
    shapes: bool = False  # plant the national campaign shapes (1.61 bn / 1,341 donors …)
    micro_share: float = 0.6  # of community campaigns, the share that are micro-gift campaigns


SCALES = {
    "tiny": Scale(
        "tiny",
        campaigns=24,
        raised_vnd=1_200_000_000,
        distinct_donors=3_000,
        beneficiaries_per_province=30,
        merchants_per_province=4,
        extra_orgs=16,
        start=dt.date(2024, 6, 1),
        end=dt.date(2024, 12, 31),
    ),
    "demo": Scale(
        "demo",
        campaigns=300,
        raised_vnd=110_000_000_000,
        distinct_donors=180_000,
        beneficiaries_per_province=800,
        merchants_per_province=30,
        extra_orgs=120,
        micro_share=0.25,  # fewer micro-gift campaigns: the demo's amount mix nearer the real statements'
        # Two years across the 1 July 2025 merger, so both maps of provinces appear (see explorer/provinces.py).
        start=dt.date(2024, 4, 1),
        end=dt.date(2026, 3, 31),
    ),
    "national": Scale(
        "national",
        campaigns=1_900,
        raised_vnd=185_000_000_000,
        distinct_donors=800_000,
        beneficiaries_per_province=3_000,
        merchants_per_province=80,
        extra_orgs=600,
        start=dt.date(2021, 9, 1),
        end=dt.date(2023, 5, 31),
        shapes=True,
    ),
    # One year of a national platform; `stress` replays it over STRESS_YEARS years (≈10 M lines).
    "stress_year": Scale(
        "stress_year",
        campaigns=1_900,
        raised_vnd=480_000_000_000,
        distinct_donors=1_200_000,
        beneficiaries_per_province=3_000,
        merchants_per_province=80,
        extra_orgs=600,
        start=dt.date(2019, 1, 1),
        end=dt.date(2019, 12, 30),
    ),
}

STRESS_YEARS = 6

# The national figures the seed must land within 5 % of (tests/test_seed_national.py).
NATIONAL_FIGURES = {"campaigns": 1_900, "raised_vnd": 211_000_000_000, "distinct_donors": 900_000}
