"""p50/p95 of the queries the issue-14 public views add, through the public (read-only, time-limited) engine.

python bench/bench_public_views.py --db sqlite:///data/explorer.sqlite --runs 15
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def cases() -> dict:
    """The cases, imported from this checkout (not an installed copy of the package)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from explorer.queries import province_map, stats, totals

    return {
        "totals: all lines": lambda e: totals.line_totals(e),
        "totals: search 'ung ho'": lambda e: totals.line_totals(e, q="ung ho"),
        "totals: one account": lambda e: totals.line_totals(e, account="2905"),
        "totals: in, 100k-5M": lambda e: totals.line_totals(
            e, direction="in", amount_min=100_000, amount_max=5_000_000
        ),
        "line_days: all": lambda e: totals.line_days(e),
        "line_days: one account": lambda e: totals.line_days(e, account="2905"),
        "stats daily: one account": lambda e: stats.daily(e, scope=stats.scope_of(e, account="2905")),
        "stats hours: one account": lambda e: stats.by_hour(e, scope=stats.scope_of(e, account="2905")),
        "map: all": lambda e: province_map.money_by_province(e),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    measured = cases()
    from explorer.db.engine import make_engine

    engine = make_engine(args.db, readonly=True, timeout_ms=5000)
    for name, case in measured.items():
        case(engine)  # warm the page cache once
        took = []
        for _ in range(args.runs):
            start = time.perf_counter()
            case(engine)
            took.append((time.perf_counter() - start) * 1000)
        took.sort()
        p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
        print(f"{name:28s} p50 {statistics.median(took):8.1f} ms   p95 {p95:8.1f} ms")


if __name__ == "__main__":
    main()
