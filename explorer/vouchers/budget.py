"""Budget-first planning: given a budget, how many people a scheme can serve, and which ones.

Pure integer arithmetic on eligible counts per (group, province) — no simulation, no Streamlit.
The budget first pays the set-up cost; each person served then costs their voucher value plus
onboarding. Groups are served in the priority order given: a group gets everyone it can afford
(up to its cap) before the next group gets anyone. Within a group, provinces share the people it
can afford in proportion to their eligible people (largest remainder, ties to the lower province
code), never more than a province's eligible people nor its remaining cap — a province cap counts
people of every group together. Money is in minor units; every figure is exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.vouchers.disclosure import OTHER_GROUP, OTHER_PROVINCE, fold_small
from explorer.vouchers.scheme import Scheme

PLAN_COLUMNS = ("eligible", "served", "cost")


@dataclass(frozen=True)
class BudgetPlan:
    budget: int
    setup: int
    per_person: dict[str, int]  # group → value + onboarding of one person
    served: pd.DataFrame  # group, province_code, eligible, served, cost (one row per cell)
    spent: int  # set-up + the served people's cost
    left: int  # budget − spent (≥ 0)
    stop: dict[str, str]  # group → why it is not fully served: "budget", "group_cap", "province_cap", ""

    @property
    def people(self) -> int:
        return int(self.served["served"].sum())

    @property
    def eligible(self) -> int:
        return int(self.served["eligible"].sum())

    def by_group(self) -> pd.DataFrame:
        frame = self.served.groupby("group", sort=False)[list(PLAN_COLUMNS)].sum()
        return frame.reset_index()

    def by_province(self) -> pd.DataFrame:
        return self.served.groupby("province_code", sort=True)[list(PLAN_COLUMNS)].sum().reset_index()

    # What may be shown: groups and provinces under MIN_GROUP eligible people folded into one "other" row
    # that cannot be told apart by subtracting the rows shown from the totals (see disclosure).
    def shown_by_group(self) -> pd.DataFrame:
        return fold_small(self.by_group(), "group", "eligible", PLAN_COLUMNS, OTHER_GROUP)

    def shown_by_province(self) -> pd.DataFrame:
        return fold_small(self.by_province(), "province_code", "eligible", PLAN_COLUMNS, OTHER_PROVINCE)


def person_cost(scheme: Scheme) -> dict[str, int]:
    """What serving one person of each targeted group costs: the voucher value (per-member amounts are
    reserved for the most members paid for, so the plan never overspends) plus onboarding."""
    onboarding = scheme.costs.onboarding_per_beneficiary
    return {t.group: t.amount * (t.max_members if t.per_member else 1) + onboarding for t in scheme.targets}


def _share(n: int, weights: np.ndarray, room: np.ndarray) -> np.ndarray:
    """n people over cells in proportion to `weights`, never above `room` (water-filling with largest
    remainders; ties to the earlier cell). Requires n ≤ room.sum()."""
    out = np.zeros(len(weights), dtype=np.int64)
    left = int(n)
    open_ = room > 0
    while left > 0 and open_.any():
        w = np.where(open_, weights, 0).astype(float)
        if w.sum() <= 0:
            w = open_.astype(float)
        exact = left * w / w.sum()
        give = np.minimum(np.floor(exact).astype(np.int64), room - out)
        remainder = left - int(give.sum())
        if remainder > 0:
            frac = np.where(open_ & (out + give < room), exact - np.floor(exact), -1.0)
            # Largest remainders first; stable sort keeps the earlier cell first on ties.
            order = np.argsort(-frac, kind="stable")
            for i in order[:remainder]:
                if frac[i] < 0:
                    break
                give[i] += 1
        if give.sum() == 0:  # only cells with no remainder are open: give one each in order
            for i in np.flatnonzero(open_ & (out < room))[:left]:
                give[i] += 1
        out += give
        left -= int(give.sum())
        open_ = out < room
    return out


def plan(
    budget: int,
    counts: pd.DataFrame,
    per_person: Mapping[str, int],
    *,
    setup: int = 0,
    priority: Sequence[str] = (),
    group_caps: Mapping[str, int] | None = None,
    province_caps: Mapping[int, int] | None = None,
) -> BudgetPlan:
    """Serve as many people as `budget` pays for.

    counts: group, province_code, eligible (people); groups without a `per_person` cost are ignored.
    priority: groups in the order they are served (the ones not listed follow in `per_person` order).
    group_caps / province_caps: the most people served in a group / a province (absent: no cap).
    """
    group_caps, province_caps = dict(group_caps or {}), dict(province_caps or {})
    cells = counts.groupby(["group", "province_code"], sort=True)["eligible"].sum().reset_index()
    cells = cells[cells["group"].isin(list(per_person)) & (cells["eligible"] > 0)]
    order = [g for g in priority if g in per_person] + [g for g in per_person if g not in priority]
    available = max(int(budget) - int(setup), 0)
    province_room = {int(p): int(c) for p, c in province_caps.items()}
    rows, stop = [], {}
    for group in order:
        mine = cells[cells["group"] == group].sort_values("province_code")
        codes = mine["province_code"].to_numpy(np.int64)
        eligible = mine["eligible"].to_numpy(np.int64)
        room = np.array(
            [min(e, province_room.get(int(c), e)) for c, e in zip(codes, eligible, strict=True)], dtype=np.int64
        )
        cost = int(per_person[group])
        limits = {
            "province_cap": int(room.sum()),
            "group_cap": int(group_caps[group] if group in group_caps else eligible.sum()),
            "budget": available // cost if cost > 0 else int(eligible.sum()),
        }
        n = min(limits.values())
        served = _share(n, eligible, room) if n > 0 else np.zeros(len(codes), dtype=np.int64)
        available -= n * cost
        for c, s in zip(codes, served, strict=False):
            if int(c) in province_room:
                province_room[int(c)] -= int(s)
        stop[group] = "" if n >= eligible.sum() else min(limits, key=lambda k: (limits[k], k != "budget"))
        rows.append(
            pd.DataFrame(
                {"group": group, "province_code": codes, "eligible": eligible, "served": served, "cost": served * cost}
            )
        )
    served = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame({"group": [], "province_code": [], "eligible": [], "served": [], "cost": []})
    )
    for column in ("province_code", "eligible", "served", "cost"):
        served[column] = served[column].astype("int64")
    spent = int(setup) + int(served["cost"].sum()) if int(budget) >= int(setup) else 0
    return BudgetPlan(
        int(budget), int(setup), {g: int(per_person[g]) for g in order}, served, spent, int(budget) - spent, stop
    )


def eligible_counts(scheme: Scheme, beneficiaries: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """group, province_code, eligible: distinct eligible people of the scheme per cell (the same
    eligibility rules as a simulation; a person registered twice counts once)."""
    from explorer.vouchers.prepare import eligible_mask  # prepare imports scheme validation; keep this light

    rng = np.random.default_rng([seed, 7])
    people = beneficiaries.loc[eligible_mask(scheme, beneficiaries, rng)]
    people = people.drop_duplicates("person_id")
    frame = people.groupby(["group", "province_code"], sort=True).size().rename("eligible").reset_index()
    frame["province_code"] = frame["province_code"].astype("int64")
    frame["eligible"] = frame["eligible"].astype("int64")
    return frame
