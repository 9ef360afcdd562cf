"""Benchmark operations for whole pages: the first render of every page (AppTest, caches cleared each time),
and the peak resident memory of a separate process that renders every page once."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from typing import Callable

from sqlalchemy.engine import Engine

from explorer.bench import register
from explorer.ui.headless import PAGES, render


def _first_render(engine: Engine, page: str) -> Callable[[], int]:
    """Renders use EXPLORER_DATABASE_URL (set by `python -m explorer bench` to the database measured)."""
    return lambda: render(page)


def peak_rss_mb(url: str) -> float:
    """Peak RSS (MB) of a fresh process that renders every page once against `url`."""
    script = "from explorer.ui.headless import PAGES, render; [render(p) for p in PAGES]"
    env = {**os.environ, "EXPLORER_DATABASE_URL": url}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, capture_output=True, timeout=1800)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


for _page in PAGES:
    register(f"page_first_render_{_page}", lambda e, p=_page: _first_render(e, p), note=f"AppTest, cold cache: {_page}",
             repeats=5)

