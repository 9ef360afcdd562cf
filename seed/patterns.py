"""Amounts and times that look like real relief statements (calibrated to the 2024 aggregates in
seed/REFERENCE.md: favourite round amounts, a long tail of company gifts, bursts, evening peaks)."""

from __future__ import annotations

import numpy as np

# Favourite exact amounts and their share of lines (the rest: odd amounts and the large-gift tail).
FAVOURITES = np.array(
    [
        100_000,
        200_000,
        500_000,
        1_000_000,
        50_000,
        300_000,
        2_000_000,
        20_000,
        10_000,
        5_000_000,
        30_000,
        150_000,
        3_000_000,
        400_000,
        10_000_000,
    ]
)
FAVOURITE_SHARES = np.array([21.0, 20.7, 15.2, 8.8, 7.9, 6.1, 2.2, 2.0, 1.9, 1.0, 0.9, 0.8, 0.6, 0.6, 0.5])
ROUND_SMALL = np.array(
    [5_000, 15_000, 25_000, 40_000, 60_000, 70_000, 80_000, 250_000, 600_000, 700_000, 800_000, 1_500_000]
)
TAIL_SHARE = 0.0045  # gifts of 20 M – 2 bn from companies and well-off donors
ODD_SHARE = 0.06  # not a multiple of 10,000 (94 % of real lines are)

# Micro-donation campaigns (many people giving a little, as on the Thiện nguyện app).
MICRO = np.array([1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000])
MICRO_SHARES = np.array([8, 6, 22, 30, 18, 12, 4])

# Share of lines by hour of day (0–23h), from 219 k timed lines.
HOUR_SHARES = np.array(
    [
        0.3,
        4.5,
        0.6,
        0.5,
        0.5,
        0.6,
        1.5,
        2.9,
        4.4,
        4.8,
        5.0,
        5.2,
        4.6,
        4.7,
        5.0,
        5.2,
        5.3,
        5.4,
        5.6,
        7.0,
        7.9,
        9.6,
        7.5,
        1.7,
    ]
)


def relief_amounts(rng: np.random.Generator, n: int) -> np.ndarray:
    """n donation amounts in đồng with the real mix of favourite, other round, odd and huge amounts."""
    fav_p = FAVOURITE_SHARES / FAVOURITE_SHARES.sum()
    out = FAVOURITES[rng.choice(len(FAVOURITES), n, p=fav_p)]
    kind = rng.random(n)
    other_round = (kind > 0.885) & (kind <= 0.885 + 0.05)
    out[other_round] = ROUND_SMALL[rng.integers(0, len(ROUND_SMALL), other_round.sum())]
    odd = (kind > 0.935) & (kind <= 0.935 + ODD_SHARE)
    # Odd amounts: a round amount plus the sender's "signature" (e.g. 200,000 + 1,234).
    out[odd] = (
        rng.choice(FAVOURITES[:9], odd.sum())
        + rng.integers(1, 999, odd.sum()) * 1_000
        + rng.integers(0, 9, odd.sum()) * 100
        + 56
    )
    tail = kind > 1 - TAIL_SHARE
    out[tail] = (np.exp(rng.uniform(np.log(20e6), np.log(2e9), tail.sum())) // 1_000_000 * 1_000_000).astype(np.int64)
    return out.astype(np.int64)


def micro_amounts(rng: np.random.Generator, n: int) -> np.ndarray:
    return MICRO[rng.choice(len(MICRO), n, p=MICRO_SHARES / MICRO_SHARES.sum())].astype(np.int64)


def burst_weights(days: int, peak_day: int) -> np.ndarray:
    """Lines per day after an appeal: a rise to `peak_day`, then decay by about a third a day, then a trickle."""
    d = np.arange(days, dtype=float)
    rise = np.where(d <= peak_day, 0.02 + 0.98 * (d / max(peak_day, 1)) ** 2, 0.0)
    fall = np.where(d > peak_day, 0.67 ** (d - peak_day), 0.0)
    return np.maximum(rise + fall, 0.004)


def timestamps(rng: np.random.Generator, start: np.datetime64, days: int, peak_day: int, n: int) -> np.ndarray:
    """n datetimes (second resolution) over `days` days from `start`, shaped by the burst and the daily cycle."""
    w = burst_weights(days, peak_day)
    day = rng.choice(days, n, p=w / w.sum())
    hour = rng.choice(24, n, p=HOUR_SHARES / HOUR_SHARES.sum())
    second = rng.integers(0, 3600, n)
    offsets = day.astype(np.int64) * 86_400 + hour * 3600 + second
    return np.sort(start.astype("datetime64[s]") + offsets.astype("timedelta64[s]"))
