"""The only cached layer: a read-only, time-limited engine per process and TTL-cached query results.

Pages call `query(fn, **kwargs)` with a pure function from explorer.queries; the function runs on the
public engine and its result is cached for `TTL_SECONDS`. Database trouble becomes one friendly message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from explorer.db.engine import DatabaseError, is_timeout, make_engine
from explorer.settings import load_settings
from explorer.ui.i18n import t

TTL_SECONDS = 300
_REGISTRY: dict[str, Callable[..., Any]] = {}


@st.cache_resource(show_spinner=False)
def public_engine(url: str, timeout_ms: int) -> Engine:
    return make_engine(url, readonly=True, timeout_ms=timeout_ms)


def engine() -> Engine:
    s = load_settings()
    return public_engine(s.database_url, s.query_timeout_ms)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=1024)
def _cached(name: str, url: str, kwargs: tuple) -> Any:
    # Only functions registered by code reach here; the name never comes from a URL.
    return _REGISTRY[name](engine(), **dict(kwargs))


_FAILURES = (SQLAlchemyError, DatabaseError, pd.errors.DatabaseError)  # pandas wraps what read_sql meets


def _run(fn: Callable[..., Any], kwargs: dict) -> Any:
    name = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY[name] = fn
    return _cached(name, load_settings().database_url, tuple(sorted(kwargs.items())))


def query(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """fn(engine, **kwargs), cached; on a database error show a friendly message and stop the page."""
    try:
        return _run(fn, kwargs)
    except _FAILURES as exc:
        fail(exc)


def query_section(fn: Callable[..., Any], **kwargs: Any) -> Any | None:
    """`query` for one section of a page: cut off by the time limit, it shows the notice in place and returns
    None, so the rest of the page still renders (other database errors stop the page as `query` does)."""
    try:
        return _run(fn, kwargs)
    except _FAILURES as exc:
        if not is_timeout(exc):
            fail(exc)
        st.warning(t("common.query_timeout"))
        return None


def fail(exc: BaseException) -> None:
    """Show what went wrong in plain words (details only outside public mode) and stop this run."""
    if is_timeout(exc):
        st.warning(t("common.query_timeout"))
    else:
        st.error(t("common.db_unavailable"))
        if not load_settings().public_mode:
            st.caption(str(getattr(exc, "orig", exc))[:300])
    st.stop()
