"""Render a page of the app without a browser (Streamlit's AppTest): used by the page benchmarks."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import streamlit as st
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from explorer.i18n import LANGUAGES, translate

APP = str(Path(__file__).resolve().parent.parent.parent / "streamlit_app.py")
PAGES = ("overview", "accounts", "campaigns", "statements", "verify", "disbursements", "stats", "vouchers", "presenter")


# A server scans the installed packages for components once, at start; AppTest scans them for every new instance
# (0.3–1.5 s of reading package metadata). The scan is kept for the process, so a render times the page only.
_components: BidiComponentManager | None = None


def render(page: str) -> dict[str, int]:
    """Render `page` once from a cold data cache (database from EXPLORER_DATABASE_URL), as a visitor opening its
    link: {'rows': elements shown, 'cut_off': sections that hit the public time limit and show its notice
    instead, 'wall_ms' / 'cpu_ms': the page's own run}. The entry script's first run (it registers the pages and
    shows the overview) is not counted for the other pages; the data cache is cleared after it."""
    global _components
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest outside a server warns on every run
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at._bidi_component_manager = _components  # private: the one way to share the scan between instances
    if page != "overview":
        at.run()
        st.cache_data.clear()
        at.switch_page(f"explorer/pages/{page}.py")
    start, start_cpu = time.perf_counter(), time.process_time()
    at.run()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    _components = at._bidi_component_manager
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    notices = {translate(lang, "common.query_timeout") for lang in LANGUAGES}
    return {
        "rows": len(list(at.main)),
        "cut_off": sum(w.value in notices for w in at.warning),
        "wall_ms": round(wall * 1000),
        "cpu_ms": round(cpu * 1000),
    }
