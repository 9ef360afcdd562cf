"""Everything about a simulation that does not change between Monte Carlo runs, computed once.

Eligibility, duplicates, each beneficiary's entitlement cut into tranches and vouchers (flat arrays),
and each beneficiary's k nearest allowed merchants with distances. Runs then only draw random numbers
against these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from explorer.vouchers.duplicates import DuplicateReport, duplicate_report, first_seen_codes
from explorer.vouchers.geo import nearest_k
from explorer.vouchers.population import Population
from explorer.vouchers.scheme import Scheme, SchemeError, expiry_day, validate

CANDIDATE_SHOPS = 4  # a beneficiary picks a regular shop among the 4 nearest allowed ones


@dataclass
class Prepared:
    scheme: Scheme
    horizon: int  # days simulated
    fixed_expiry: int | None  # day index a fixed expiry falls on
    person: np.ndarray  # (N,) dense person index of each kept registration
    persons: int  # distinct eligible people
    group: np.ndarray  # (N,) index into BENEFICIARY_GROUPS
    province: np.ndarray  # (N,) province code
    entitlement: np.ndarray  # (N,) int64 minor units
    nearest_km: np.ndarray  # (N,) distance to the nearest allowed merchant
    reachable: np.ndarray  # (N,) bool: nearest allowed merchant within the travel limit
    cand: np.ndarray  # (N, k) candidate shop index into `merchants`
    cand_km: np.ndarray  # (N, k)
    cand_pref: np.ndarray  # (N, k) distance decay × category preference
    merchants: pd.DataFrame  # allowed merchants someone could choose, row i = shop index i
    capacity: np.ndarray  # (M,) transactions a day
    delay_scale: dict[str, np.ndarray]  # per beneficiary (claim, first) and per voucher (gap): see engine._delays
    # Vouchers in *queue order*: by voucher number (a person's first before their second), then by a
    # seeded arrival priority of their owner — how people reaching a shop the same day line up.
    owner: np.ndarray  # (N,) beneficiaries in priority order
    v_owner: np.ndarray  # position in `owner` of each voucher's owner (ascending within a level)
    v_amount: np.ndarray  # int32 or int64 minor units
    v_cum: np.ndarray  # the owner's value up to and including this voucher (int32 when entitlements fit)
    v_tranche: np.ndarray  # tranche number of the voucher
    v_opens: np.ndarray  # bool: first voucher of its tranche
    level_bounds: np.ndarray  # vouchers numbered j occupy level_bounds[j]:level_bounds[j+1]
    max_vouchers: int
    duplicates: DuplicateReport
    shop_limit: np.ndarray | None = None  # (M,) most one person may spend at the shop's category; None: no limits

    @property
    def n(self) -> int:
        return len(self.entitlement)

    @property
    def issued(self) -> int:
        return int(self.entitlement.sum())

    # Per voucher, but no run reads them: made on demand rather than 60 MB more at every preparation.
    @cached_property
    def v_ben(self) -> np.ndarray:
        """Each voucher's beneficiary (= owner[v_owner])."""
        return voucher_beneficiaries(self.owner, self.v_owner)

    @cached_property
    def v_index(self) -> np.ndarray:
        """Each voucher's position within its beneficiary's vouchers (0 = first)."""
        return voucher_numbers(self.level_bounds)

    # Breakdown keys as small integer codes, computed once per simulation rather than once per run.
    @cached_property
    def provinces(self) -> np.ndarray:
        """The distinct province codes, sorted."""
        return np.unique(self.province)

    @cached_property
    def province_index(self) -> np.ndarray:
        """(N,) position of each registration's province in `provinces`."""
        return np.searchsorted(self.provinces, self.province)

    @cached_property
    def group_by_name(self) -> np.ndarray:
        """(N,) position of each registration's group in BENEFICIARY_GROUPS sorted by name."""
        rank = np.argsort(np.argsort(np.array(BENEFICIARY_GROUPS, dtype=object)))
        return rank[self.group]

    @cached_property
    def province_group(self) -> np.ndarray:
        """(N,) province position × groups + group position: one code for both breakdowns."""
        return self.province_index * len(BENEFICIARY_GROUPS) + self.group_by_name

    @cached_property
    def fixed_cell_sums(self) -> dict[str, np.ndarray]:
        """Per `province_group` code, the breakdown columns no run changes (registrations, value issued,
        beyond the travel limit): counted once per simulation, not once per run (metrics._breakdowns)."""
        cells = len(self.provinces) * len(BENEFICIARY_GROUPS)
        fixed = {"beneficiaries": np.ones(self.n), "issued": self.entitlement, "beyond_travel_limit": ~self.reachable}
        return {k: np.bincount(self.province_group, weights=v, minlength=cells) for k, v in fixed.items()}


