"""Widgets the list pages share: a picker that tolerates stale URL values, a pager, and table links."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlencode

import streamlit as st

from explorer.i18n import DEFAULT_LANGUAGE
from explorer.ui.i18n import lang, t

STATEMENTS_PATH = "statements"  # url_path of the Statements page (explorer/app.py)
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


def page_file(name: str) -> str:
    """A page's script as an absolute path: valid for st.page_link / st.switch_page whatever the entry script."""
    return str(PAGES_DIR / f"{name}.py")


def pick(label: str, options: Sequence[Any], current: Any, everything: str,
         label_of: Callable[[Any], str] = str, name: str = "") -> Any:
    """A selectbox with an 'everything' entry first; a URL value that is not an option is dropped with a notice."""
    choices = [None, *options]
    if current is not None and current not in options:
        st.info(t("common.ignored_params", params=f"{name}: not one of the allowed values"))
        current = None
    return st.selectbox(label, choices, index=choices.index(current),
                        format_func=lambda v: everything if v is None else label_of(v))


def date_box(container: Any, label: str, current: dt.date | None, first: dt.date | None, last: dt.date | None,
             name: str) -> dt.date | None:
    """A date picker limited to the data's days; a URL date outside them is dropped with a notice."""
    if current is not None and first and last and not first <= current <= last:
        st.info(t("common.ignored_params", params=f"{name}: outside {first.isoformat()} – {last.isoformat()}"))
        current = None
    return container.date_input(label, value=current, format="YYYY-MM-DD", min_value=first, max_value=last)


def pager(page_no: int, has_more: bool, key: str) -> None:
    """Previous / next buttons that move the URL's `page` (the rerun reads it back)."""
    def go(target: int) -> None:
        st.query_params["page"] = str(target)

    left, middle, right = st.columns([1, 2, 1])
    left.button(t("common.previous"), key=f"{key}_prev", disabled=page_no <= 1, on_click=go, args=(page_no - 1,))
    middle.caption(t("common.page_n", page=page_no))
    right.button(t("common.next"), key=f"{key}_next", disabled=not has_more, on_click=go, args=(page_no + 1,))


def _in_language(params: dict[str, Any]) -> dict[str, str]:
    """URL params as strings, carrying the current language along when it is not the default."""
    wanted = {k: str(v) for k, v in params.items() if v is not None}
    if lang() != DEFAULT_LANGUAGE:
        wanted["lang"] = lang()
    return wanted


def statements_url(**params: Any) -> str:
    """A relative link to the Statements page filtered by `params` (account number, campaign id)."""
    return f"{STATEMENTS_PATH}?{urlencode(_in_language(params))}"


def statements_link(label: str, **params: Any) -> None:
    """A link to the Statements page showing the lines of an account or campaign."""
    st.page_link(page_file(STATEMENTS_PATH), label=label, icon="📜", query_params=_in_language(params))
