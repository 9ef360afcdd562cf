"""Ready-made schemes (DESIGN §1, §6), each with the eligible counts it is documented for.

`DOCUMENTED` holds, per preset, how many beneficiaries of each group it was designed for; a synthetic
population of exactly that size (`preset_population`) reproduces the documented totals whatever the
seeded database holds: New-Year gift 5,000 × 200 + 8,550 × 500 = 5,275,000 CNY; baby vouchers
2,500 × 4 × 50 = 500,000 CNY; storm relief 4,000 households × 2,000,000 đ = 8,000,000,000 đ.
Behaviour defaults follow the reference figures: > 90 % redemption (Bamba Chakula), 86–88 % of value
spent within a month (Vanuatu), face verification with staff-assisted claiming as the fallback, and
set-up plus onboarding costs that put the cost per 1 delivered near the low end of IRC's 0.14–1.32.
"""

from __future__ import annotations

import datetime as dt

from explorer.vouchers.population import Population, synthetic_population
from explorer.vouchers.scheme import (
    Access,
    Behaviour,
    Costs,
    Eligibility,
    Expiry,
    GroupBehaviour,
    MerchantRules,
    Scheme,
    Target,
    Tranches,
    Verification,
)

YAGI_PROVINCE = 21  # Yên Bái: among the provinces worst hit by Typhoon Yagi (September 2024)

NEW_YEAR = Scheme(
    name="new_year_gift",
    currency="CNY",
    start_date=dt.date(2025, 1, 20),
    horizon_days=90,
    targets=(Target("child", 200_00), Target("low_income_household", 500_00)),
    tranches=Tranches(count=1, denomination=50_00),
    expiry=Expiry(mode="fixed_date", date=dt.date(2025, 4, 20)),
    merchants=MerchantRules(categories=("groceries", "school_supplies", "pharmacy_clinic")),
    verification=Verification(face_success=0.93, assisted_share=0.6, assisted_success=0.9),
    behaviour=Behaviour(
        claim_probability=0.97,
        claim_delay_days=5,
        first_spend_days=3,
        days_between_spends=5,
        never_spend_share=0.04,
        by_group={
            "child": GroupBehaviour(categories={"school_supplies": 2.0}),
            "low_income_household": GroupBehaviour(categories={"groceries": 2.0}),
        },
    ),
    access=Access(max_travel_km=50, travel_cost_per_km=50),
    costs=Costs(setup=400_000_00, onboarding_per_beneficiary=20_00, fee_per_transaction=0, settlement_cost=1_00),
)

BABY = Scheme(
    name="baby_vouchers",
    currency="CNY",
    start_date=dt.date(2025, 3, 1),
    horizon_days=180,
    targets=(Target("newborn_family", 200_00),),
    tranches=Tranches(count=4, denomination=50_00, schedule="after_previous"),
    expiry=Expiry(mode="days_after_claim", days=150),
    merchants=MerchantRules(categories=("mother_baby",)),
    verification=Verification(face_success=0.95, assisted_share=0.5, assisted_success=0.9),
    behaviour=Behaviour(
        claim_probability=0.95, claim_delay_days=7, first_spend_days=5, days_between_spends=20, never_spend_share=0.05
    ),
    access=Access(max_travel_km=60, travel_cost_per_km=50),
    costs=Costs(setup=50_000_00, onboarding_per_beneficiary=20_00, settlement_cost=1_00, settlement="weekly"),
)

STORM_RELIEF = Scheme(
    name="storm_relief_vn",
    currency="VND",
    start_date=dt.date(2024, 9, 20),
    horizon_days=60,
    targets=(Target("disaster_affected", 2_000_000),),
    eligibility=Eligibility(provinces=(YAGI_PROVINCE,)),
    tranches=Tranches(count=2, denomination=200_000, schedule="interval", interval_days=14),
    expiry=Expiry(mode="days_after_claim", days=45),
    merchants=MerchantRules(categories=("groceries", "pharmacy_clinic", "services")),
    verification=Verification(face_success=0.9, assisted_share=0.7, assisted_success=0.9),
    behaviour=Behaviour(
        claim_probability=0.95,
        claim_delay_days=3,
        first_spend_days=2,
        days_between_spends=4,
        never_spend_share=0.05,
        shop_distance_decay_km=3,
    ),
    access=Access(max_travel_km=30, travel_cost_per_km=3_000),
    costs=Costs(
        setup=500_000_000, onboarding_per_beneficiary=100_000, fee_per_transaction=1_000, settlement_cost=5_000
    ),
)

PRESETS: dict[str, Scheme] = {s.name: s for s in (NEW_YEAR, BABY, STORM_RELIEF)}
DEFAULT_PRESET = NEW_YEAR.name

# Eligible beneficiaries each preset is documented for, per group.
DOCUMENTED: dict[str, dict[str, int]] = {
    NEW_YEAR.name: {"child": 5_000, "low_income_household": 8_550},
    BABY.name: {"newborn_family": 2_500},
    STORM_RELIEF.name: {"disaster_affected": 4_000},
}


def documented_issue(name: str) -> int:
    """What the preset issues, in minor units, when exactly its documented beneficiaries are eligible."""
    scheme = PRESETS[name]
    amounts = {t.group: t.amount for t in scheme.targets}
    return sum(count * amounts[group] for group, count in DOCUMENTED[name].items())


def preset_population(name: str, seed: int = 0) -> Population:
    """A seeded synthetic population with exactly the preset's documented eligible beneficiaries."""
    return synthetic_for(PRESETS[name], name, seed)


SYNTHETIC_GROUP_SIZE = 2_000  # a targeted group no preset documents gets this many synthetic people


def synthetic_for(scheme: Scheme, preset: str, seed: int = 0) -> Population:
    """A synthetic population for an edited scheme: the preset's documented counts for the groups it
    documents, SYNTHETIC_GROUP_SIZE for any other targeted group, in the scheme's provinces."""
    documented = DOCUMENTED.get(preset, {})
    counts = {t.group: documented.get(t.group, SYNTHETIC_GROUP_SIZE) for t in scheme.targets}
    return synthetic_population(
        counts,
        provinces=scheme.eligibility.provinces,
        categories=scheme.merchants.categories,
        seed=seed,
        recipients_per_merchant=60 if scheme.eligibility.provinces else 2000,
    )
