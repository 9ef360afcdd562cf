"""Benchmark: import a generated N-line statement (default 2 M) into an empty SQLite database with its
full-text index, `--runs` times, and print p50/p95 seconds per stage and the ratio to a baseline measured in
the same run (pandas reading the same file: the floor of any CSV import). Target: 2 M lines ≤ 60 s.

    .venv/bin/python bench/bench_import.py [--rows 2000000] [--runs 3] [--layout agribank]
        [--index auto|triggers|rebuild]

Not a test: it takes a minute and writes ~1 GB under a temporary directory (removed afterwards).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from explorer.db import ledger
from explorer.db.engine import create_schema, make_engine
from explorer.ingest import read_statement, write_statement

ACCOUNT = "8300333385555"
SURNAMES = ["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "VU", "DANG", "BUI", "DO", "HO", "NGO", "DUONG", "MAI"]
MIDDLES = ["VAN", "THI", "HUU", "DUC", "MAI", "XUAN", "BAO", "PHU", "HAI", "TRI", "HOANG", "QUANG"]
GIVENS = ["AN", "BINH", "CHI", "DUNG", "HUNG", "LAN", "NAM", "NGOC", "PHUC", "THAO", "VU", "YEN", "KHOA", "ANH"]
MEMOS = [
    "ung ho dong bao bao lu",
    "ho tro dong bao vung lu",
    "chung tay cung mien Bac",
    "Chuyen tien ung ho bao",
    "ung ho mien bac khac phuc bao yagi",
    "Dong bao minh oi co gang len",
    "ung ho cuu tro dong bao",
]
AMOUNTS = [10_000, 20_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000, 5_000_000]


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def generate(path: Path, rows: int, layout: str, seed: int = 1) -> None:
    """A statement in `layout` shaped like the samples: names, memos and favourite amounts, time moving forward."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 9, 10)
    balance = 0
    with path.open("w", newline="", encoding="utf-8-sig" if layout == "vcb_thong_ke" else "utf-8") as fh:
        out = csv.writer(fh, delimiter=";" if layout == "vietinbank" else ",")
        if layout == "vcb_daily":
            out.writerow(["PageId", "TNXDate", "DocNo", "Debit", "Credit", "Balance", "TransactionDetails"])
        elif layout == "vcb_thong_ke":
            out.writerow(
                [
                    "STT",
                    "Ngày giờ giao dịch",
                    "Số tiền ghi nợ",
                    "Số tiền ghi có",
                    "Tên người chuyển",
                    "Nội dung chi tiết",
                ]
            )
        elif layout == "vietinbank":
            out.writerow(["STT", "Ngày GD", "Số tiền ghi có", "Nội dung chi tiết"])
        for i in range(rows):
            when = start + dt.timedelta(seconds=i * 2)
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"
            memo, value = rng.choice(MEMOS), rng.choice(AMOUNTS)
            balance += value
            day = when.strftime("%d/%m/%Y")
            if layout == "agribank":
                text_ = f"{name} {memo}"
                cut = rng.randint(10, len(text_) - 1)  # wrapped mid-word, as Agribank prints it
                out.writerow(
                    [
                        day,
                        text_[:cut] + "\n" + text_[cut:],
                        "",
                        dotted(value),
                        dotted(balance),
                        f"{i:08d}",
                        "AGRIBANK",
                        "MTTQ",
                    ]
                )
            elif layout == "vcb_daily":
                out.writerow(
                    [
                        i // 100 + 1,
                        day,
                        f"{5000 + i % 1000}.{i:07d}",
                        "",
                        dotted(value),
                        "",
                        f"MBVCB.{7000000000 + i}.{name} {memo}.CT tu {1000000000 + i} {name} toi {ACCOUNT} QUY",
                    ]
                )
            elif layout == "vcb_thong_ke":
                out.writerow(
                    [
                        i + 1,
                        f"{day} {when.hour}:{when:%M:%S}",
                        "",
                        f"{value}.00",
                        name,
                        f"{i:06d}.{when:%d%m%y}.{i:06d}.{name} {memo}",
                    ]
                )
            else:
                out.writerow(
                    [
                        i + 1,
                        f"{day} {when:%H:%M:%S}",
                        f"{value:,}",
                        f"{memo} (CT1111); thoi gian GD:{day} {when:%H:%M:%S} {name} {i:09d}***",
                    ]
                )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def one_run(path: Path, tmp: Path, run: int) -> dict:
    """Import `path` into a new database; seconds per stage, and the baseline: pandas reading the same file."""
    import io

    import pandas as pd

    data = path.read_bytes()
    b0 = time.perf_counter()
    pd.read_csv(io.BytesIO(data), header=None, dtype=object, keep_default_na=False, engine="c")
    baseline = time.perf_counter() - b0
    engine = make_engine(f"sqlite:///{tmp / f'bench{run}.sqlite'}")
    create_schema(engine)
    t1, c1 = time.perf_counter(), time.process_time()
    statement = read_statement(data, path.name, account=ACCOUNT)
    t2 = time.perf_counter()
    result = write_statement(engine, statement, account=ACCOUNT)
    t3, c3 = time.perf_counter(), time.process_time()
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM statement_lines")).scalar_one()
        hits = conn.execute(
            text('SELECT count(*) FROM statement_fts WHERE statement_fts MATCH \'"hac" AND "phu"\'')
        ).scalar_one()
    engine.dispose()
    (tmp / f"bench{run}.sqlite").unlink()
    return {
        "read": t2 - t1,
        "write": t3 - t2,
        "total": t3 - t1,
        "cpu": c3 - c1,
        "baseline": baseline,
        "added": result.added,
        "stored": stored,
        "hits": hits,
        "layout": result.layout,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_import", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layout", choices=["agribank", "vcb_daily", "vcb_thong_ke", "vietinbank"], default="agribank")
    parser.add_argument(
        "--index",
        choices=["auto", "triggers", "rebuild"],
        default="auto",
        help="keep the FTS index by triggers row by row, or drop and rebuild it (auto: by size)",
    )
    args = parser.parse_args(argv)
    if args.index != "auto":
        ledger.BULK_INDEX_THRESHOLD = 0 if args.index == "rebuild" else 10**12
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        path = Path(tmp) / f"{args.layout}_{args.rows}.csv"
        t0 = time.perf_counter()
        generate(path, args.rows, args.layout)
        print(
            f"generated {args.rows:,} lines ({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        load_before = f"{os.getloadavg()[0]:.1f}"  # the wall time means little on a machine busy with others
        runs = [one_run(path, Path(tmp), i) for i in range(args.runs)]
    last = runs[-1]
    print(
        f"layout {last['layout']}, index {args.index}: {last['added']:,} lines added, {last['stored']:,} stored, "
        f"FTS hits for 'hac' and 'phu': {last['hits']:,}"
    )
    print(f"{'stage':<22}{'p50 s':>8}{'p95 s':>8}")
    for stage in ("baseline", "read", "write", "total", "cpu"):
        values = [r[stage] for r in runs]
        print(f"{stage:<22}{percentile(values, 0.5):>8.1f}{percentile(values, 0.95):>8.1f}")
    total = percentile([r["total"] for r in runs], 0.5)
    ratio = total / percentile([r["baseline"] for r in runs], 0.5)
    print(
        f"p50 {total:.1f} s = {args.rows / total:,.0f} rows/s; {ratio:.1f}× the baseline (pandas reading the file); "
        f"load average before/after {load_before} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        "target: 2 M lines ≤ 60 s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
