"""Sensitivity sweep: one parameter of a scheme over a range of values, K seeded runs per value.

Every point runs with the same seeds, so the points differ only by the parameter (the engine draws
the same random numbers for the same people: common random numbers), and the 5–95 % band at each
point is the spread over its K runs. Pure: no Streamlit.

Parameters (`PARAMETERS`, with the unit of their values):
  tranches          tranches.count
  expiry_days       days the vouchers stay usable: days after the claim, or after the start for a fixed date
  claim_rate        behaviour.claim_probability (share)
  merchant_density  share of the shops kept (a seeded, nested thinning: a lower density keeps a subset)
  travel_km         access.max_travel_km (0: no limit)
  cap               merchants.cap_per_merchant (minor units; 0: no cap)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.vouchers.engine import simulate
from explorer.vouchers.metrics import summarize
from explorer.vouchers.population import Population
from explorer.vouchers.scheme import Scheme, SchemeError

PARAMETERS = {
    "tranches": "count",
    "expiry_days": "days",
    "claim_rate": "share",
    "merchant_density": "share",
    "travel_km": "km",
    "cap": "money",
}
OUTCOMES = (
    "coverage",
    "reached_share",
    "redemption_rate",
    "unspent_at_expiry_share",
    "top10_merchants_share",
    "cost_per_unit_delivered",
)
MAX_POINTS = 12


@dataclass(frozen=True)
class SweepResult:
    parameter: str
    table: pd.DataFrame  # value, metric, mean, p05, p95 (one row per value × metric)
    runs: int
    seconds: float
    refused: dict  # value → the SchemeError of a point that could not run


def default_values(scheme: Scheme, parameter: str, points: int = 6) -> list[float]:
    """A sensible range around the scheme's own setting."""
    if parameter == "tranches":
        return sorted({int(v) for v in np.linspace(1, max(6, scheme.tranches.count), points).round()})
    if parameter == "expiry_days":
        return [int(v) for v in np.linspace(15, max(90, scheme.horizon_days), points).round()]
    if parameter == "claim_rate":
        return [round(v, 2) for v in np.linspace(0.5, 1.0, points)]
    if parameter == "merchant_density":
        return [round(v, 2) for v in np.linspace(0.1, 1.0, points)]
    if parameter == "travel_km":
        return [int(v) for v in np.linspace(5, 100, points).round()]
    if parameter == "cap":
        issued = max(t.amount for t in scheme.targets) if scheme.targets else 1
        return [int(v) for v in np.linspace(issued * 5, issued * 50, points).round()]
    raise ValueError(parameter)


def apply(
    scheme: Scheme, population: Population, parameter: str, value: float, seed: int = 0
) -> tuple[Scheme, Population]:
    """The scheme (and population) with `parameter` set to `value`."""
    r = dataclasses.replace
    if parameter == "tranches":
        return r(scheme, tranches=r(scheme.tranches, count=int(value))), population
    if parameter == "expiry_days":
        if scheme.expiry.mode == "fixed_date":
            return r(
                scheme, expiry=r(scheme.expiry, date=scheme.start_date + dt.timedelta(days=int(value)))
            ), population
        return r(scheme, expiry=r(scheme.expiry, mode="days_after_claim", days=int(value))), population
    if parameter == "claim_rate":
        return r(scheme, behaviour=r(scheme.behaviour, claim_probability=float(value))), population
    if parameter == "merchant_density":
        return scheme, thin_merchants(population, float(value), seed)
    if parameter == "travel_km":
        return r(scheme, access=r(scheme.access, max_travel_km=float(value))), population
    if parameter == "cap":
        return r(scheme, merchants=r(scheme.merchants, cap_per_merchant=int(value))), population
    raise ValueError(parameter)


def thin_merchants(population: Population, share: float, seed: int = 0) -> Population:
    """Keep `share` of the shops: each shop has a seeded uniform draw and stays when it is below the share,
    so a lower density keeps a subset of a higher one (at least one shop stays)."""
    shops = population.merchants
    draw = np.random.default_rng([seed, 11]).random(len(shops))
    keep = draw < share
    if not keep.any() and len(shops):
        keep[np.argmin(draw)] = True
    return Population(population.beneficiaries, shops.loc[keep].reset_index(drop=True))


def sweep(
    scheme: Scheme,
    population: Population,
    parameter: str,
    values: Sequence[float],
    runs: int = 10,
    seed: int = 0,
    outcomes: Sequence[str] = OUTCOMES,
    progress: Callable[[float], None] | None = None,
) -> SweepResult:
    """K runs of the scheme at each value; values that make the scheme invalid are left out (`refused`)."""
    if parameter not in PARAMETERS:
        raise ValueError(parameter)
    values = list(values)[:MAX_POINTS]
    started, frames, refused = time.perf_counter(), [], {}
    for i, value in enumerate(values):
        point_scheme, point_population = apply(scheme, population, parameter, value, seed)
        try:
            sim = simulate(point_scheme, point_population, runs=runs, seed=seed)
        except SchemeError as exc:
            refused[value] = exc
        else:
            summary = summarize(sim.runs).loc[list(outcomes)]
            frames.append(summary.rename_axis("metric").reset_index().assign(value=value))
        if progress:
            progress((i + 1) / len(values))
    columns = ["value", "metric", "mean", "p05", "p95"]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return SweepResult(parameter, table, runs, time.perf_counter() - started, refused)
