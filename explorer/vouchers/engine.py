"""The Monte Carlo engine: one run is a handful of numpy passes over all beneficiaries and vouchers.

Per run: claim (verification, assisted claiming) → a regular shop among the nearest allowed ones
(merchant appeal × distance decay × category preference) → a requested day for every voucher
(tranches in order, optional interval schedule) → merchant queues: each shop serves at most its daily
capacity, first come first served, so a crowded shop pushes redemptions to later days → expiry and
per-merchant caps decide what is redeemed. The only Python loops run over days and tranches, never
over beneficiaries. All money stays in int64 minor units, so issued = redeemed + unspent + returned
+ lapsed holds to the unit in every run (checked before a run is accepted).

Modelling shortcuts, on purpose: a voucher's request day follows the previous voucher's *request*
day, not its service day; a queued voucher that expires while waiting still took a slot that day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from explorer.vouchers.memory import reuse_freed_memory
from explorer.vouchers.metrics import RunMetrics, run_metrics
from explorer.vouchers.population import Population
from explorer.vouchers.prepare import Prepared, prepare
from explorer.vouchers.scheme import Scheme

NEVER = np.iinfo(np.int32).max  # "no expiry" as a day index
SERVE_CHUNK = 1 << 18  # vouchers queued at a time: the chunk's sort and scatters fit in a 1–2 MB cache


@dataclass
class RunOutcome:
    """What happened in one run, at the level the metrics need."""

    claimed: np.ndarray  # (N,) bool
    claim_day: np.ndarray  # (N,) int
    expiry: np.ndarray  # (N,) first day a voucher can no longer be used (NEVER if none)
    redeemed: np.ndarray  # (N,) int64 value redeemed
    transactions: np.ndarray  # (N,) redeemed vouchers
    first_day: np.ndarray  # (N,) day of the first redemption, -1 if none
    shop_km: np.ndarray  # (N,) distance to the regular shop
    tx_shop: np.ndarray  # redeemed vouchers: shop index, day, value (int32 or int64 minor units)
    tx_day: np.ndarray
    tx_value: np.ndarray
    cap_refused: int = 0  # value shops refused because it would pass the per-merchant cap
    cap_merchants: int = 0  # shops that refused vouchers at the cap
    cap_refused_by_shop: np.ndarray | None = None  # (M,) value each shop refused at the cap
    limit_refused: int = 0  # value refused because it would pass the person's limit at the shop's category


def run_once(p: Prepared, rng: np.random.Generator) -> RunOutcome:
    s, n, horizon = p.scheme, p.n, p.horizon
    b, v = s.behaviour, s.verification
    # Every draw is made for every beneficiary whatever the scheme's limits, so two schemes that differ
    # only in, say, the travel limit see the same people making the same choices (common random numbers).
    u = rng.random((6, n))
    claim_delay = _delays(rng, p.delay_scale["claim"])
    first_delay = _delays(rng, p.delay_scale["first"])
    gaps = _delays(rng, p.delay_scale["gap"])
    appeal = rng.lognormal(0.0, b.merchant_popularity_spread, len(p.capacity))

    verified = (u[1] < v.face_success) | ((u[2] < v.assisted_share) & (u[3] < v.assisted_success))
    last_claim_day = min(horizon, p.fixed_expiry if p.fixed_expiry is not None else horizon)
    claimed = (u[0] < b.claim_probability) & verified & (claim_delay < last_claim_day)
    expiry = _expiry(p, claim_delay)
    spender = claimed & p.reachable & (u[4] >= b.never_spend_share)

    shop, shop_km = _pick_shops(p, appeal, u[5])

    # Everything per voucher is read in queue order through the owner's priority position, so each
    # level of vouchers reads the owners' data sequentially (memory traffic is the cost at 8 M vouchers).
    # The vouchers stay in one flat array for the whole run: one that is not taken to a shop gets the
    # shop-day key past the last real one, so nothing is compacted or gathered into a second layout.
    owner = p.owner
    end = np.minimum(expiry, horizon)
    usable_until = np.where(spender, np.maximum(end, 0), 0)[owner].astype(np.int32)  # 0: will not spend
    keys = _queue_keys(p, (claim_delay + first_delay)[owner], claim_delay[owner], gaps, usable_until, shop[owner])
    kept, tx_day, (cap_refused, cap_merchants, refused_by_shop) = _serve(p, keys)
    tx_value = p.v_amount[kept]
    tx_shop = keys.bucket[kept] // np.int32(horizon)
    # A person's redeemed vouchers are a prefix of theirs (same shop, queued in order, one expiry, a cap
    # that only ever closes): their count is one past the level of the last, their value that voucher's
    # running total. Level by level, each owner at most once per level (sequential writes by owner
    # position) — no weighted count over every redemption — then put back in registration order.
    by_owner = p.v_owner[kept]
    cut = np.searchsorted(kept, p.level_bounds)
    by_position, count_by_position = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for j in range(len(cut) - 1):
        level = by_owner[cut[j] : cut[j + 1]]
        by_position[level] = p.v_cum[kept[cut[j] : cut[j + 1]]]
        count_by_position[level] = j + 1
    redeemed, transactions = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    redeemed[owner], transactions[owner] = by_position, count_by_position
    # Everybody's first redemption is their voucher 0: level 0 leads the flat arrays.
    first = slice(0, int(cut[1]))
    first_day = np.full(n, -1, dtype=np.int64)
    first_day[owner[by_owner[first]]] = tx_day[first]
    return RunOutcome(
        claimed=claimed,
        claim_day=claim_delay,
        expiry=expiry,
        redeemed=redeemed,
        transactions=transactions,
        first_day=first_day,
        shop_km=shop_km,
        tx_shop=tx_shop,
        tx_day=tx_day,
        tx_value=tx_value,
        cap_refused=cap_refused,
        cap_merchants=cap_merchants,
        cap_refused_by_shop=refused_by_shop,
        limit_refused=keys.limit_refused,
    )


def _pick_shops(p: Prepared, appeal: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each person's regular shop among their k candidates, drawn with weight appeal × preference: the first
    candidate whose running weight reaches u × the total. Column by column (k ≤ 4): numpy's cumsum and sum
    along a row of four loop once per row."""
    k = p.cand.shape[1]
    weight = appeal[p.cand] * p.cand_pref
    running = weight[:, 0].copy()
    below = []  # running weight up to each candidate
    for j in range(1, k):
        below.append(running.copy())
        running += weight[:, j]
    threshold = u * running
    pick = np.zeros(p.n, dtype=np.int64)
    for column in below:  # the last candidate's running weight is the total: never below the threshold
        pick += column < threshold
    at = np.arange(0, p.n * k, k) + pick
    return p.cand.ravel()[at].astype(np.int32), p.cand_km.ravel()[at]


