"""The shop queues are served chunk by chunk of the flat voucher order (engine.SERVE_CHUNK): a voucher's
place in its shop's queue must not depend on where the chunks fall. The recorded same-seed cases are small
enough to fit in one chunk, so here the chunk is cut down to a few vouchers and the outcome compared."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from explorer.vouchers import engine
from explorer.vouchers.population import reference_provinces, synthetic_population
from explorer.vouchers.prepare import prepare
from explorer.vouchers.presets import NEW_YEAR

CAPPED = dataclasses.replace(
    NEW_YEAR,
    merchants=dataclasses.replace(NEW_YEAR.merchants, cap_per_merchant=2_000_00, category_limits={"groceries": 300_00}),
)


def _outcome(scheme, chunk: int, monkeypatch) -> tuple[np.ndarray, engine.RunOutcome]:
    population = synthetic_population(
        {"child": 1_500, "low_income_household": 1_500},
        categories=scheme.merchants.categories,
        provinces=(int(reference_provinces().code[0]),),  # one province, one shop of each category …
        recipients_per_merchant=3_000,
        seed=8,
    )
    # … serving 60 vouchers a day each, for 3,000 people holding ~23,000 vouchers: long queues
    population = dataclasses.replace(population, merchants=population.merchants.assign(daily_capacity=60))
    monkeypatch.setattr(engine, "SERVE_CHUNK", chunk)
    prepared = prepare(scheme, population, seed=3)
    return prepared.capacity, engine.run_once(prepared, np.random.default_rng([3, 1]))


@pytest.mark.parametrize("scheme", [NEW_YEAR, CAPPED], ids=["new_year", "cap_and_limit"])
@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_the_queue_does_not_depend_on_the_chunks(scheme, chunk, monkeypatch):
    _, whole = _outcome(scheme, 1 << 30, monkeypatch)
    _, cut = _outcome(scheme, chunk, monkeypatch)
    for field in ("redeemed", "transactions", "first_day", "tx_shop", "tx_day", "tx_value"):
        assert np.array_equal(getattr(cut, field), getattr(whole, field)), field
    assert (cut.cap_refused, cut.limit_refused) == (whole.cap_refused, whole.limit_refused)


def test_the_cases_have_full_shops_a_cap_and_a_limit(monkeypatch):
    """Otherwise the test above would compare vouchers that never waited in a queue."""
    capacity, out = _outcome(NEW_YEAR, 1 << 30, monkeypatch)
    horizon = NEW_YEAR.horizon_days
    per_shop_day = np.bincount(out.tx_shop * horizon + out.tx_day, minlength=len(capacity) * horizon)
    full = per_shop_day.reshape(-1, horizon) == capacity[:, None]
    assert full.sum() >= 20, "some shops must be full on some days"
    assert out.transactions.sum() > 10_000
    _, capped = _outcome(CAPPED, 1 << 30, monkeypatch)
    assert capped.cap_refused > 0 and capped.limit_refused > 0
