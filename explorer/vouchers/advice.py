"""Design traps a scheme walks into, found from the scheme and its report (no Streamlit here).

Each finding is a code and raw values (minor units, shares, days); the page words and formats them:
  tranche_after_expiry  tranches that open on or after the day the vouchers expire: their value can never be spent
  tranche_after_horizon tranches that open after the simulated days end: the results cannot show them
  horizon_short         value still on vouchers when the simulation stops, though the vouchers have not expired
  cap_hit               shops that refused vouchers at the per-merchant cap, and the value refused
  category_limit        value refused because it would take people past a category's per-person limit
  lapsed                unspent value that lapses: it does not come back to the fund
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from explorer.vouchers.report import Report
from explorer.vouchers.scheme import Scheme, expiry_day

NOTICEABLE = 0.005  # shares of the value issued below this are not worth a warning


@dataclass(frozen=True)
class Finding:
    code: str
    values: dict = field(default_factory=dict)


def _first_tranche_on_or_after(day: int, count: int, interval: int) -> int | None:
    """0-based index of the first tranche k ≥ 1 with k × interval ≥ day, None when every tranche opens before."""
    k = max(1, math.ceil(day / interval))
    return k if k < count else None


def design_findings(scheme: Scheme, report: Report) -> list[Finding]:
    out: list[Finding] = []
    tr, ex = scheme.tranches, scheme.expiry
    issued = report.value("issued")
    if tr.schedule == "interval" and tr.count > 1:
        # Tranche k opens k × interval days after the claim (the claim is on day 0 at the earliest).
        limit = ex.days if ex.mode == "days_after_claim" else expiry_day(scheme) if ex.mode == "fixed_date" else None
        dead = _first_tranche_on_or_after(limit, tr.count, tr.interval_days) if limit else None
        if dead is not None:
            out.append(
                Finding(
                    "tranche_after_expiry",
                    {
                        "first": dead + 1,
                        "count": tr.count,
                        "opens": dead * tr.interval_days,
                        "expires": limit,
                        "share": (tr.count - dead) / tr.count,
                        "fixed": ex.mode == "fixed_date",
                    },
                )
            )
        late = _first_tranche_on_or_after(scheme.horizon_days, tr.count, tr.interval_days)
        if late is not None and (dead is None or late < dead):
            out.append(
                Finding(
                    "tranche_after_horizon",
                    {
                        "first": late + 1,
                        "count": tr.count,
                        "opens": late * tr.interval_days,
                        "horizon": scheme.horizon_days,
                    },
                )
            )
    unspent = report.value("unspent")
    if issued and unspent / issued >= NOTICEABLE:
        out.append(
            Finding(
                "horizon_short",
                {
                    "unspent": unspent,
                    "share": unspent / issued,
                    "horizon": scheme.horizon_days,
                    "mode": ex.mode,
                    "days": ex.days,
                    "date": ex.date,
                },
            )
        )
    if "cap_merchants" in report.summary.index and report.value("cap_merchants") > 0:
        out.append(
            Finding(
                "cap_hit",
                {
                    "merchants": report.value("cap_merchants"),
                    "shops": report.value("merchants"),
                    "refused": report.value("cap_refused"),
                    "share": report.value("cap_refused") / issued if issued else 0.0,
                    "cap": scheme.merchants.cap_per_merchant,
                },
            )
        )
    limited = report.value("category_limit_refused") if "category_limit_refused" in report.summary.index else 0.0
    if issued and limited / issued >= NOTICEABLE:
        out.append(Finding("category_limit", {"refused": limited, "share": limited / issued}))
    lapsed = report.value("lapsed")
    if issued and lapsed / issued >= NOTICEABLE:
        out.append(Finding("lapsed", {"lapsed": lapsed, "share": lapsed / issued}))
    return out
