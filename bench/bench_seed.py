"""Time a seed stage by stage: wall and CPU seconds, resident memory (now and peak) at every stage change.

    .venv/bin/python bench/bench_seed.py --scale stress --db sqlite:///data/stress.sqlite --out data/bench/seed.json

The seed's progress hook names the stage being worked on; this records when each name first appears, each
replayed year, the index builds, and the full-text index rebuild or copy. CPU time is the process's own (user +
system; children_cpu_s: the stress seed's second process, counted once it has ended), steadier than wall-clock
on a shared machine; the load average is saved before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.db import search
from explorer.db.engine import make_engine
from seed import generate, stress
from seed.generate import seed_database


def rss_mb() -> tuple[float, float]:
    """(resident now, peak so far) in MB."""
    now = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
    return round(now / 1024, 1), round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", default="stress")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    stages: list[dict] = []

    def mark(label: str) -> None:
        now, peak = rss_mb()
        row = {
            "stage": label,
            "wall_s": round(time.perf_counter() - wall0, 1),
            "cpu_s": round(time.process_time() - cpu0, 1),
            "children_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]), 1),
            "rss_mb": now,
            "peak_rss_mb": peak,
        }
        stages.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    def progress(_fraction: float, label: str) -> None:
        if not stages or stages[-1]["stage"] != label:
            mark(label)

    rebuild = search.rebuild_index

    def timed_rebuild(conn) -> None:
        mark("fts rebuild")
        rebuild(conn)
        mark("fts rebuilt")

    search.rebuild_index = timed_rebuild
    adopt = search.adopt_index_file

    def timed_adopt(conn, path: str) -> None:
        mark("search index copy")
        adopt(conn, path)
        mark("search index copied")

    search.adopt_index_file = timed_adopt
    replay_sql = stress.replay_sql

    def timed_replay_sql(conn, k: int, *args) -> str:
        mark(f"replay year {k}")
        return replay_sql(conn, k, *args)

    stress.replay_sql = timed_replay_sql
    bulk_load = generate.bulk_load

    @contextmanager
    def timed_bulk_load(conn, table: str, *args):
        with bulk_load(conn, table, *args):
            yield
            mark(f"index builds ({table})")

    generate.bulk_load = timed_bulk_load
    load_before = os.getloadavg()
    mark("start")
    result = seed_database(make_engine(args.db), args.scale, args.seed, progress)
    mark("end")
    record = {
        "scale": args.scale,
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(time.time() - stages[-1]["wall_s"])),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "stages": stages,
        "result": result,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(record, indent=2))
    print(json.dumps({k: v for k, v in record.items() if k != "stages"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
