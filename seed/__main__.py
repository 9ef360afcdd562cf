"""python -m seed --scale {tiny,demo,national} --seed N --db URL"""

from __future__ import annotations

import argparse
import json
import sys

from tqdm import tqdm

from explorer.db.engine import DatabaseError, make_engine
from explorer.settings import load_settings
from seed.generate import seed_database
from seed.scales import SCALES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seed", description="Generate the simulated charity ledger.")
    parser.add_argument(
        "--scale",
        choices=[*sorted(s for s in SCALES if s != "stress_year"), "stress"],
        default="demo",
        help="tiny: tests (seconds); demo: the default; national: the Thiện nguyện figures; "
        "stress: ten million lines over six years (replaces the whole database)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default=None, help="database URL (default: the app's configured database)")
    args = parser.parse_args(argv)
    url = args.db or load_settings().database_url
    bar = tqdm(total=100, unit="%", desc=f"seed {args.scale}", file=sys.stderr)

    def progress(fraction: float, label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(max(int(fraction * 100) - bar.n, 0))

    try:
        result = seed_database(make_engine(url), args.scale, args.seed, progress)
    except DatabaseError as exc:
        bar.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
