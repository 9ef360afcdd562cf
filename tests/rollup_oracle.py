"""What the rollups (explorer.db.rollups) and the summaries (explorer.db.summaries) must hold, computed line by
line in plain Python, and what they hold."""

from __future__ import annotations

import bisect
from collections import defaultdict

import pandas as pd
from sqlalchemy import text

from explorer.db.rollups import AMOUNT_BUCKETS
from explorer.rules import THRESHOLD_SHARE

THRESHOLD_PERCENT = round(THRESHOLD_SHARE * 100)
CAMPAIGNS = "SELECT id, currency, target FROM campaigns"

_BOUNDS = [bound for _, bound in AMOUNT_BUCKETS if bound]


def expected(engine) -> dict:
    with engine.connect() as conn:
        lines = conn.execute(
            text(
                "SELECT posted_at, has_time, account_id, campaign_id, direction, currency, amount, "
                "donor_key, id, counterparty, source_layout, source_sha256, channel FROM statement_lines"
            )
        ).all()
    daily, hourly, donors = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), set()
    by_channel = defaultdict(lambda: [0, 0])
    by_name, by_donor, by_source = {}, {}, {}
    for row in lines:
        posted, has_time, account, campaign, direction, currency, amount, donor, line_id, name, layout, sha, channel = (
            row
        )
        when = pd.Timestamp(posted)
        if name is not None:
            _sum_into(by_name, (account, direction, currency, name), amount, line_id)
            if direction == "in" and currency == "VND":
                _sum_into(by_donor, name, amount, line_id)
        source = (account, layout or "", sha or "")
        first, last, count = by_source.get(source, (when, when, 0))
        by_source[source] = (min(first, when), max(last, when), count + 1)
        day = when.strftime("%Y-%m-%d")
        key = (day, account, campaign, direction, currency, bisect.bisect_left(_BOUNDS, amount))
        daily[key][0] += 1
        daily[key][1] += amount
        if direction == "in" and currency == "VND" and has_time:
            hourly[(day, when.hour)][0] += 1
            hourly[(day, when.hour)][1] += amount
        if direction == "in" and currency == "VND":
            by_channel[(day, account, campaign, channel or "unknown")][0] += 1
            by_channel[(day, account, campaign, channel or "unknown")][1] += amount
        if direction == "in" and donor is not None:
            donors.add(donor)
    return {
        "daily": {k: tuple(v) for k, v in daily.items()},
        "lifetime": _without_day(daily),
        "hourly": {k: tuple(v) for k, v in hourly.items()},
        "channels": {k: tuple(v) for k, v in by_channel.items()},
        "donors": donors,
        "counterparty_totals": {k: tuple(v) for k, v in by_name.items()},
        "donor_totals": {k: tuple(v) for k, v in by_donor.items()},
        "account_sources": {k: (count, first, last) for k, (first, last, count) in by_source.items()},
        "campaign_receipts": _receipts(engine, lines),
    }


def _receipts(engine, lines) -> dict:
    """campaign → (received, day cumulative receipts first reached the threshold share of its target)."""
    with engine.connect() as conn:
        campaigns = {i: (currency, target) for i, currency, target in conn.execute(text(CAMPAIGNS))}
    per_day = defaultdict(lambda: defaultdict(int))
    for posted, _, _, campaign, direction, currency, amount, *_ in lines:
        if campaign is not None and direction == "in" and currency == campaigns[campaign][0]:
            per_day[campaign][pd.Timestamp(posted).strftime("%Y-%m-%d")] += amount
    receipts = {}
    for campaign, days in per_day.items():
        target, cumulative, reached = campaigns[campaign][1], 0, None
        for day in sorted(days):
            cumulative += days[day]
            if reached is None and cumulative * 100 >= THRESHOLD_PERCENT * target:
                reached = day
        receipts[campaign] = (cumulative, reached)
    return receipts


