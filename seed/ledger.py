"""All statement lines: donations with donors and memos, debits for disbursements, foreign-currency
sweeps, carry-over openings, running balances; ids in time order."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from explorer.text import fold
from seed import people
from seed.campaigns import donations
from seed.people import NameBook
from seed.scales import Scale

MEGA_DONORS = 100_000


def donor_pool_size(donations_n: int, distinct: int) -> int:
    """Pool size D such that n uniform draws from D hit about `distinct` donors: D(1 − e^(−n/D)) = distinct."""
    if donations_n <= distinct:
        return distinct  # every donation from someone new
    lo, hi = distinct, distinct * 50
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mid * (1 - np.exp(-donations_n / mid)) < distinct else (lo, mid)
    return int(hi)


def plant_shapes(camp: pd.DataFrame) -> dict[int, dict]:
    """National only: the app's well-known campaign shapes on three early campaigns."""
    ids = camp.loc[camp.status != "planned", "id"].head(3).tolist()
    shapes = {
        ids[0]: {"to_raise": 1_610_000_000, "donors": 1_341, "profile": "relief"},
        ids[1]: {"to_raise": 1_300_000_000, "donors": 3_054, "profile": "relief", "days": 1},
        ids[2]: {"to_raise": 0, "donors": MEGA_DONORS, "profile": "micro", "lines": 1_050_000},
    }
    for cid, s in shapes.items():
        camp.loc[camp.id == cid, ["to_raise", "profile"]] = [s["to_raise"], s["profile"]]
    return shapes


def campaign_donations(rng: np.random.Generator, scale: Scale, camp: pd.DataFrame, shapes: dict) -> pd.DataFrame:
    """Incoming lines per campaign with a donor index (donor pools: shared, or the shape's own)."""
    parts = []
    for c in camp.itertuples():
        shape = shapes.get(c.id)
        if shape and shape.get("lines"):
            from seed.patterns import micro_amounts, timestamps

            n = shape["lines"]
            frame = pd.DataFrame(
                {
                    "amount": micro_amounts(rng, n),
                    "posted_at": timestamps(
                        rng, np.datetime64(c.start_on), max(min(120, (scale.end - c.start_on).days), 5), 3, n
                    ),
                }
            )
        else:
            # A shape's many small donors: no single large gift may stand in for hundreds of them.
            frame = donations(
                rng,
                pd.Series(c._asdict()),
                scale.end,
                days=(shape or {}).get("days"),
                peak_day=0 if shape and shape.get("days") else None,
                max_gift=2_000_000 if shape else None,
            )
        frame["campaign_id"] = c.id
        frame["account_id"] = c.account_id
        frame["category"] = c.category
        parts.append(frame)
    lines = pd.concat(parts, ignore_index=True)
    shared = ~lines.campaign_id.isin(list(shapes))
    pool = donor_pool_size(int(shared.sum()), scale.distinct_donors)
    donor = rng.integers(0, pool, len(lines))
    offset = pool
    for cid, shape in shapes.items():  # each shape has its own donors, each giving at least once
        mask = (lines.campaign_id == cid).to_numpy()
        k, n = shape["donors"], int(mask.sum())
        own = np.concatenate([np.arange(k), rng.integers(0, k, max(n - k, 0))])[:n]
        donor[mask] = offset + rng.permutation(own)
        offset += k
    lines["donor"] = donor
    return lines


def name_donors(rng: np.random.Generator, names: NameBook, lines: pd.DataFrame) -> pd.DataFrame:
    """Counterparty as banks print it and the donor key (printed name + the sender's account)."""
    used, inverse = np.unique(lines.donor.to_numpy(), return_inverse=True)
    printed = people.bank_upper(names.names(rng, len(used)))
    sender_acct = rng.integers(10**9, 10**10 - 1, len(used))
    counterparty = printed[inverse]
    big = (lines.amount >= 20_000_000).to_numpy() & (rng.random(len(lines)) < 0.7)
    counterparty[big] = people.companies(rng, int(big.sum()))
    lines["counterparty"] = counterparty
    # The sender's account (printed in MBVCB memos) tells namesakes apart; printed names are ASCII already.
    sender = pd.Series(sender_acct[inverse], index=lines.index).astype(str)
    lines["donor_key"] = lines.counterparty.str.lower() + ":" + sender
    return lines


