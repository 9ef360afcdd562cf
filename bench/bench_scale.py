"""Run `python -m explorer bench --json` on one database and save the results with the machine and its load.

    .venv/bin/python bench/bench_scale.py --db URL --label national-sqlite --out data/bench/national-sqlite.json
    .venv/bin/python bench/bench_scale.py --markdown data/bench/*.json      # the tables of BENCHMARKS.md
    .venv/bin/python bench/bench_scale.py --matrix data/bench/*.json        # one table, a column per run

The machine is shared, so every saved run carries the load average before and after it (and the CPU p50,
steadier than wall-clock when other processes compete for the cores). Voucher simulations are left out unless
--vouchers: they do not depend on the database scale.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

SKIP = ("voucher_sim_",)
BASELINES = "like_scan_"  # LIKE scans of the whole table: ~10 s each at 11.7 M lines


def machine() -> dict:
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1), "python": platform.python_version()}


def run(
    db: str, label: str, out: Path, repeats: int, vouchers: bool, cwd: Path, only: list[str] | None, baselines: bool
) -> dict:
    code = "from explorer import bench; import importlib\n[importlib.import_module(m) for m in bench.MODULES]\n"
    code += "print(' '.join(bench.OPERATIONS))"
    keys = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    only = [
        k
        for k in keys.stdout.split()
        if (vouchers or not k.startswith(SKIP))
        and (baselines or not k.startswith(BASELINES))  # an explicit key is measured even with --no-baselines
        and (not only or k in only)
    ]
    load_before, started = os.getloadavg(), time.time()
    done = subprocess.run(
        [sys.executable, "-m", "explorer", "bench", "--db", db, "--json", "--repeats", str(repeats), "--only", *only]
        + ([] if baselines else ["--no-baselines"]),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    record = {
        "label": label,
        "code": str(cwd),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "seconds": round(time.time() - started),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "results": json.loads(done.stdout),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2))
    return record


def markdown(paths: list[Path]) -> str:
    """One table per saved run: p50 / p95 / CPU p50 and the ratio to the LIKE baseline."""
    blocks = []
    for path in paths:
        record = json.loads(path.read_text())
        m = record["machine"]
        blocks.append(
            f"### {record['label']}\n\n{record['started']}, {m['cores']} cores, {m['ram_gb']} GB RAM; load average "
            f"{' / '.join(map(str, record['load_before']))} before, {' / '.join(map(str, record['load_after']))} "
            f"after (1 / 5 / 15 min)\n\n| operation | p50 ms | p95 ms | CPU p50 ms | rows | vs LIKE (p50, p95) |\n"
            "|---|---:|---:|---:|---:|---|"
        )
        for key, r in record["results"].items():
            if "p50_ms" not in r:
                blocks.append(f"| {key} | {r.get('value', r)} | | | | |")
                continue
            ratio = f"{r['speedup_p50']}× / {r['speedup_p95']}× vs {r['baseline']}" if "speedup_p50" in r else ""
            if r.get("cut_off"):
                ratio += f" CUT OFF ({r['cut_off']})"
            times = f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['cpu_p50_ms']:.1f}"
            blocks.append(f"| {key} | {times} | {r.get('rows', '')} | {ratio} |")
        blocks.append("")
    return "\n".join(blocks)


def matrix(paths: list[Path]) -> str:
    """One table over several saved runs: an operation per row, a run per column, each cell 'p95 wall / CPU p50'
    (ms) and, for a search, its p50 ratio to the LIKE baseline (read from any run whose label starts with this
    run's, e.g. 'stress-sqlite-like' beside 'stress-sqlite', where the baselines were measured apart)."""
    records = [json.loads(path.read_text()) for path in paths]
    shown = [r for r in records if not any(r is not o and r["label"].startswith(o["label"]) for o in records)]
    baselines = {
        o["label"]: {k: v for r in records if r["label"].startswith(o["label"]) for k, v in r["results"].items()}
        for o in shown
    }
    keys = [
        k for k in dict.fromkeys(k for r in shown for k in r["results"]) if not k.startswith((BASELINES, "voucher_"))
    ]
    head = "| operation | " + " | ".join(r["label"] for r in shown) + " |"
    rows = [head, "|---|" + "---:|" * len(shown)]
    for key in keys:
        cells = []
        for record in shown:
            r = record["results"].get(key)
            if r is None:
                cells.append("")
            elif "p50_ms" not in r:
                cells.append(str(r.get("value", "")))
            else:
                cell = f"{r['p95_ms']:,.0f} / {r['cpu_p50_ms']:,.0f}"
                like = baselines[record["label"]].get(r.get("baseline", ""))
                if like and "p50_ms" in like and r["p50_ms"]:
                    cell += f" ({like['p50_ms'] / r['p50_ms']:,.1f}×)"
                cells.append(cell + (" CUT OFF" if r.get("cut_off") else ""))
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    loads = "; ".join(f"{r['label']} {r['started']}, load {r['load_before'][0]}–{r['load_after'][0]}" for r in shown)
    return "\n".join(rows) + f"\n\nRuns: {loads}.\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--label")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--vouchers", action="store_true")
    parser.add_argument("--code", type=Path, default=Path.cwd(), help="the checkout whose explorer is measured")
    parser.add_argument("--markdown", nargs="*", type=Path)
    parser.add_argument("--matrix", nargs="*", type=Path, help="saved runs as one table, a column per run")
    parser.add_argument("--only", nargs="*", help="only these operation keys")
    parser.add_argument("--no-baselines", action="store_true", help="leave out the LIKE-scan baselines")
    args = parser.parse_args()
    if args.matrix:
        print(matrix(args.matrix))
        return 0
    if args.markdown:
        print(markdown(args.markdown))
        return 0
    record = run(
        args.db,
        args.label,
        args.out,
        args.repeats,
        args.vouchers,
        args.code.resolve(),
        args.only,
        not args.no_baselines,
    )
    print(json.dumps({k: v for k, v in record.items() if k != "results"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
