"""What a run means: coverage, claims, redemption over time, unspent money, concentration, travel, cost.

`run_metrics` turns one RunOutcome into scalars, curves and breakdowns; the `summarize`/`bands`
helpers turn K runs into means with 5–95 % bands. Rates are shares of *distinct eligible people*
(a person registered twice counts once); money is int64 minor units.

Coverage is the share of the target group holding a *usable* voucher: claimed, with an allowed
merchant within the travel limit. Whether they then spent it is `reached_share` — which, unlike
coverage, may rise when others drop out (a shop's freed capacity or cap serves the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from explorer.db.schema import BENEFICIARY_GROUPS
from explorer.vouchers.disclosure import MIN_GROUP as MIN_GROUP  # part of this module's interface
from explorer.vouchers.disclosure import OTHER_GROUP, OTHER_PROVINCE, fold_small

if TYPE_CHECKING:  # imported for type names only: engine imports this module
    from explorer.vouchers.engine import RunOutcome
    from explorer.vouchers.prepare import Prepared

LORENZ_POINTS = 101
FAR_KM = 50.0  # "travelled more than 50 km" (Lebanon: 20 % did)
BREAKDOWN_COLUMNS = (
    "beneficiaries",
    "claimed",
    "covered",
    "reached",
    "issued",
    "redeemed",
    "not_redeemed",
    "beyond_travel_limit",
    "cost",
    "first_spend_days_total",
)
GROUPS_BY_NAME = np.array(sorted(BENEFICIARY_GROUPS), dtype=object)  # breakdowns list groups by name


@dataclass
class RunMetrics:
    scalars: dict[str, float]
    daily_redeemed: np.ndarray  # (horizon,) value redeemed per day
    lorenz: np.ndarray  # (LORENZ_POINTS,) cumulative share of receipts, poorest merchants first
    by_province: pd.DataFrame
    by_group: pd.DataFrame
    settlements: pd.DataFrame | None  # shop, day, amount, transactions (first run only)
    receipts: np.ndarray | None = None  # (M,) value each shop took in
    shop_transactions: np.ndarray | None = None  # (M,) vouchers each shop redeemed
    refused: np.ndarray | None = None  # (M,) value each shop refused at the per-merchant cap


def gini(values: np.ndarray) -> float:
    x = np.sort(np.asarray(values, dtype=float))
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, len(x) + 1)
    return float((2 * (ranks * x).sum()) / (len(x) * total) - (len(x) + 1) / len(x))


def top_share(values: np.ndarray, fraction: float = 0.1) -> float:
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return 0.0
    return float(x[: max(1, int(np.ceil(len(x) * fraction)))].sum() / total)


def hhi(values: np.ndarray) -> float:
    """Herfindahl–Hirschman index of the shops' shares of receipts, 0–10,000 (10,000: one shop takes all;
    competition authorities read above 2,500 as highly concentrated)."""
    x = np.asarray(values, dtype=float)
    total = x.sum()
    return float((((x / total) * 100) ** 2).sum()) if len(x) and total > 0 else 0.0


def top_n_share(values: np.ndarray, n: int = 10) -> float:
    """Share of receipts taken by the n largest shops."""
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    total = x.sum()
    return float(x[:n].sum() / total) if len(x) and total > 0 else 0.0


def lorenz(values: np.ndarray, points: int = LORENZ_POINTS) -> np.ndarray:
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) == 0 or x.sum() <= 0:
        return np.linspace(0, 1, points)
    share = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
    return np.interp(np.linspace(0, 1, points), np.linspace(0, 1, len(share)), share)


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else float("nan")


def run_metrics(p: Prepared, o: RunOutcome, keep_settlements: bool = False) -> RunMetrics:
    s, horizon = p.scheme, p.horizon
    issued, redeemed = p.issued, int(o.redeemed.sum())
    left = p.entitlement - o.redeemed
    # Value expires within the horizon when its expiry day falls in it; unclaimed vouchers expire when
    # claiming closes (the horizon) unless the scheme has no expiry at all.
    expires = np.where(o.claimed, o.expiry <= horizon, s.expiry.mode != "none")
    expired = int(left[expires].sum())
    returned = expired if s.expiry.unspent == "return_to_fund" else 0
    unspent = int(left[~expires].sum())
    if issued != redeemed + unspent + expired or (left < 0).any():
        raise AssertionError("voucher budget not conserved")  # a bug, never a user error

    spent = o.transactions > 0
    claimed_p = _any_by_person(p, o.claimed)
    covered_p = _any_by_person(p, o.claimed & p.reachable)
    reached_p = _any_by_person(p, spent)
    # One pass over the redemptions: value per (shop, day); receipts, the daily curve and the payouts
    # (one per shop per settlement period with takings) all come from this small matrix.
    cell = o.tx_shop * (horizon if len(p.capacity) * horizon < 2**31 else np.int64(horizon)) + o.tx_day
    counts = np.bincount(cell, minlength=len(p.capacity) * horizon).reshape(-1, horizon)
    by_shop_day = _values_by_cell(cell, o.tx_value, counts, s.tranches.denomination)
    receipts = by_shop_day.sum(axis=1)
    periods = _settlement_periods(by_shop_day, s.costs.settlement)
    settlement_count = int(np.count_nonzero(periods))
    tx = int(o.transactions.sum())
    costs = {
        "cost_setup": s.costs.setup,
        "cost_onboarding": s.costs.onboarding_per_beneficiary * p.n,
        "cost_fees": s.costs.fee_per_transaction * tx,
        "cost_settlement": s.costs.settlement_cost * settlement_count,
    }
    program_cost = sum(costs.values())
    travel_km = 2 * o.shop_km * o.transactions
    to_first = (o.first_day - o.claim_day)[spent]
    scalars = {
        "eligible_people": p.persons,
        "registrations": p.n,
        "issued": issued,
        "redeemed": redeemed,
        "unspent": unspent,
        "returned": returned,
        "lapsed": expired - returned,
        "unspent_at_expiry": expired,
        "claimed_people": int(claimed_p.sum()),
        "covered_people": int(covered_p.sum()),
        "reached_people": int(reached_p.sum()),
        "claim_rate": _ratio(claimed_p.sum(), p.persons),
        "coverage": _ratio(covered_p.sum(), p.persons),
        "reached_share": _ratio(reached_p.sum(), p.persons),
        "redemption_rate": _ratio(redeemed, issued),
        "unspent_at_expiry_share": _ratio(expired, issued),
        "never_spent_share": _ratio((o.claimed & ~spent).sum(), o.claimed.sum()),
        "days_to_first_spend_mean": float(to_first.mean()) if len(to_first) else float("nan"),
        "days_to_first_spend_median": float(np.median(to_first)) if len(to_first) else float("nan"),
        "beyond_travel_limit": int((~p.reachable).sum()),
        "beyond_travel_share": _ratio((~p.reachable).sum(), p.n),
        "travel_over_50km_share": _ratio((spent & (o.shop_km > FAR_KM)).sum(), spent.sum()),
        "transactions": tx,
        "merchants": len(p.capacity),
        "merchants_used": int(np.count_nonzero(receipts)),
        "recipients_per_shop": _ratio(spent.sum(), int(np.count_nonzero(receipts))),
        "gini": gini(receipts),
        "top10_share": top_share(receipts, 0.1),
        "hhi": hhi(receipts),
        "top10_merchants_share": top_n_share(receipts, 10),
        **costs,
        "cost_total": program_cost,
        "travel_cost": int(np.rint(travel_km.sum() * s.access.travel_cost_per_km)),
        "cost_per_beneficiary": _ratio(program_cost, reached_p.sum()),
        "cost_per_unit_delivered": _ratio(program_cost, redeemed),
        "duplicates_excluded": p.duplicates.extra_records if p.duplicates.excluded else 0,
        "money_saved_duplicates": p.duplicates.money_saved,
        "cap_refused": o.cap_refused,
        "cap_merchants": o.cap_merchants,
        "category_limit_refused": o.limit_refused,
    }
    rows = {
        # (beneficiaries, issued and beyond_travel_limit are the same in every run: Prepared.fixed_cell_sums)
        "claimed": o.claimed,
        "covered": o.claimed & p.reachable,
        "reached": spent,
        "redeemed": o.redeemed,
        "not_redeemed": left,
        "first_spend_days_total": np.where(spent, o.first_day - o.claim_day, 0),
        "transactions": o.transactions,  # only to share the fees out; not a column of the breakdowns
    }
    # Programme costs shared out as they arise: set-up by value issued, onboarding by registration, fees by
    # transaction, settlement by value redeemed — computed from each key's exact integer sums.
    cost_weights = {
        "issued": costs["cost_setup"] / max(issued, 1),
        "beneficiaries": costs["cost_onboarding"] / p.n,
        "transactions": costs["cost_fees"] / max(tx, 1),
        "redeemed": costs["cost_settlement"] / max(redeemed, 1),
    }
    settlements = _settlements(counts, periods, horizon, s.costs.settlement) if keep_settlements else None
    return RunMetrics(
        scalars,
        by_shop_day.sum(axis=0),
        lorenz(receipts),
        *_breakdowns(p, rows, cost_weights),
        settlements,
        receipts=receipts,
        shop_transactions=counts.sum(axis=1),
        refused=(
            o.cap_refused_by_shop if o.cap_refused_by_shop is not None else np.zeros(len(p.capacity), dtype=np.int64)
        ),
    )


def _any_by_person(p: Prepared, flags: np.ndarray) -> np.ndarray:
    if p.persons == p.n:  # nobody registered twice: person numbers are 0 … N-1 in registration order
        return flags.astype(bool)
    return np.bincount(p.person, weights=flags.astype(float), minlength=p.persons) > 0


def _breakdowns(
    p: Prepared, rows: dict[str, np.ndarray], cost_weights: dict[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sums of `rows` and of the run-independent columns per province and per group (keys sorted), each key's
    share of the programme cost. One bincount per column over the (province, group) code, not a pandas
    group-by over a million rows; the province and group sums are the two margins of that small table
    (every column holds whole numbers, so float64 sums them exactly in any order)."""
    groups = len(GROUPS_BY_NAME)
    cells = len(p.provinces) * groups
    sums = {k: np.bincount(p.province_group, weights=v, minlength=cells) for k, v in rows.items()}
    table = {k: v.reshape(-1, groups) for k, v in (p.fixed_cell_sums | sums).items()}
    by_province = {k: v.sum(axis=1) for k, v in table.items()}
    by_group = {k: v.sum(axis=0) for k, v in table.items()}
    return (
        _breakdown(by_province, p.provinces, cost_weights, "province_code"),
        _breakdown(by_group, GROUPS_BY_NAME, cost_weights, "group"),
    )


