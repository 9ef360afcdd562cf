"""Benchmark operations for whole pages: the first render of every page (AppTest, caches cleared each time),
and the peak resident memory of a separate process that renders every page once."""
from __future__ import annotations

import logging
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import Engine

from explorer.bench import register

APP = str(Path(__file__).resolve().parent.parent.parent / "streamlit_app.py")
PAGES = ("overview", "accounts", "campaigns", "statements", "verify", "disbursements", "stats", "vouchers",
         "presenter")


def render(page: str) -> int:
    """Render `page` once from a cold cache; returns the number of elements shown."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "overview":
        at.switch_page(f"explorer/pages/{page}.py").run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return len(list(at.main))


def _first_render(engine: Engine, page: str) -> Callable[[], int]:
    """Renders use EXPLORER_DATABASE_URL (set by `python -m explorer bench` to the database measured)."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest outside a server warns on every run
    return lambda: render(page)


def peak_rss_mb(url: str) -> float:
    """Peak RSS (MB) of a fresh process that renders every page once against `url`."""
    script = ("import sys; from explorer.bench.pages import PAGES, render; "
              "[render(p) for p in PAGES]")
    env = {**os.environ, "EXPLORER_DATABASE_URL": url}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, capture_output=True, timeout=1800)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


for _page in PAGES:
    register(f"page_first_render_{_page}", lambda e, p=_page: _first_render(e, p), note=f"AppTest, cold cache: {_page}",
             repeats=5)

