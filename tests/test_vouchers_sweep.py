"""Sensitivity sweep: one parameter over a range, K runs a point, means with 5–95 % bands, exact where it can be."""

from __future__ import annotations

import dataclasses

from test_vouchers_merchants import SURE, two_towns

from explorer.vouchers.presets import NEW_YEAR, STORM_RELIEF, preset_population
from explorer.vouchers.sweep import PARAMETERS, apply, default_values, sweep, thin_merchants


def test_a_cap_sweep_redeems_exactly_what_the_capped_shops_take():
    result = sweep(SURE, two_towns(), "cap", [1_000_000, 2_500_000, 5_000_000], runs=3, seed=2)
    rate = result.table[result.table["metric"] == "redemption_rate"].set_index("value")
    # Shop 1 has 30 × 100,000 đ to take in, shop 2 10 × 100,000 đ: a cap of 1 M lets 2 M of 4 M through.
    assert rate["mean"].to_dict() == {1_000_000: 0.5, 2_500_000: 0.875, 5_000_000: 1.0}
    assert (rate["p05"] == rate["mean"]).all() and (rate["p95"] == rate["mean"]).all()
    assert result.runs == 3 and not result.refused and result.seconds > 0


def test_claim_rate_sweep_moves_coverage_with_bands_around_each_point():
    population = preset_population("storm_relief_vn", 1)
    result = sweep(
        STORM_RELIEF, population, "claim_rate", [0.0, 0.5, 1.0], runs=5, seed=1, outcomes=("coverage", "claim_rate")
    )
    claim = result.table[result.table["metric"] == "claim_rate"].set_index("value")
    assert claim.loc[0.0, "mean"] == 0.0
    assert 0.40 < claim.loc[0.5, "mean"] < 0.50 < claim.loc[1.0, "mean"]
    assert (claim["p05"] <= claim["mean"]).all() and (claim["mean"] <= claim["p95"]).all()
    assert claim.loc[0.5, "p05"] < claim.loc[0.5, "p95"]  # five runs spread: a real band
    assert len(result.table) == 6


def test_thinning_merchants_keeps_nested_subsets_and_at_least_one_shop():
    population = preset_population("new_year_gift", 1)
    ids = {share: set(thin_merchants(population, share, seed=3).merchants["merchant_id"]) for share in (0.2, 0.5, 1.0)}
    assert ids[0.2] <= ids[0.5] <= ids[1.0] == set(population.merchants["merchant_id"])
    assert len(thin_merchants(population, 0.0, seed=3).merchants) == 1


def test_each_parameter_sets_its_field_and_invalid_points_are_named_not_run():
    population = two_towns()
    assert apply(SURE, population, "tranches", 3)[0].tranches.count == 3
    assert apply(SURE, population, "expiry_days", 20)[0].expiry == dataclasses.replace(
        SURE.expiry, mode="days_after_claim", days=20
    )
    assert apply(NEW_YEAR, population, "expiry_days", 30)[0].expiry.date.isoformat() == "2025-02-19"
    assert apply(SURE, population, "travel_km", 12)[0].access.max_travel_km == 12
    assert set(PARAMETERS) == {"tranches", "expiry_days", "claim_rate", "merchant_density", "travel_km", "cap"}
    # 100,000 đ in 201 tranches is more vouchers than a person may hold: the point is refused, the rest run.
    result = sweep(SURE, population, "tranches", [1, 201], runs=1)
    assert {v: e.code for v, e in result.refused.items()} == {201: "too_many_vouchers"}
    assert result.refused[201].field == "tranches.denomination"
    assert set(result.table["value"]) == {1}


def test_default_ranges_and_the_new_year_sweep_timing():
    assert default_values(NEW_YEAR, "claim_rate") == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert default_values(NEW_YEAR, "tranches") == [1, 2, 3, 4, 5, 6]
    result = sweep(NEW_YEAR, preset_population("new_year_gift", 1), "tranches", [1, 2, 3, 4, 5, 6], runs=10, seed=1)
    assert sorted(set(result.table["value"])) == [1, 2, 3, 4, 5, 6]
    assert result.seconds < 60  # measured 0.8 s on a shared 2-core box
