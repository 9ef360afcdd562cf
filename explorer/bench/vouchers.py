"""Benchmark operations for the voucher Monte Carlo (New-Year gift on synthetic 100 k / 1 M beneficiaries).

The population is built untimed in the factory; each timed `voucher_sim_*` run is one whole `simulate` call
(preparation included), with one run or K = 20 runs; `voucher_run_1m` times one Monte Carlo run alone (the
draws, queues and metrics) on a population prepared untimed, the part that repeats K times.

Inside the explorer bench: `python -m explorer bench --only voucher_sim_1m voucher_sim_1m_k20`. Without a
database: `python -m explorer.bench.vouchers [--repeats N] [--json OUT] [--before BEFORE.json]` prints p50/p95
(wall and CPU), the load average before and after, and with --before the ratio against an earlier run (for
instance the same command run on the code before a change, at the same load).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from explorer.bench import measure, register
from explorer.vouchers.engine import run_once, simulate
from explorer.vouchers.metrics import run_metrics
from explorer.vouchers.population import synthetic_population
from explorer.vouchers.prepare import prepare
from explorer.vouchers.presets import NEW_YEAR

K = 20
CHILD_SHARE = 5_000 / 13_550  # the preset's documented mix of children and households


def _population(n: int):
    children = round(n * CHILD_SHARE)
    return synthetic_population(
        {"child": children, "low_income_household": n - children}, categories=NEW_YEAR.merchants.categories, seed=1
    )


def _simulation(n: int, runs: int):
    def factory(_engine):
        population = _population(n)
        return lambda: len(simulate(NEW_YEAR, population, runs=runs, seed=1).prepared.v_amount)

    return factory


def _one_run(n: int):
    def factory(_engine):
        import numpy as np

        prepared = prepare(NEW_YEAR, _population(n), seed=1)
        rng = np.random.default_rng([1, 0])
        return lambda: int(run_metrics(prepared, run_once(prepared, rng)).scalars["transactions"])

    return factory


OPERATIONS = {
    "voucher_sim_100k": (_simulation(100_000, 1), "100 k beneficiaries, one run (rows = vouchers)", 10),
    "voucher_run_1m": (_one_run(1_000_000), "1 M beneficiaries, one Monte Carlo run alone (rows = vouchers used)", 5),
    "voucher_sim_1m": (_simulation(1_000_000, 1), "1 M beneficiaries, one run (rows = vouchers)", 5),
    "voucher_sim_100k_k20": (_simulation(100_000, K), "100 k beneficiaries, K = 20 runs", 3),
    "voucher_sim_1m_k20": (_simulation(1_000_000, K), "1 M beneficiaries, K = 20 runs", 2),
}
for _key, (_factory, _note, _repeats) in OPERATIONS.items():
    register(_key, _factory, note=_note, repeats=_repeats)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m explorer.bench.vouchers", description=(__doc__ or "").partition("\n")[0]
    )
    parser.add_argument("--repeats", type=int, default=5, help="most timed runs per operation (default 5)")
    parser.add_argument("--only", nargs="*", help="these operation keys only")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--before", help="a JSON written earlier by --json: print the ratio before / now")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    results = {}
    for key, (factory, _note, repeats) in OPERATIONS.items():
        if args.only and key not in args.only:
            continue
        results[key] = measure(factory(None), max(1, min(args.repeats, repeats)))
        print(key, results[key], flush=True)
    load_after = os.getloadavg()
    results["load_average"] = {"before": list(load_before), "after": list(load_after)}
    before = json.loads(open(args.before, encoding="utf-8").read()) if args.before else {}
    print(f"\nload average (1, 5, 15 min) before {load_before}, after {load_after}; {os.cpu_count()} cores")
    print(f"{'operation':22} {'p50 ms':>9} {'p95 ms':>9} {'cpu p50':>9}  before p50/p95/cpu → ratio (before / now)")
    for key, r in results.items():
        if "p50_ms" not in r:
            continue
        line = f"{key:22} {r['p50_ms']:>9.0f} {r['p95_ms']:>9.0f} {r['cpu_p50_ms']:>9.0f}"
        if key in before:
            b = before[key]
            line += f"  {b['p50_ms']:.0f}/{b['p95_ms']:.0f}/{b['cpu_p50_ms']:.0f} → "
            line += f"{b['p50_ms'] / r['p50_ms']:.2f}× / {b['p95_ms'] / r['p95_ms']:.2f}× / "
            line += f"{b['cpu_p50_ms'] / r['cpu_p50_ms']:.2f}×"
        print(line)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