def _without_day(daily: dict) -> dict:
    """(account, campaign, direction, currency, bucket) → (lines, amount) of all days."""
    sums = defaultdict(lambda: [0, 0])
    for (_, *key), (lines, amount) in ((k, tuple(v)) for k, v in daily.items()):
        sums[tuple(key)][0] += lines
        sums[tuple(key)][1] += amount
    return {k: tuple(v) for k, v in sums.items()}


def _sum_into(sums: dict, key, amount: int, line_id: int) -> None:
    """lines, amount, first (lowest) line id under `key`."""
    lines, total, first = sums.get(key, (0, 0, line_id))
    sums[key] = (lines + 1, total + amount, min(first, line_id))


def stored(engine) -> dict:
    with engine.connect() as conn:
        daily_rows = conn.execute(
            text("SELECT day, account_id, campaign_id, direction, currency, bucket, lines, amount FROM daily_totals")
        ).all()
        hourly_rows = conn.execute(text("SELECT day, hour, lines, amount FROM hourly_donations")).all()
        lifetime_rows = conn.execute(
            text("SELECT account_id, campaign_id, direction, currency, bucket, lines, amount FROM lifetime_totals")
        ).all()
        channel_rows = conn.execute(
            text("SELECT day, account_id, campaign_id, channel, lines, amount FROM channel_donations")
        ).all()
        donors = [k for (k,) in conn.execute(text("SELECT donor_key FROM donors"))]
        by_name = conn.execute(
            text(
                "SELECT account_id, direction, currency, counterparty, lines, amount, first_id FROM counterparty_totals"
            )
        ).all()
        by_donor = conn.execute(text("SELECT counterparty, lines, amount, first_id FROM donor_totals")).all()
        receipts = conn.execute(text("SELECT campaign_id, received, threshold_on FROM campaign_receipts")).all()
        by_source = conn.execute(
            text("SELECT account_id, source_layout, source_sha256, lines, first_at, last_at FROM account_sources")
        ).all()
    daily = defaultdict(lambda: [0, 0])
    for *key, lines, amount in daily_rows:  # no unique key: a day may be split over rows; the sums must agree
        key[0] = str(key[0])
        daily[tuple(key)][0] += lines
        daily[tuple(key)][1] += amount
    by_channel = defaultdict(lambda: [0, 0])
    for *key, lines, amount in channel_rows:  # as daily: the sums per key must agree
        key[0] = str(key[0])
        by_channel[tuple(key)][0] += lines
        by_channel[tuple(key)][1] += amount
    assert len(donors) == len(set(donors)), "a donor key is stored twice"
    return {
        "daily": {k: tuple(v) for k, v in daily.items()},
        "lifetime": _one_row_per_key(lifetime_rows),
        "hourly": {(str(day), hour): (lines, amount) for day, hour, lines, amount in hourly_rows},
        "channels": {k: tuple(v) for k, v in by_channel.items()},
        "donors": set(donors),
        "counterparty_totals": {(a, d, c, n): (lines, amount, first) for a, d, c, n, lines, amount, first in by_name},
        "donor_totals": {n: (lines, amount, first) for n, lines, amount, first in by_donor},
        "account_sources": {
            (a, layout, sha): (lines, pd.Timestamp(first), pd.Timestamp(last))
            for a, layout, sha, lines, first, last in by_source
        },
        "campaign_receipts": {c: (r, None if d is None else str(d)[:10]) for c, r, d in receipts},
    }


def _one_row_per_key(rows) -> dict:
    keyed = {tuple(key): (lines, amount) for *key, lines, amount in rows}
    assert len(keyed) == len(rows), "lifetime_totals holds a key twice"
    return keyed


def assert_rollups_match(engine) -> None:
    want, got = expected(engine), stored(engine)
    parts = (
        "daily",
        "lifetime",
        "hourly",
        "channels",
        "donors",
        "counterparty_totals",
        "donor_totals",
        "account_sources",
        "campaign_receipts",
    )
    for part in parts:
        assert got[part] == want[part], part
    assert all(want.values())  # something was compared