def _delays(rng: np.random.Generator, scale: np.ndarray) -> np.ndarray:
    """Whole days, geometric: floor(Exp(1) · λ) with λ from prepare._geometric_scale has exactly the
    wanted mean, and exponential draws are several times faster than numpy's geometric."""
    draws = rng.standard_exponential(len(scale), dtype=np.float32 if scale.dtype == np.float32 else np.float64)
    np.multiply(draws, scale, out=draws)
    return draws.astype(np.int32)  # truncation = floor for non-negative values


def _expiry(p: Prepared, claim_day: np.ndarray) -> np.ndarray:
    mode = p.scheme.expiry.mode
    if mode == "fixed_date":
        return np.full(p.n, p.fixed_expiry, dtype=np.int64)
    if mode == "days_after_claim":
        return claim_day + p.scheme.expiry.days
    return np.full(p.n, NEVER, dtype=np.int64)


@dataclass
class QueueKeys:
    """Every voucher's place in the shop queues, in the flat voucher order of `Prepared`."""

    bucket: np.ndarray  # (V,) int32 shop × horizon + request day; shops × horizon: not taken to a shop
    day: np.ndarray  # (V,) int32 request day (cut to the horizon)
    until: np.ndarray  # (V,) first day the owner can no longer use it (0: will not spend)
    limit_refused: int  # value refused at a category limit