def _breakdown(
    sums: dict[str, np.ndarray], keys: np.ndarray, cost_weights: dict[str, float], name: str
) -> pd.DataFrame:
    """The keys somebody belongs to, their sums, and their share of the programme cost."""
    present = sums["beneficiaries"] > 0
    sums = {k: v[present] for k, v in sums.items()}
    sums["cost"] = np.asarray(sum(sums[column] * weight for column, weight in cost_weights.items()))
    del sums["transactions"]
    return pd.DataFrame({c: sums[c] for c in BREAKDOWN_COLUMNS}, index=pd.Index(keys[present], name=name))


def _settlement_periods(by_shop_day: np.ndarray, frequency: str) -> np.ndarray:
    """(shops × periods) value to pay: per day, or per 7-day period for weekly settlement."""
    if frequency == "daily":
        return by_shop_day
    return np.add.reduceat(by_shop_day, np.arange(0, by_shop_day.shape[1], 7), axis=1)


def _values_by_cell(cell: np.ndarray, value: np.ndarray, counts: np.ndarray, denomination: int) -> np.ndarray:
    """(shops × days) value redeemed, float64 like a weighted bincount. Nearly every voucher is worth the
    denomination, so it is counts × denomination plus a weighted count of the few others' difference:
    whole numbers below 2**53, the same float64 sums as one weighted count over every redemption."""
    if not denomination:
        return np.bincount(cell, weights=value, minlength=counts.size).reshape(counts.shape)
    odd = np.flatnonzero(value != denomination)
    extra = np.bincount(cell[odd], weights=value[odd] - denomination, minlength=counts.size)
    return counts * float(denomination) + extra.reshape(counts.shape)


