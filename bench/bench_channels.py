"""Benchmark the channel queries on a seeded database: the whole ledger's channel mix (Stats), one campaign's mix
and giving-day pool (a campaign's page), the matching check and the statements' channel filter; p50/p95 in ms.
Also prints the channel mix itself and the amount mix of relief campaigns against the real shares.

    .venv/bin/python bench/bench_channels.py --db sqlite:///data/national.sqlite [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_SHARES = {100_000: 21.0, 200_000: 20.7, 500_000: 15.2}  # seed/REFERENCE.md, 2024 relief statements


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

    from explorer.db.engine import make_engine
    from explorer.queries import channels, statements

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    engine = make_engine(args.db, readonly=True, timeout_ms=60_000)
    with engine.connect() as conn:
        project = conn.execute(text("SELECT MIN(campaign_id) FROM matching_projects")).scalar()
        lines = conn.execute(text("SELECT COUNT(*) FROM statement_lines")).scalar_one()
    print(f"{args.db}: {lines:,} lines; load average {os.getloadavg()[0]:.1f}")
    cases = {
        "channel_mix (whole ledger)": lambda: channels.channel_mix(engine),
        "channel_mix (one campaign)": lambda: channels.channel_mix(engine, campaign_id=project),
        "pool_of (one campaign)": lambda: channels.pool_of(engine, project),
        "matching_breaches": lambda: channels.matching_breaches(engine),
        "search_lines channel=matching": lambda: statements.search_lines(engine, channel="matching"),
        "search_lines channel=card q=nguyen": lambda: statements.search_lines(engine, channel="card", q="nguyen"),
    }
    for name, fn in cases.items():
        p50, p95 = timed(fn, args.runs)
        print(f"{name:40} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    mix = channels.channel_mix(engine)
    print("\nchannel      lines      share   money share")
    for row in mix.itertuples():
        print(f"{row.channel:16} {row.lines:>10,} {row.line_share:7.1%} {row.amount_share:9.1%}")
    with engine.connect() as conn:
        for label, where in (
            ("relief campaigns (disaster_relief)", "c.category = 'disaster_relief'"),
            ("all VND gifts", "1 = 1"),
            ("all but e-wallet micro-gifts", "COALESCE(s.channel, 'unknown') <> 'ewallet'"),
        ):
            total = conn.execute(
                text(f"""SELECT COUNT(*) FROM statement_lines s LEFT JOIN campaigns c ON c.id = s.campaign_id
                         WHERE s.direction = 'in' AND s.currency = 'VND' AND {where}""")
            ).scalar_one()
            counts = dict(
                conn.execute(
                    text(f"""SELECT s.amount, COUNT(*) FROM statement_lines s LEFT JOIN campaigns c
                             ON c.id = s.campaign_id WHERE s.direction = 'in' AND s.currency = 'VND' AND {where}
                             AND s.amount IN (1000, 5000, 10000, 100000, 200000, 500000) GROUP BY s.amount""")
                ).all()
            )
            shares = " · ".join(f"{a // 1000}k {100 * counts.get(a, 0) / max(total, 1):.1f} %" for a in sorted(counts))
            print(f"{label} ({total:,} lines): {shares}")
    print("real 2024 relief statements: " + " · ".join(f"{a // 1000}k {s} %" for a, s in REAL_SHARES.items()))


if __name__ == "__main__":
    main()
