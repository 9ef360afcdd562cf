"""A simulation reduced to what people may see: small aggregate tables, no beneficiary rows.

`build_report` keeps means and 5–95 % bands, curves, breakdowns without groups under 10 people,
the first run's settlements (merchants are businesses, not private people) and the duplicate check.
Reports are small, so the UI can cache and compare them; `comparison` lines several up side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import pandas as pd
from babel.numbers import get_currency_precision

from explorer.vouchers import metrics
from explorer.vouchers.codec import to_json
from explorer.vouchers.duplicates import DuplicateReport
from explorer.vouchers.engine import Simulation

# Headline metrics in the order pages show and compare them; kind says how to format each.
HEADLINE = {
    "coverage": "pct",
    "reached_share": "pct",
    "claim_rate": "pct",
    "redemption_rate": "pct",
    "unspent_at_expiry": "money",
    "unspent": "money",
    "days_to_first_spend_mean": "days",
    "never_spent_share": "pct",
    "beyond_travel_share": "pct",
    "travel_over_50km_share": "pct",
    "recipients_per_shop": "num",
    "gini": "ratio",
    "top10_share": "pct",
    "cost_per_beneficiary": "money",
    "cost_per_unit_delivered": "ratio",
    "cost_total": "money",
    "issued": "money",
    "redeemed": "money",
    "returned": "money",
    "eligible_people": "num",
    "duplicates_excluded": "num",
    "money_saved_duplicates": "money",
}
COST_PARTS = ("cost_setup", "cost_onboarding", "cost_fees", "cost_settlement", "travel_cost")
# Every per-run figure held in minor units (exports turn them into major units with a currency column).
MONEY_METRICS = frozenset(
    {
        "issued",
        "redeemed",
        "unspent",
        "returned",
        "lapsed",
        "unspent_at_expiry",
        "cost_setup",
        "cost_onboarding",
        "cost_fees",
        "cost_settlement",
        "cost_total",
        "travel_cost",
        "cost_per_beneficiary",
        "money_saved_duplicates",
        "cap_refused",
        "category_limit_refused",
    }
)
MERCHANT_MONEY = ("receipts", "receipts_p05", "receipts_p95", "refused")
MONEY_COLUMNS = ("issued", "redeemed", "not_redeemed", "cost", "cost_per_beneficiary", "amount")
COUNT_COLUMNS = ("beneficiaries", "claimed", "covered", "reached", "beyond_travel_limit")


def _num(cell: object) -> float:
    """A cell of a numeric table as a float (pandas types a cell as any scalar, NA included)."""
    return float(cast(float, cell))


@dataclass(frozen=True)
class Report:
    scheme_json: str
    currency: str
    runs: int
    seed: int
    suppressed: bool  # fewer than MIN_GROUP eligible people: nothing is shown
    summary: pd.DataFrame  # index metric; mean, p05, p95
    per_run: pd.DataFrame  # one row per run (for the export and the conservation check)
    curve: pd.DataFrame  # day, mean, p05, p95 (share of issued redeemed by that day)
    lorenz: pd.DataFrame  # merchant_share, mean, p05, p95
    by_province: pd.DataFrame
    by_group: pd.DataFrame
    settlements: pd.DataFrame  # first run: day, merchant_id, amount, transactions
    duplicates: DuplicateReport
    by_merchant: pd.DataFrame | None = None  # metrics.by_merchant: every shop in play, largest takings first
    by_category: pd.DataFrame | None = None  # metrics.by_category

    def value(self, metric: str) -> float:
        return _num(self.summary.loc[metric, "mean"])

    def costs(self) -> pd.DataFrame:
        return pd.DataFrame({"part": list(COST_PARTS), "amount": [self.value(p) for p in COST_PARTS]})


def build_report(sim: Simulation) -> Report:
    p = sim.prepared
    per_run = pd.DataFrame([r.scalars for r in sim.runs])
    per_run.insert(0, "run", range(1, len(per_run) + 1))
    if sim.runs[0].settlements is None:
        raise ValueError("the first run keeps its settlements (simulate does)")
    settlements = sim.runs[0].settlements.copy()
    shops = metrics.by_merchant(sim.runs, p.merchants)
    settlements.insert(1, "merchant_id", p.merchants["merchant_id"].to_numpy()[settlements.pop("shop").to_numpy()])
    return Report(
        scheme_json=to_json(p.scheme),
        currency=p.scheme.currency,
        runs=len(sim.runs),
        seed=sim.seed,
        suppressed=p.persons < metrics.MIN_GROUP,
        summary=metrics.summarize(sim.runs),
        per_run=per_run,
        curve=metrics.redemption_curve(sim.runs, p.issued),
        lorenz=metrics.lorenz_curve(sim.runs),
        by_province=metrics.breakdown(sim.runs, "by_province"),
        by_group=metrics.breakdown(sim.runs, "by_group"),
        settlements=settlements,
        duplicates=p.duplicates,
        by_merchant=shops,
        by_category=metrics.by_category(shops),
    )


def comparison(reports: Mapping[str, Report]) -> pd.DataFrame:
    """Headline metrics (rows) × schemes (columns), means only."""
    return pd.DataFrame({label: [r.value(m) for m in HEADLINE] for label, r in reports.items()}, index=list(HEADLINE))


def comparison_long(reports: Mapping[str, Report], baseline: str | None = None) -> pd.DataFrame:
    """One row per (headline metric, scenario): mean, p05, p95 in raw units and, against `baseline`, the
    difference of the means (NaN for the baseline itself or when there is none)."""
    rows = []
    for metric in HEADLINE:
        base = reports[baseline].value(metric) if baseline is not None and baseline in reports else float("nan")
        for label, r in reports.items():
            row = r.summary.loc[metric]
            rows.append(
                {
                    "metric": metric,
                    "scenario": label,
                    "mean": _num(row["mean"]),
                    "p05": _num(row["p05"]),
                    "p95": _num(row["p95"]),
                    "difference": float("nan") if label == baseline else _num(row["mean"]) - base,
                    "currency": r.currency,
                }
            )
    return pd.DataFrame(rows)


def comparison_curves(reports: Mapping[str, Report]) -> pd.DataFrame:
    frames = [r.curve.assign(scheme=label) for label, r in reports.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _major(frame: pd.DataFrame, currency: str, money: pd.Series | list) -> pd.DataFrame:
    scale = 10 ** get_currency_precision(currency)
    out = frame.copy()
    for column in money:
        out[column] = out[column] / scale
    return out


def summary_for_people(report: Report) -> pd.DataFrame:
    """The summary as exported: metric, unit (the currency for money, 'share' for rates, else 'count' or
    'days'), mean, p05, p95 — money in major units — and the currency."""
    out = report.summary.reset_index(names="metric")
    money = out["metric"].isin(MONEY_METRICS)
    scale = 10 ** get_currency_precision(report.currency)
    for column in ("mean", "p05", "p95"):
        out.loc[money, column] = out.loc[money, column] / scale
    out.insert(
        1,
        "unit",
        [
            report.currency
            if m in MONEY_METRICS
            else "share"
            if (HEADLINE.get(m) == "pct" or m.endswith(("_share", "_rate")))
            else "days"
            if m.startswith("days_")
            else "count"
            for m in out["metric"]
        ],
    )
    out["currency"] = report.currency
    return out


def runs_for_people(report: Report) -> pd.DataFrame:
    """Every run's figures as exported: money in major units, plus the currency."""
    out = _major(report.per_run, report.currency, [c for c in report.per_run.columns if c in MONEY_METRICS])
    out["currency"] = report.currency
    return out


def comparison_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """`comparison_long` as exported: money metrics in major units of each scenario's currency."""
    out = table.copy()
    money = out["metric"].isin(MONEY_METRICS)
    scale = out["currency"].map(lambda c: 10 ** get_currency_precision(str(c)))
    for column in ("mean", "p05", "p95", "difference"):
        out.loc[money, column] = out.loc[money, column] / scale[money]
    return out


def for_people(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """A breakdown as people read it: money in major units (200.00 CNY, not 20000 fen), counts averaged
    over runs and rounded to whole people (14,082, not 14082.1), rates to four, and the currency named in
    its own column."""
    out = frame.copy()
    scale = 10 ** get_currency_precision(currency)
    for column in out.columns:
        if column in MONEY_COLUMNS:
            out[column] = (out[column] / scale).round(2)
        elif column in COUNT_COLUMNS:
            out[column] = out[column].round().astype("int64")
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(4)
    out["currency"] = currency
    return out