def _settlements(counts: np.ndarray, periods: np.ndarray, horizon: int, frequency: str) -> pd.DataFrame:
    """One payout per shop per settlement period with takings, on its last day (first run only)."""
    counts = _settlement_periods(counts, frequency)
    shop, period = np.nonzero(periods)
    day = period if frequency == "daily" else np.minimum(period * 7 + 6, horizon - 1)
    frame = pd.DataFrame(
        {
            "day": day,
            "shop": shop,
            "amount": np.rint(periods[shop, period]).astype(np.int64),
            "transactions": counts[shop, period],
        }
    )
    return frame.sort_values(["day", "shop"], kind="stable").reset_index(drop=True)


# --- K runs → means and 5–95 % bands -------------------------------------------------------------


def summarize(runs: Sequence[RunMetrics]) -> pd.DataFrame:
    """One row per metric: mean, p05, p95 over the runs."""
    table = pd.DataFrame([r.scalars for r in runs])
    return pd.DataFrame({"mean": table.mean(), "p05": table.quantile(0.05), "p95": table.quantile(0.95)})


def bands(matrix: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mean": matrix.mean(axis=0),
            "p05": np.quantile(matrix, 0.05, axis=0),
            "p95": np.quantile(matrix, 0.95, axis=0),
        }
    )


