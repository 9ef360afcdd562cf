"""Benchmark operations for the voucher Monte Carlo (New-Year gift on synthetic 100 k / 1 M beneficiaries).

The population is built untimed in the factory; each timed run is one whole `simulate` call (preparation
included), with one run or K = 20 runs. Run them alone:
`python -m explorer bench --only voucher_sim_100k voucher_sim_1m voucher_sim_1m_k20`.
"""

from __future__ import annotations

from explorer.bench import register
from explorer.vouchers.engine import simulate
from explorer.vouchers.population import synthetic_population
from explorer.vouchers.presets import NEW_YEAR

K = 20
CHILD_SHARE = 5_000 / 13_550  # the preset's documented mix of children and households


def _simulation(n: int, runs: int):
    def factory(_engine):
        children = round(n * CHILD_SHARE)
        population = synthetic_population(
            {"child": children, "low_income_household": n - children}, categories=NEW_YEAR.merchants.categories, seed=1
        )
        return lambda: len(simulate(NEW_YEAR, population, runs=runs, seed=1).prepared.v_amount)

    return factory


register("voucher_sim_100k", _simulation(100_000, 1), note="100 k beneficiaries, one run (rows = vouchers)", repeats=10)
register("voucher_sim_1m", _simulation(1_000_000, 1), note="1 M beneficiaries, one run (rows = vouchers)", repeats=5)
register("voucher_sim_100k_k20", _simulation(100_000, K), note="100 k beneficiaries, K = 20 runs", repeats=3)
register("voucher_sim_1m_k20", _simulation(1_000_000, K), note="1 M beneficiaries, K = 20 runs", repeats=2)
