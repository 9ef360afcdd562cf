"""Render a page of the app without a browser (Streamlit's AppTest): used by the page benchmarks."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from explorer.i18n import LANGUAGES, translate

APP = str(Path(__file__).resolve().parent.parent.parent / "streamlit_app.py")
PAGES = ("overview", "accounts", "campaigns", "statements", "verify", "disbursements", "stats", "vouchers", "presenter")


def render(page: str) -> dict[str, int]:
    """Render `page` once from a cold data cache (database from EXPLORER_DATABASE_URL): {'rows': elements shown,
    'cut_off': sections that hit the public time limit and show its notice instead}."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest outside a server warns on every run
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "overview":
        at.switch_page(f"explorer/pages/{page}.py").run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    notices = {translate(lang, "common.query_timeout") for lang in LANGUAGES}
    return {"rows": len(list(at.main)), "cut_off": sum(w.value in notices for w in at.warning)}
