"""`python -m explorer bench --db URL [--json] [--repeats N] [--only KEY …] [--explain]`: p50/p95 of pages, searches.

Not a timed test: a measurement to read. Each operation is registered under a key with a *factory*
`factory(engine) -> run`, where `run()` performs the operation once and returns how many rows it produced;
the factory does the untimed preparation (for instance picking real names and amounts from the data).
An operation may name a `baseline` operation measured in the same run; the table shows the speed-up
(baseline p50 / operation p50).

To add operations, write a module that calls `register(...)` at import and append its name to MODULES
(e.g. "explorer.bench.accounts"); `python -m explorer bench` imports every module listed there.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from explorer.db.engine import DatabaseError, make_engine
from explorer.settings import load_settings

Run = Callable[[], int | dict[str, int]]  # rows, or {'rows': n, ...} with more figures (see measure)
MODULES = ["explorer.bench.search", "explorer.bench.public", "explorer.bench.pages", "explorer.bench.vouchers"]


@dataclass(frozen=True)
class Operation:
    key: str
    factory: Callable[[Engine], Run]
    baseline: str | None = None
    note: str = ""
    repeats: int | None = None  # heavy operations (whole pages, a million beneficiaries) run fewer times


OPERATIONS: dict[str, Operation] = {}


def register(
    key: str,
    factory: Callable[[Engine], Run],
    *,
    baseline: str | None = None,
    note: str = "",
    repeats: int | None = None,
) -> None:
    """Add (or replace) the operation `key`; `baseline` is the key of the operation it is compared with."""
    OPERATIONS[key] = Operation(key, factory, baseline, note, repeats)


def measure(run: Run, repeats: int) -> dict:
    """One untimed warm-up, then `repeats` timed runs: wall-clock p50 and p95 (nearest rank), the CPU time
    p50 (steadier than wall-clock on a shared machine: SQLite works in this process) and the rows of the last run.
    A run may return a dict instead of its rows: {'rows': n, ...} whose other figures (a page's sections cut off
    by the time limit) are reported as they are; with 'wall_ms' and 'cpu_ms' the run timed itself (a page render
    times the page's own run, not the test harness that sets it up) and those are its times.
    """
    last = run()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        last = run()
        timed = last if isinstance(last, dict) and "wall_ms" in last else None
        wall.append(timed["wall_ms"] if timed else (time.perf_counter() - start) * 1000)
        cpu.append(timed["cpu_ms"] if timed else (time.process_time() - start_cpu) * 1000)
    ordered = sorted(wall)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    figures = last if isinstance(last, dict) else {"rows": last}
    figures = {k: v for k, v in figures.items() if k not in ("wall_ms", "cpu_ms")}
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        **{k: int(v) for k, v in figures.items()},
    }


def run_all(engine: Engine, repeats: int, only: list[str] | None = None, baselines: bool = True) -> dict[str, dict]:
    """Measure every registered operation (and the baselines those asked for, unless `baselines` is False: at
    ten million lines each LIKE scan takes seconds), with speed-up ratios."""
    for name in MODULES:
        importlib.import_module(name)
    wanted = list(OPERATIONS) if not only else [k for k in OPERATIONS if k in only]
    if baselines:
        wanted += sorted({base for k in wanted if (base := OPERATIONS[k].baseline)} - set(wanted))
    results = {
        key: measure(OPERATIONS[key].factory(engine), min(repeats, OPERATIONS[key].repeats or repeats))
        for key in wanted
    }
    for key, result in results.items():
        base = OPERATIONS[key].baseline
        if base:  # named even when not measured here: a run of the baselines alone can be set beside this one
            result["baseline"] = base
        if base and base in results and result["p50_ms"] > 0:
            result["speedup_p50"] = round(results[base]["p50_ms"] / result["p50_ms"], 1)
            result["speedup_p95"] = round(results[base]["p95_ms"] / max(result["p95_ms"], 1e-3), 1)
    renders = {k: r for k, r in results.items() if k.startswith("page_first_render_")}
    if renders:  # the slowest page stands for "every page's first render"
        slowest = max(renders, key=lambda k: renders[k]["p95_ms"])
        results["page_first_render"] = {
            **renders[slowest],
            "slowest": slowest.removeprefix("page_first_render_"),
            "pages": len(renders),
        }
    return results


def table(results: dict[str, dict]) -> str:
    header = f"{'operation':26} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'rows':>5}  ratio vs baseline (p50, p95)"
    lines = [header, "-" * len(header)]
    for key, r in results.items():
        if "p50_ms" not in r:
            lines.append(f"{key:26} {r}")
            continue
        ratio = f"{r['speedup_p50']:>6}× {r['speedup_p95']:>6}×  vs {r['baseline']}" if "speedup_p50" in r else ""
        ratio += f"CUT OFF: {r['cut_off']} section(s) show the time-limit notice" if r.get("cut_off") else ""
        lines.append(
            f"{key:26} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['cpu_p50_ms']:>8.2f} {r['rows']:>5}  {ratio}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer bench", description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--db", help="database URL (default: the configured one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object keyed by operation")
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per operation (default 30)")
    parser.add_argument("--only", nargs="*", help="measure only these operation keys (plus their baselines)")
    parser.add_argument(
        "--rss",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the peak RSS of a process rendering every page (default on)",
    )
    parser.add_argument(
        "--baselines",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the LIKE-scan baselines of the searches asked for (default on)",
    )
    parser.add_argument("--explain", action="store_true", help="print the search plan of every benchmarked term")
    args = parser.parse_args(argv)
    url = args.db or load_settings().database_url
    os.environ["EXPLORER_DATABASE_URL"] = url  # page renders open the app on the same database
    try:
        engine = make_engine(url, readonly=True)
        if args.explain:
            from explorer.bench.search import explain

            print(explain(engine))
            return 0
        results = run_all(engine, max(args.repeats, 1), args.only, args.baselines)
        if args.rss:
            from explorer.bench.pages import peak_rss_mb

            results["peak_rss_mb"] = {"value": round(peak_rss_mb(url), 1)}
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0