def eligible_mask(scheme: Scheme, people: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    rules = scheme.eligibility
    mask = people["group"].isin([t.group for t in scheme.targets]).to_numpy()
    if rules.provinces:
        mask = mask & people["province_code"].isin(rules.provinces).to_numpy()
    size = people["household_size"].to_numpy()
    mask = mask & (size >= rules.household_min) & (size <= rules.household_max)
    if rules.referral_required:
        # The data rarely says who holds a referral; without the column a seeded share does.
        referred = (
            people["referred"].to_numpy(bool)
            if "referred" in people.columns
            else rng.random(len(people)) < rules.referral_rate
        )
        mask = mask & referred
    return mask


def entitlements(scheme: Scheme, groups: np.ndarray, household: np.ndarray) -> np.ndarray:
    amount = np.zeros(len(BENEFICIARY_GROUPS), dtype=np.int64)
    per_member = np.zeros(len(BENEFICIARY_GROUPS), dtype=bool)
    cap = np.ones(len(BENEFICIARY_GROUPS), dtype=np.int64)
    for t in scheme.targets:
        g = BENEFICIARY_GROUPS.index(t.group)
        amount[g], per_member[g], cap[g] = t.amount, t.per_member, t.max_members
    members = np.where(per_member[groups], np.minimum(household, cap[groups]), 1)
    return amount[groups] * members.astype(np.int64)


def prepare(scheme: Scheme, population: Population, seed: int = 0) -> Prepared:
    validate(scheme)
    rng = np.random.default_rng([seed, 7])  # its own stream: referral draws never shift the runs' draws
    people = population.beneficiaries
    people = people.loc[eligible_mask(scheme, people, rng)]
    if people.empty:
        raise SchemeError("eligibility", "no_eligible")
    group = _codes(people["group"], BENEFICIARY_GROUPS)
    household = people["household_size"].to_numpy(np.int64)
    entitled = entitlements(scheme, group, household)
    person = first_seen_codes(people["person_id"].to_numpy())
    report, keep = duplicate_report(person, people["org_id"].to_numpy(), entitled, scheme.exclude_duplicates)
    people, group, entitled = people.loc[keep], group[keep], entitled[keep]
    person = first_seen_codes(person[keep])  # dense again: 0 … persons-1
    if scheme.budget is not None:
        check_budget(scheme, int(entitled.sum()), len(people), scheme.budget)

    shops = population.merchants
    shops = shops.loc[shops["category"].isin(scheme.merchants.categories)].reset_index(drop=True)
    if shops.empty:
        raise SchemeError("merchants.categories", "no_merchants")
    lat, lon = people["lat"].to_numpy(float), people["lon"].to_numpy(float)
    cand, cand_km = nearest_k(lat, lon, shops["lat"].to_numpy(float), shops["lon"].to_numpy(float), CANDIDATE_SHOPS)
    # The market is the shops somebody could choose: a province's scheme is not diluted by the rest of
    # the country's shops in the concentration figures, and the per-run queues stay small.
    used = np.bincount(cand.ravel(), minlength=len(shops)) > 0  # a count, not a sort of N × k indices
    in_play, renumber = np.flatnonzero(used), np.cumsum(used) - 1
    shops, cand = shops.iloc[in_play].reset_index(drop=True), renumber[cand]
    limit = scheme.access.max_travel_km
    reachable = cand_km[:, 0] <= limit if limit > 0 else np.ones(len(people), dtype=bool)
    shop_cat = pd.Categorical(shops["category"], categories=MERCHANT_CATEGORIES).codes
    preference = _category_preference(scheme)[group[:, None], shop_cat[cand]]
    cand_pref = np.exp(-cand_km / scheme.behaviour.shop_distance_decay_km) * preference
    pace = np.ones(len(BENEFICIARY_GROUPS))
    for name, rules in scheme.behaviour.by_group.items():
        pace[BENEFICIARY_GROUPS.index(name)] = rules.pace
    vouchers = _vouchers(scheme, entitled, rng)
    b = scheme.behaviour
    scales = {
        name: _geometric_scale(mean * pace)[group]
        for name, mean in (("claim", b.claim_delay_days), ("first", b.first_spend_days), ("gap", b.days_between_spends))
    }
    # = [v_ben], read through the owners' priority order: each level's owners ascend (sequential reads)
    scales["gap"] = scales["gap"].astype(np.float32)[vouchers["owner"]][vouchers["v_owner"]]
    limits = scheme.merchants.category_limits
    shop_limit = (
        shops["category"].map(lambda c: limits.get(str(c), np.iinfo(np.int64).max)).to_numpy(np.int64)
        if limits
        else None
    )
    return Prepared(
        scheme=scheme,
        shop_limit=shop_limit,
        horizon=scheme.horizon_days,
        fixed_expiry=expiry_day(scheme),
        person=person,
        persons=int(person.max()) + 1,
        group=group,
        province=people["province_code"].to_numpy(np.int64),
        entitlement=entitled,
        nearest_km=cand_km[:, 0],
        reachable=reachable,
        cand=cand,
        cand_km=cand_km,
        cand_pref=cand_pref,
        merchants=shops,
        capacity=shops["daily_capacity"].to_numpy(np.int64),
        delay_scale=scales,
        duplicates=report,
        **vouchers,
    )


def _codes(column: pd.Series, names: tuple[str, ...]) -> np.ndarray:
    """Position of each value in `names` (-1 if absent): factorize the column, then look up its few
    distinct values, instead of hashing a million strings against the categories."""
    codes, distinct = pd.factorize(column)
    lookup = np.array([names.index(v) if v in names else -1 for v in distinct] + [-1], dtype=np.int64)
    return lookup[codes]  # a missing value's code -1 reads the final -1


def upfront_need(scheme: Scheme, issued: int, registrations: int) -> int:
    """What a budget must hold before the first voucher is spent: the value issued, set-up, onboarding.
    (Fees and settlement costs depend on spending and are reported, not reserved.)"""
    return issued + scheme.costs.setup + scheme.costs.onboarding_per_beneficiary * registrations


def check_budget(scheme: Scheme, issued: int, registrations: int, budget: int) -> None:
    needed = upfront_need(scheme, issued, registrations)
    if needed > budget:
        raise SchemeError("budget", "budget_too_small", budget=int(budget), needed=needed, count=int(registrations))


def _geometric_scale(mean_days: np.ndarray) -> np.ndarray:
    """λ such that floor(Exp(1) · λ) is geometric with the given mean: λ = 1 / ln(1 + 1/mean)."""
    mean_days = np.asarray(mean_days, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(mean_days > 0, 1 / np.log1p(1 / np.maximum(mean_days, 1e-12)), 0.0)


def _category_preference(scheme: Scheme) -> np.ndarray:
    """(groups × categories) weight; categories a group does not name keep weight 1."""
    weights = np.ones((len(BENEFICIARY_GROUPS), len(MERCHANT_CATEGORIES)))
    for name, rules in scheme.behaviour.by_group.items():
        for category, weight in rules.categories.items():
            weights[BENEFICIARY_GROUPS.index(name), MERCHANT_CATEGORIES.index(category)] = weight
    return weights


def voucher_beneficiaries(owner: np.ndarray, v_owner: np.ndarray) -> np.ndarray:
    return owner.astype(v_owner.dtype)[v_owner]  # gathered in the narrow type: no int64 copy of 8 M


def voucher_numbers(level_bounds: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(level_bounds) - 1, dtype=np.int32), np.diff(level_bounds))


def _vouchers(scheme: Scheme, entitled: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """Cut each entitlement into tranches and vouchers (exact integers), laid out in queue order.

    Tranches split the value evenly with the remainder in the last one; within a tranche every voucher
    is one denomination except the last, which carries what is left — so a person's vouchers sum to
    their entitlement to the unit. Queue order is voucher number first (nobody's second voucher is
    served before their first), then a seeded random priority of the owner: how people reaching a shop
    on the same day line up, fixed per population and seed. The vouchers are generated level by level
    (all first vouchers, then all second ones …) straight into that order, so no sort is needed.
    """
    n, count, denom = len(entitled), scheme.tranches.count, scheme.tranches.denomination
    base = entitled // count
    last = entitled - base * (count - 1)
    per_base = -(-base // denom) if denom else (base > 0).astype(np.int64)
    per_last = -(-last // denom) if denom else (last > 0).astype(np.int64)
    ben_count = per_base * (count - 1) + per_last
    # Everything a level needs, put in priority order once, so each level reads memory sequentially.
    owner = rng.permutation(n)
    o_count, o_per_base, o_per_last = (x[owner].astype(np.int32) for x in (ben_count, per_base, per_last))
    o_base, o_last = base[owner], last[owner]
    # Level j holds the owners of a (j+1)-th voucher; its size is known up front, so every level is
    # written straight into its slice of the output (no list of levels joined at the end).
    sizes = np.bincount(ben_count)[::-1].cumsum()[::-1][1:]  # owners with more than j vouchers
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    total = int(bounds[-1])
    index_type = np.int32 if total < 2**31 else np.int64
    # A voucher, and an owner's running total, are never worth more than the owner's entitlement: written as
    # int32 straight away when every entitlement fits, instead of int64 (cut down afterwards).
    amount_type = np.int32 if not n or entitled.max() < 2**31 else np.int64
    v_owner, v_amount, v_cum = np.empty(total, index_type), np.empty(total, amount_type), np.empty(total, amount_type)
    v_tranche, v_opens = np.empty(total, np.int16), np.empty(total, bool)
    alive = np.arange(n)
    running = np.zeros(n, dtype=np.int64)  # each owner's value so far, by priority position
    for j in range(len(sizes)):
        alive = alive[o_count[alive] > j]  # owners of a (j+1)-th voucher, still in priority order
        level = slice(bounds[j], bounds[j + 1])
        v_owner[level] = alive
        if count == 1:  # one tranche (most schemes): voucher j of each, its value and the running total
            value = o_last[alive]
            if denom:  # a full denomination until the last voucher, which carries what is left (≤ denom)
                np.minimum(value - j * denom, denom, out=v_amount[level])
                np.minimum(value, (j + 1) * denom, out=v_cum[level])
            else:
                v_amount[level], v_cum[level] = value, value
            v_tranche[level], v_opens[level] = 0, j == 0
            continue
        pb = o_per_base[alive]
        split = (count - 1) * pb  # vouchers before the last tranche
        in_last = j >= split
        position = np.where(in_last, j - split, j % np.maximum(pb, 1) if count > 1 else 0)
        tranche = np.where(in_last, count - 1, j // np.maximum(pb, 1) if count > 1 else 0)
        size = np.where(in_last, o_per_last[alive], pb)
        value = np.where(in_last, o_last[alive], o_base[alive]) if count > 1 else o_last[alive]
        amount = np.where(position < size - 1, denom, value - position * denom) if denom else value
        running[alive] += amount
        v_amount[level], v_cum[level] = amount, running[alive]
        v_tranche[level], v_opens[level] = tranche, position == 0
    return {
        "owner": owner,
        "v_owner": v_owner,
        # int32 when every voucher fits (nearly always): half the memory traffic per run
        "v_amount": v_amount.astype(np.int32, copy=False) if not total or v_amount.max() < 2**31 else v_amount,
        "v_cum": v_cum,
        "v_tranche": v_tranche,
        "v_opens": v_opens,
        "level_bounds": bounds,
        "max_vouchers": len(sizes),
    }