def write_memos(rng: np.random.Generator, lines: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    acc = accounts.set_index("id")
    phrase_of = {cat: np.array(p, dtype=object) for cat, p in people.PHRASES.items()}
    pick = rng.random(len(lines))
    phrases = np.empty(len(lines), dtype=object)
    for category, idx in lines.groupby("category").indices.items():
        options = phrase_of.get(category, phrase_of["community"])
        phrases[idx] = options[(pick[idx] * len(options)).astype(int)]
    anonymous = rng.random(len(lines)) < 0.38  # 61.6 % of real memos carry the sender's name
    lines["description"], lines["reference"] = people.memos(
        rng,
        lines.counterparty.astype(object),
        pd.Series(phrases, index=lines.index),
        pd.to_datetime(lines.posted_at),
        lines.account_id.map(acc.holder_name),
        lines.account_id.map(acc.number),
        anonymous,
        np.arange(len(lines)),
    )
    lines["direction"], lines["currency"] = "in", "VND"
    return lines


def foreign_currency(rng: np.random.Generator, accounts: pd.DataFrame, names: NameBook, scale: Scale) -> pd.DataFrame:
    """A few USD gifts on the foreign-currency accounts (amounts in cents)."""
    usd = accounts[accounts.currency == "USD"]
    rows = []
    for a in usd.itertuples():
        n = 40
        who = people.bank_upper(names.names(rng, n))
        days = rng.integers(0, (scale.end - scale.start).days, n)
        for w, d, cents in zip(who, days, rng.choice([2_000, 5_000, 10_000, 50_000, 100_000], n), strict=False):
            posted = dt.datetime.combine(scale.start + dt.timedelta(days=int(d)), dt.time(int(rng.integers(8, 22)), 0))
            rows.append(
                {
                    "account_id": a.id,
                    "posted_at": posted,
                    "direction": "in",
                    "amount": int(cents),
                    "currency": "USD",
                    "reference": f"SWIFT{rng.integers(10**8, 10**9)}",
                    "counterparty": w,
                    "description": f"DONATION FROM {w} FOR VIETNAM RELIEF",
                    "campaign_id": None,
                    "donor_key": fold(w) + ":usd",
                }
            )
    return pd.DataFrame(rows)


def search_texts(counterparty: pd.Series, description: pd.Series) -> pd.Series:
    """fold(counterparty + ' ' + description), vectorised for ASCII lines (all but a few)."""
    joined = counterparty.fillna("").astype(object).str.cat(description.astype(object), sep=" ").str.strip()
    folded = joined.str.lower()  # seeded memos are single-spaced ASCII: lower() is the whole fold
    odd = ~joined.map(lambda v: v.isascii() and v.isprintable())
    folded[odd] = joined[odd].map(fold)
    return folded


def with_balances(lines: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Sort by time, give ids in that order and compute running balances.

    An account whose payouts would dip below zero (money carried over from its general fund) gets an
    opening balance that covers the dip, so balance = opening + credits − debits holds on every line.
    """
    lines = lines.sort_values(["posted_at", "direction"], kind="stable").reset_index(drop=True)
    signed = np.where(lines.direction == "in", lines.amount, -lines.amount)
    running = pd.Series(signed).groupby(lines.account_id).cumsum()
    low = running.groupby(lines.account_id).min()
    opening = ((-low.clip(upper=0)) + 999_999) // 1_000_000 * 1_000_000
    accounts["opening_balance"] = accounts.id.map(opening).fillna(0).astype(np.int64)
    lines["balance"] = (running + lines.account_id.map(opening)).to_numpy()
    lines["id"] = np.arange(1, len(lines) + 1)
    lines["has_time"] = True
    lines["search_text"] = search_texts(lines.counterparty, lines.description)
    return lines