def _queue_keys(
    p: Prepared, start: np.ndarray, claim_day: np.ndarray, gaps: np.ndarray, until: np.ndarray, shop: np.ndarray
) -> QueueKeys:
    """Day each voucher is taken to a shop, in queue order, level by level (a loop over voucher
    numbers, never over people): a person's first voucher on their first-spend day, each next one a
    gap later; with an interval schedule a tranche's first voucher also waits for the tranche to open.
    Days past the horizon are cut to it. A voucher is taken to the shop only before `until`, and not when
    it would take its owner past the category limit of the shop (a suffix of their vouchers: the running
    value only grows, so what is redeemed stays a prefix). `start`, `claim_day`, `until` and `shop` are
    per owner, in priority order."""
    horizon, total = p.horizon, len(p.v_owner)
    never = np.int32(len(p.capacity) * horizon)
    day = np.empty(total, dtype=np.int32)
    bucket = np.empty(total, dtype=np.int32)
    until_v = np.empty(total, dtype=np.int16 if horizon < 2**15 else np.int32)
    latest = np.empty(len(start), dtype=np.int32)  # days: whole draws of a few hundred at most, summed
    key = shop * np.int32(horizon)  # the owner's shop-day key on day 0
    limit = p.shop_limit[shop] if p.shop_limit is not None else None
    limit_refused = 0
    interval = p.scheme.tranches.interval_days if p.scheme.tranches.schedule == "interval" else 0
    for j in range(len(p.level_bounds) - 1):
        level = slice(p.level_bounds[j], p.level_bounds[j + 1])
        who = p.v_owner[level]
        # When every owner has a voucher at this level (the first ones always do), `who` is 0 … n-1.
        at = _Owners(None if len(who) == len(start) else who)
        when = at(start) if j == 0 else at(latest) + gaps[level]
        if interval and j:
            opens = at(claim_day) + p.v_tranche[level].astype(np.int64) * interval
            when = np.where(p.v_opens[level], np.maximum(when, opens), when)
        if at.who is None:
            latest[:] = when
        else:
            latest[who] = when
        # Written straight into the level's slices: no temporaries of a level's size to copy in.
        d = np.minimum(when, horizon, out=day[level])
        u = at(until)
        left_out = d >= u
        if limit is not None:
            over = ~left_out & (p.v_cum[level] > at(limit))
            limit_refused += int(p.v_amount[level][over].sum())
            left_out |= over
        until_v[level] = u
        np.copyto(np.add(at(key), d, out=bucket[level]), never, where=left_out)
    return QueueKeys(bucket, day, until_v, limit_refused)


@dataclass(frozen=True)
class _Owners:
    """Reads per-owner arrays for one level's vouchers: through their owners' positions, or as they are
    when the level holds every owner in order (who is None)."""

    who: np.ndarray | None

    def __call__(self, per_owner: np.ndarray) -> np.ndarray:
        return per_owner if self.who is None else per_owner[self.who]


