"""Benchmark operations for whole pages: the first render of every page (AppTest, caches cleared each time),
and the peak resident memory of a separate process that renders every page once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

from sqlalchemy.engine import Engine

from explorer.bench import register
from explorer.ui.headless import PAGES, render


def _first_render(engine: Engine, page: str) -> Callable[[], dict[str, int]]:
    """Renders use EXPLORER_DATABASE_URL (set by `python -m explorer bench` to the database measured)."""
    return lambda: render(page)


# The child reports its own high-water mark (VmHWM): getrusage(RUSAGE_CHILDREN) would also count the memory
# the child shared with this process between fork and exec, i.e. the benchmark's own peak (1.8 GB after the
# voucher runs, against 0.5 GB really used by the pages).
_RENDER_ALL = """
import re, resource
from explorer.ui.headless import PAGES, render
for page in PAGES:
    render(page)
try:
    status = open("/proc/self/status").read()
    print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)))
except OSError:  # no /proc: the rusage figure (may include what fork shared)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_mb(url: str) -> float:
    """Peak RSS (MB) of a fresh process that renders every page once against `url`."""
    env = {**os.environ, "EXPLORER_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", _RENDER_ALL], check=True, env=env, capture_output=True, text=True, timeout=1800
    )
    return int(done.stdout.split()[-1]) / 1024


for _page in PAGES:
    register(
        f"page_first_render_{_page}",
        lambda e, p=_page: _first_render(e, p),
        note=f"AppTest, cold cache: {_page}",
        repeats=5,
    )