def redemption_curve(runs: Sequence[RunMetrics], issued: int) -> pd.DataFrame:
    """Share of the issued value redeemed by the end of each day, with bands."""
    cumulative = np.vstack([np.cumsum(r.daily_redeemed) for r in runs]) / max(issued, 1)
    frame = bands(cumulative)
    frame.insert(0, "day", np.arange(1, cumulative.shape[1] + 1))
    return frame


def lorenz_curve(runs: Sequence[RunMetrics]) -> pd.DataFrame:
    frame = bands(np.vstack([r.lorenz for r in runs]))
    frame.insert(0, "merchant_share", np.linspace(0, 1, LORENZ_POINTS))
    return frame


def by_merchant(runs: Sequence[RunMetrics], merchants: pd.DataFrame) -> pd.DataFrame:
    """One row per shop someone could choose: merchant_id, category, province_code, receipts (mean, p05, p95
    over runs), transactions (mean), refused at the cap (mean) and the share of runs in which it refused
    any — the largest takings first. Shops are businesses: listing them is not personal data."""
    receipts = np.vstack([_kept(r.receipts) for r in runs])
    refused = np.vstack([_kept(r.refused) for r in runs])
    frame = pd.DataFrame(
        {
            "merchant_id": merchants["merchant_id"].to_numpy(),
            "category": merchants["category"].to_numpy(),
            "province_code": merchants["province_code"].to_numpy(np.int64),
            "receipts": receipts.mean(axis=0),
            "receipts_p05": np.quantile(receipts, 0.05, axis=0),
            "receipts_p95": np.quantile(receipts, 0.95, axis=0),
            "transactions": np.vstack([_kept(r.shop_transactions) for r in runs]).mean(axis=0),
            "refused": refused.mean(axis=0),
            "cap_hit_runs": (refused > 0).mean(axis=0),
        }
    )
    total = receipts.sum(axis=1).mean()
    frame["share"] = frame["receipts"] / total if total > 0 else 0.0
    return frame.sort_values(["receipts", "merchant_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _kept(per_shop: np.ndarray | None) -> np.ndarray:
    """A per-shop array run_metrics always fills (None only in RunMetrics made elsewhere)."""
    if per_shop is None:
        raise ValueError("a run without per-shop figures")
    return per_shop


def by_category(merchant_table: pd.DataFrame) -> pd.DataFrame:
    """category, merchants, merchants_used (receiving anything on average), receipts, share, refused."""
    frame = (
        merchant_table.assign(used=merchant_table["receipts"] > 0)
        .groupby("category", sort=True)
        .agg(
            merchants=("merchant_id", "size"),
            merchants_used=("used", "sum"),
            receipts=("receipts", "sum"),
            refused=("refused", "sum"),
            cap_hit_merchants=("cap_hit_runs", lambda x: int((x > 0).sum())),
        )
    )
    total = frame["receipts"].sum()
    frame["share"] = frame["receipts"] / total if total > 0 else 0.0
    return frame.sort_values("receipts", ascending=False, kind="stable").reset_index()


def breakdown(runs: Sequence[RunMetrics], which: str) -> pd.DataFrame:
    """Mean over runs of the by-province or by-group table, with rates; rows under MIN_GROUP people folded
    into one "other" row that hides at least two rows and MIN_GROUP people (disclosure.fold_small)."""
    frames = [getattr(r, which) for r in runs]
    mean = pd.concat(frames).groupby(level=0).sum() / len(frames)
    key, other = ("group", OTHER_GROUP) if which == "by_group" else ("province_code", OTHER_PROVINCE)
    mean = fold_small(mean.reset_index(), key, "beneficiaries", BREAKDOWN_COLUMNS, other).set_index(key)
    mean["claim_rate"] = mean["claimed"] / mean["beneficiaries"]
    mean["coverage"] = mean["covered"] / mean["beneficiaries"]
    mean["reached_share"] = mean["reached"] / mean["beneficiaries"]
    mean["redemption_rate"] = mean["redeemed"] / mean["issued"]
    reached = mean["reached"].where(mean["reached"] > 0)
    mean["cost_per_beneficiary"] = mean["cost"] / reached
    mean["cost_per_unit_delivered"] = mean["cost"] / mean["redeemed"].where(mean["redeemed"] > 0)
    mean["days_to_first_spend"] = mean.pop("first_spend_days_total") / reached
    return mean.reset_index()
