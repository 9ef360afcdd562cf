"""bench/bench_scale.py renders saved bench runs as the tables of BENCHMARKS.md (not timed)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "bench" / "bench_scale.py"


def load():
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_markdown_shows_times_ratios_load_and_cut_offs(tmp_path):
    record = {
        "label": "national, SQLite, after",
        "started": "2026-12-03 05:50 UTC",
        "load_before": [9.5, 9.67, 8.58],
        "load_after": [7.1, 8.0, 8.2],
        "machine": {"cores": 2, "ram_gb": 23.5, "python": "3.11.7"},
        "results": {
            "statement_search_punct": {
                "p50_ms": 40.25,
                "p95_ms": 61.0,
                "cpu_p50_ms": 30.0,
                "rows": 0,
                "baseline": "like_scan_punct",
                "speedup_p50": 41.2,
                "speedup_p95": 30.1,
            },
            "page_first_render_stats": {
                "p50_ms": 900.0,
                "p95_ms": 5100.0,
                "cpu_p50_ms": 700.0,
                "rows": 30,
                "cut_off": 1,
            },
            "peak_rss_mb": {"value": 512.3},
        },
    }
    path = tmp_path / "run.json"
    path.write_text(json.dumps(record))
    text = load().markdown([path])
    assert (
        "### national, SQLite, after" in text and "2 cores, 23.5 GB RAM" in text and "9.5 / 9.67 / 8.58 before" in text
    )
    assert "| statement_search_punct | 40.2 | 61.0 | 30.0 | 0 | 41.2× / 30.1× vs like_scan_punct |" in text
    assert "| page_first_render_stats | 900.0 | 5100.0 | 700.0 | 30 |  CUT OFF (1) |" in text
    assert "| peak_rss_mb | 512.3 |" in text


def test_matrix_puts_runs_side_by_side_with_baselines_measured_apart(tmp_path):
    """A column per run; a search's LIKE ratio comes from its own run or from a '<label>-like' run beside it."""

    def run(label: str, results: dict) -> Path:
        path = tmp_path / f"{label}.json"
        record = {"label": label, "started": "2026-12-03 11:22 UTC", "load_before": [1.2], "load_after": [0.9]}
        path.write_text(json.dumps({**record, "results": results}))
        return path

    timed = {"p50_ms": 10.0, "p95_ms": 14.4, "cpu_p50_ms": 3.0, "rows": 20}
    paths = [
        run(
            "demo-sqlite",
            {
                "statement_search_mid": {**timed, "baseline": "like_scan_mid"},
                "like_scan_mid": {**timed, "p50_ms": 55.0},
            },
        ),
        run(
            "stress-sqlite",
            {"statement_search_mid": {**timed, "baseline": "like_scan_mid"}, "peak_rss_mb": {"value": 345.0}},
        ),
        run("stress-sqlite-like", {"like_scan_mid": {**timed, "p50_ms": 12_000.0}}),
    ]
    text = load().matrix(paths)
    assert text.splitlines()[0] == "| operation | demo-sqlite | stress-sqlite |"  # the '-like' run is no column
    assert "| statement_search_mid | 14 / 3 (5.5×) | 14 / 3 (1,200.0×) |" in text
    assert "| peak_rss_mb |  | 345.0 |" in text
    assert "like_scan_mid |" not in text  # baselines are ratios, not rows
    assert "stress-sqlite 2026-12-03 11:22 UTC, load 1.2–0.9" in text