def _serve(p: Prepared, q: QueueKeys) -> tuple[np.ndarray, np.ndarray, tuple[int, int, np.ndarray]]:
    """First come, first served at each shop within its daily capacity, then expiry and the merchant cap.

    Vouchers are stored by (voucher number, arrival priority), so ascending order is already queue order
    within any one shop and day; a stable 16-bit radix sort by shop-day finishes the queue. Sorting
    millions is still the slow part, so only vouchers that need an order get one: those arriving on a day
    their shop cannot clear, and those at shops over the cap. Returns (redeemed voucher indices, ascending;
    their service days; (value refused at the cap — by vouchers that would otherwise have been served in
    time — how many shops refused some, and the value each shop refused)).
    """
    horizon, shops = p.horizon, len(p.capacity)
    cells = shops * horizon
    bucket, day = q.bucket, q.day
    arrivals = np.bincount(bucket, minlength=cells + 1)[:cells].reshape(shops, horizon)
    served_per_day = np.empty_like(arrivals)
    backlog = np.zeros(shops, dtype=np.int64)
    for t in range(horizon):
        waiting = backlog + arrivals[:, t]
        served_per_day[:, t] = np.minimum(waiting, p.capacity)
        backlog = waiting - served_per_day[:, t]
    cum_arrived, cum_served = np.cumsum(arrivals, axis=1), np.cumsum(served_per_day, axis=1)
    ok = bucket != cells  # taken to a shop; those served on their request day are served in time
    # A day whose arrivals (and any backlog) all go through that day needs no order: each is served on it.
    jammed = np.zeros(cells + 1, dtype=bool)
    jammed[:cells] = (cum_served < cum_arrived).ravel()
    jam = jammed[bucket]
    if jam.any():
        # Slot n of a shop's whole queue (shop by shop, day by day, then those still waiting at the end)
        # falls on slot_day[n] (`horizon` = never served).
        slots = np.concatenate([served_per_day, backlog[:, None]], axis=1)
        slot_day = np.repeat(np.tile(np.arange(horizon + 1, dtype=np.int32), shops), slots.ravel())
        shop_offset = np.concatenate([[0], np.cumsum(cum_arrived[:, -1])[:-1]])
        # Place in the shop's queue = arrivals there before this day + rank among this day's arrivals.
        # The rank is counted chunk by chunk of the flat order (queue order within a shop-day): those in
        # earlier chunks, then the rank within the chunk from a stable sort of the chunk alone, whose
        # arrays stay in the processor's cache instead of scattering across 8 M vouchers.
        placed = (shop_offset[:, None] + cum_arrived - arrivals).ravel()
        for lo in range(0, len(bucket), SERVE_CHUNK):
            chunk = slice(lo, lo + SERVE_CHUNK)
            local = np.flatnonzero(jam[chunk])
            if not len(local):
                continue
            keys = bucket[chunk][local]
            queue = local[_stable_argsort(keys)]  # positions in the chunk, in queue order
            per_bucket = np.bincount(keys, minlength=cells)
            # The queue is sorted by bucket, so each bucket's start is repeated over its run (no gather).
            first = placed - (np.cumsum(per_bucket) - per_bucket)
            served_on = slot_day[np.repeat(first, per_bucket) + np.arange(len(queue))]
            day[chunk][queue] = served_on  # from here on `day` is the service day
            ok[chunk][queue] = served_on < q.until[chunk][queue]
            placed += per_bucket
    cap = p.scheme.merchants.cap_per_merchant
    cap_stats = (0, 0, np.zeros(shops, dtype=np.int64))
    if cap:
        within = _within_cap(cap, bucket, p.v_amount, shops, horizon)
        refused = np.flatnonzero(ok & ~within)
        value, shop = p.v_amount[refused], bucket[refused] // horizon
        by_shop = np.rint(np.bincount(shop, weights=value, minlength=shops)).astype(np.int64)
        cap_stats = (int(value.sum()), int(np.count_nonzero(by_shop)), by_shop)
        ok &= within
    kept = np.flatnonzero(ok)
    return kept, day[kept], cap_stats


def _stable_argsort(keys: np.ndarray) -> np.ndarray:
    """Stable argsort of non-negative ints by 16-bit least-significant-digit radix passes."""
    top, shift = int(keys.max()) if len(keys) else 0, 16
    low = keys.astype(np.uint16) if top < 1 << 16 else (keys & 0xFFFF).astype(np.uint16)
    order = np.argsort(low, kind="stable")  # numpy sorts 16-bit keys by radix: linear time
    while top >> shift:
        digit = ((keys[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def _within_cap(cap: int, bucket: np.ndarray, value: np.ndarray, shops: int, horizon: int) -> np.ndarray:
    """False for vouchers a shop refuses because its takings would pass the cap (in queue order). Vouchers
    not taken to a shop (bucket shops × horizon) count for no shop."""
    shop = bucket // horizon  # `shops` for those not taken
    takings = np.bincount(shop, weights=value, minlength=shops + 1)[:shops]  # float64: exact below 2**53
    over = np.flatnonzero(np.append(takings > cap, False)[shop])
    ok = np.ones(len(bucket), dtype=bool)
    if len(over):
        queue = over[_stable_argsort(bucket[over])]
        running = np.cumsum(value[queue], dtype=np.int64)
        shop_of = bucket[queue] // horizon
        per_shop = np.bincount(shop_of, minlength=shops)
        before = np.repeat(np.concatenate([[0], running])[np.cumsum(per_shop) - per_shop], per_shop)
        ok[queue] = running - before <= cap
    return ok


@dataclass
class Simulation:
    prepared: Prepared
    runs: list[RunMetrics]
    seed: int


def simulate(
    scheme: Scheme,
    population: Population,
    runs: int = 10,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Simulation:
    """K seeded runs of `scheme` on `population`; raises SchemeError for a scheme that cannot run."""
    with reuse_freed_memory():  # the K runs reuse one another's freed arrays instead of mapping them anew
        prepared = prepare(scheme, population, seed)
        rngs = [np.random.default_rng([seed, k]) for k in range(runs)]  # run k is the same whatever K is
        results = []
        for k, rng in enumerate(rngs):
            results.append(run_metrics(prepared, run_once(prepared, rng), keep_settlements=k == 0))
            if progress:
                progress((k + 1) / runs)
    return Simulation(prepared, results, seed)
