"""A query cut off by the public time limit shows the friendly "narrow your search" notice on every page,
never a traceback, whichever way the query reads (SQLAlchemy rows or pandas.read_sql, which wraps errors)."""

from __future__ import annotations

import pytest
import streamlit as st
from page_specs import open_page
from sqlalchemy import event

from explorer.db.engine import is_timeout, make_engine
from explorer.i18n import translate
from explorer.queries import presenter
from explorer.ui import data
from explorer.ui.headless import PAGES

NOTICE = translate("en", "common.query_timeout")


@pytest.fixture()
def hasty_engine(tiny_db_url, monkeypatch):
    """The public engine with a 1 µs limit, whose clock SQLite checks every 1,000 steps here (20,000 in the app):
    any statement longer than that (one reading more than a few dozen rows) is cut off, however fast the machine."""
    engine = make_engine(tiny_db_url, readonly=True, timeout_ms=0.001)

    @event.listens_for(engine, "before_cursor_execute")
    def _check_sooner(conn, *_):  # runs after the engine's own listener and replaces its handler
        conn.connection.dbapi_connection.set_progress_handler(lambda: 1, 1_000)

    monkeypatch.setattr(data, "public_engine", lambda url, timeout_ms: engine)
    st.cache_data.clear()  # results cached by earlier tests (same database URL) would answer without a query
    yield engine
    st.cache_data.clear()


def test_a_pandas_read_cut_off_counts_as_a_timeout(hasty_engine):
    with pytest.raises(Exception) as caught:
        presenter.campaign_choices(hasty_engine)
    assert type(caught.value).__module__.startswith("pandas") and is_timeout(caught.value)


# The default Statements and Verify views read a handful of rows; a search for a missing word reads them all.
SEARCHES = {
    "statements": {"q": "no such donor"},
    "verify": {"name": "zz"},  # (two letters: no index helps)
    "vouchers": {"population": "db"},
}  # a preset's own population needs no query: the seeded one does


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_notice_instead_of_a_traceback(app, hasty_engine, page):
    at = open_page(app, page, {"lang": "en", **SEARCHES.get(page, {})})  # (open_page checks: no exception)
    assert NOTICE in [w.value for w in at.warning]
