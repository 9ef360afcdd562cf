"""Same seed, same figures: the engine's results on four small fixed cases, exactly as the engine gave them
before it was made faster (tests/fixtures/vouchers_same_seed.json, written by `python -m
tests.test_vouchers_same_seed` at commit a6cc296, before the speed work). Any change to what a seed produces
— a draw taken in another order, a count or sum of money off by one unit — fails here.

One column is compared to 1e-12 instead of exactly: each group's and province's share of the programme cost.
It used to be a sum of a million per-person fractions (pandas adds them with Kahan compensation); it is now
computed from the group's exact integer totals, which moves it by one or two units in the 16th digit."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.vouchers.engine import simulate
from explorer.vouchers.population import synthetic_population
from explorer.vouchers.presets import BABY, NEW_YEAR, STORM_RELIEF, synthetic_for

FIXTURE = Path(__file__).parent / "fixtures" / "vouchers_same_seed.json"
CASES = ("new_year", "baby", "storm", "capped")


def case(name: str):
    """(scheme, population): the presets on small synthetic populations, and one scheme with every rule
    that takes a separate path in the engine (merchant cap, category limit, interval tranches, lapse)."""
    if name == "new_year":
        counts = {"child": 300, "low_income_household": 500}
        cats = NEW_YEAR.merchants.categories
        return NEW_YEAR, synthetic_population(
            counts, categories=cats, recipients_per_merchant=40, duplicate_share=0.05, seed=3
        )
    if name == "baby":
        return BABY, synthetic_population(
            {"newborn_family": 600}, categories=BABY.merchants.categories, recipients_per_merchant=30, seed=4
        )
    if name == "storm":
        return STORM_RELIEF, synthetic_for(STORM_RELIEF, STORM_RELIEF.name, 5)
    capped = dataclasses.replace(
        NEW_YEAR,
        merchants=dataclasses.replace(
            NEW_YEAR.merchants, cap_per_merchant=3_000_00, category_limits={"groceries": 300_00}
        ),
        tranches=dataclasses.replace(NEW_YEAR.tranches, count=3, schedule="interval", interval_days=10),
        expiry=dataclasses.replace(NEW_YEAR.expiry, unspent="lapse"),
    )
    counts = {"child": 400, "low_income_household": 400}
    return capped, synthetic_population(
        counts, categories=NEW_YEAR.merchants.categories, recipients_per_merchant=50, seed=6
    )


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(_plain(value), sort_keys=True).encode()).hexdigest()


def figures(name: str) -> dict:
    """Three runs, seed 11: every scalar of every run and the daily curve as numbers; the larger tables
    (per group, per province, per shop, the first run's settlements) as a digest of their exact values."""
    scheme, population = case(name)
    runs = simulate(scheme, population, runs=3, seed=11).runs
    tables = [r.by_group for r in runs] + [r.by_province for r in runs]
    return {
        "scalars": [_plain(r.scalars) for r in runs],
        "daily_redeemed": [_plain(r.daily_redeemed) for r in runs],
        "cost": [_plain(t["cost"].tolist()) for t in tables],
        "tables": _digest(
            [
                [t.drop(columns="cost").reset_index().to_dict("list") for t in tables],
                [r.receipts for r in runs],
                [r.shop_transactions for r in runs],
                [r.refused for r in runs],
                runs[0].settlements.to_dict("list"),
            ]
        ),
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_same_seed_gives_the_same_figures_as_before(name: str, expected: dict) -> None:
    got = figures(name)
    want = expected[name]
    assert got["scalars"] == want["scalars"]
    assert got["daily_redeemed"] == want["daily_redeemed"]
    assert [len(c) for c in got["cost"]] == [len(c) for c in want["cost"]]
    for shown, recorded in zip(got["cost"], want["cost"], strict=True):
        assert shown == pytest.approx(recorded, rel=1e-12, abs=0)
    assert got["tables"] == want["tables"]


def test_the_fixture_holds_real_runs(expected: dict) -> None:
    # The capped case must exercise the cap and the category limit, or it proves nothing about them.
    capped = expected["capped"]["scalars"]
    assert all(run["cap_refused"] > 0 and run["category_limit_refused"] > 0 for run in capped)
    assert expected["new_year"]["scalars"][0]["duplicates_excluded"] > 0
    assert all(expected[n]["scalars"][0]["redeemed"] > 0 for n in CASES)


if __name__ == "__main__":  # regenerate: only when a change of results is intended and explained
    FIXTURE.write_text(json.dumps({n: figures(n) for n in CASES}, sort_keys=True) + "\n", encoding="utf-8")
    sys.exit(0)
