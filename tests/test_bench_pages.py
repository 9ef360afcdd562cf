"""The page benchmark times the page a visitor opens, not the test harness around it."""

from __future__ import annotations

import time

from explorer.bench import measure
from explorer.ui import headless


def test_a_run_that_times_itself_gives_its_own_times():
    runs = iter(
        [{"rows": 7, "wall_ms": 900, "cpu_ms": 800}] + [{"rows": 7, "wall_ms": w, "cpu_ms": 10} for w in (5, 6, 40)]
    )

    def run():
        time.sleep(0.01)  # harness time the figures must not include
        return next(runs)

    figures = measure(run, 3)
    assert figures == {"p50_ms": 6, "p95_ms": 40, "cpu_p50_ms": 10, "rows": 7}


def test_a_page_render_counts_the_page_only(app_env):
    start = time.perf_counter()
    first = headless.render("verify")
    whole = (time.perf_counter() - start) * 1000
    figures = headless.render("statements")
    assert first["cut_off"] == 0 and figures["cut_off"] == 0 and figures["rows"] > 10
    # the first render also ran the entry script (the overview) and scanned for components: the page is a part
    assert 0 < first["wall_ms"] < whole
    assert headless._components is not None  # the scan is kept for the next render
