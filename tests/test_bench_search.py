"""`python -m explorer bench` runs the search and verify operations with their LIKE baselines (not timed)."""

from __future__ import annotations

import json

from explorer import bench
from explorer.__main__ import main

SEARCH_KEYS = {
    "statement_search",
    "statement_search_rare",
    "statement_search_short",
    "statement_search_mid",
    "verify_donation",
    "like_scan_baseline",
    "like_scan_common",
    "like_scan_short",
    "like_scan_mid",
}


def test_bench_json_on_the_tiny_seed(tiny_db_url, capsys):
    # Only the search rows: the page renders and the million-beneficiary simulations take minutes.
    assert main(["bench", "--db", tiny_db_url, "--json", "--repeats", "2", "--no-rss", "--only", *SEARCH_KEYS]) == 0
    results = json.loads(capsys.readouterr().out)
    assert SEARCH_KEYS <= set(results)
    for key in SEARCH_KEYS:
        assert {"p50_ms", "p95_ms", "rows"} <= set(results[key]) and results[key]["p95_ms"] >= results[key]["p50_ms"]
    assert results["statement_search"]["rows"] == 20 and results["like_scan_common"]["rows"] == 21
    assert results["verify_donation"]["rows"] > 0
    assert results["statement_search_rare"]["baseline"] == "like_scan_baseline"
    assert results["statement_search_rare"]["speedup_p50"] > 0


def test_other_modules_can_register_operations(tiny_db_url, capsys, monkeypatch):
    monkeypatch.setattr(bench, "OPERATIONS", dict(bench.OPERATIONS))
    bench.register("one_row", lambda engine: lambda: 1, baseline="like_scan_short")
    assert main(["bench", "--db", tiny_db_url, "--repeats", "1", "--only", "one_row"]) == 0
    out = capsys.readouterr().out
    assert "one_row" in out and "like_scan_short" in out and "statement_search_rare" not in out


def test_bench_reports_a_bad_database(tmp_path, capsys):
    assert main(["bench", "--db", "mysql://nowhere/x", "--repeats", "1"]) == 1
    assert "Unsupported database" in capsys.readouterr().err


def test_bench_can_leave_the_like_baselines_out(tiny_db_url, capsys):
    """At ten million lines each LIKE scan takes seconds: --no-baselines measures only what was asked for."""
    keys = ["statement_search", "statement_search_rare"]
    assert main(["bench", "--db", tiny_db_url, "--json", "--repeats", "1", "--no-rss", "--only", *keys]) == 0
    assert {"like_scan_common", "like_scan_baseline"} <= set(json.loads(capsys.readouterr().out))
    argv = ["bench", "--db", tiny_db_url, "--json", "--repeats", "1", "--no-rss", "--no-baselines", "--only", *keys]
    assert main(argv) == 0
    results = json.loads(capsys.readouterr().out)
    assert set(results) == set(keys) and results["statement_search"]["rows"] == 20
    rare = results["statement_search_rare"]  # its baseline is named, for a run of the baselines alone, not measured
    assert rare["baseline"] == "like_scan_baseline" and "speedup_p50" not in rare
