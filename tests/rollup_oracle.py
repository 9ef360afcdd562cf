"""What the rollups (explorer.db.rollups) must hold, computed line by line in plain Python, and what they hold."""

from __future__ import annotations

import bisect
from collections import defaultdict

import pandas as pd
from sqlalchemy import text

from explorer.db.rollups import AMOUNT_BUCKETS

_BOUNDS = [bound for _, bound in AMOUNT_BUCKETS if bound]


def expected(engine) -> dict:
    with engine.connect() as conn:
        lines = conn.execute(
            text(
                "SELECT posted_at, has_time, account_id, campaign_id, direction, currency, amount, "
                "donor_key FROM statement_lines"
            )
        ).all()
    daily, hourly, donors = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), set()
    for posted, has_time, account, campaign, direction, currency, amount, donor in lines:
        when = pd.Timestamp(posted)
        day = when.strftime("%Y-%m-%d")
        key = (day, account, campaign, direction, currency, bisect.bisect_left(_BOUNDS, amount))
        daily[key][0] += 1
        daily[key][1] += amount
        if direction == "in" and currency == "VND" and has_time:
            hourly[(day, when.hour)][0] += 1
            hourly[(day, when.hour)][1] += amount
        if direction == "in" and donor is not None:
            donors.add(donor)
    return {
        "daily": {k: tuple(v) for k, v in daily.items()},
        "hourly": {k: tuple(v) for k, v in hourly.items()},
        "donors": donors,
    }


def stored(engine) -> dict:
    with engine.connect() as conn:
        daily_rows = conn.execute(
            text("SELECT day, account_id, campaign_id, direction, currency, bucket, lines, amount FROM daily_totals")
        ).all()
        hourly_rows = conn.execute(text("SELECT day, hour, lines, amount FROM hourly_donations")).all()
        donors = [k for (k,) in conn.execute(text("SELECT donor_key FROM donors"))]
    daily = defaultdict(lambda: [0, 0])
    for *key, lines, amount in daily_rows:  # no unique key: a day may be split over rows; the sums must agree
        key[0] = str(key[0])
        daily[tuple(key)][0] += lines
        daily[tuple(key)][1] += amount
    assert len(donors) == len(set(donors)), "a donor key is stored twice"
    return {
        "daily": {k: tuple(v) for k, v in daily.items()},
        "hourly": {(str(day), hour): (lines, amount) for day, hour, lines, amount in hourly_rows},
        "donors": set(donors),
    }


def assert_rollups_match(engine) -> None:
    want, got = expected(engine), stored(engine)
    for part in ("daily", "hourly", "donors"):
        assert got[part] == want[part], part
    assert want["daily"] and want["hourly"] and want["donors"]  # something was compared
