"""Widgets the list pages share: a picker that tolerates stale URL values, a pager, and table links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlencode

import streamlit as st

from explorer import fmt
from explorer.i18n import DEFAULT_LANGUAGE
from explorer.params import Param, to_query
from explorer.ui.i18n import lang, num, t

MONEY_WIDTH = 150  # px: '-8.130.000.000' whole in the grid's font (auto-width measures only the first rows drawn)
STATEMENTS_PATH = "statements"  # url_path of the Statements page (explorer/app.py)
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


def money_column(label: str, digits: int = 0) -> Any:
    """A money column: numbers stay numbers (a header click sorts by value), digits grouped as the *page's*
    language groups them (not the browser's: 'localized' did that), and wide enough that no amount further
    down the table is clipped. `digits`: decimals to show (0 for VND, 2 when a column holds USD or CNY)."""
    return st.column_config.NumberColumn(label, format=fmt.grid_money_format(lang(), digits), width=MONEY_WIDTH)


def date_format() -> str:
    """The page language's date pattern for date pickers and date columns (one per language, everywhere)."""
    return fmt.date_widget_format(lang())


def date_column(label: str) -> Any:
    return st.column_config.DateColumn(label, format=date_format())


def datetime_column(label: str) -> Any:
    return st.column_config.DatetimeColumn(label, format=fmt.datetime_widget_format(lang()))


def table(frame, container: Any = None, **kwargs: Any) -> Any:
    """st.dataframe, or the page's words for "nothing matches" when there is no row (the grid's own empty
    label is English, whatever the page's language)."""
    box = container or st
    if frame.empty:
        box.info(t("common.no_rows"))
        return None
    return box.dataframe(frame, **kwargs)


def last_updated() -> None:
    """A caption saying how far the statements reach (the newest line's time), in the page's language."""
    from explorer.queries import overview
    from explorer.ui.data import query

    newest = query(overview.last_line_at)
    if newest is not None:
        st.caption("🕒 " + t("common.last_updated", when=fmt.moment(newest.to_pydatetime(), lang())))


def page_file(name: str) -> str:
    """A page's script as an absolute path: valid for st.page_link / st.switch_page whatever the entry script."""
    return str(PAGES_DIR / f"{name}.py")


class Seeded(TypedDict):
    """The widget kwargs UrlState.seed returns, typed field by field so each widget's overloads see exactly what
    is passed (no index / value: the widget takes its value from session_state). Beware: a widget seeded with None
    (a parameter absent from the URL, default None) returns None although its overload says str; such values
    stay optional where they are read (the search box's q is, a presenter memo defaults to "")."""

    key: str
    on_change: Callable[[str, str, tuple[str, ...]], None]
    args: tuple[str, str, tuple[str, ...]]


class UrlState:
    """The one convention for a page's filters: the URL query parameters are the state.

    Each widget has a key (page prefix, parameter name and language) and is seeded from the URL only when
    that key is not in session_state yet (first visit, another page in between, another language: labels
    change, so the widget starts again from the URL). Its on_change writes the new value to the URL (and
    sends a list back to its first page), so the URL and the widget never disagree and no widget is ever
    given both a key and a default that moves with the URL (what made every second change vanish).
    """

    def __init__(self, prefix: str, spec: Mapping[str, Param], params: Mapping[str, Any]) -> None:
        self.prefix, self.spec, self.params = prefix, spec, params

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}_{lang()}"

    def seed(self, name: str, value: Any = None, *, from_url: bool = True, resets: tuple[str, ...] = ()) -> Seeded:
        """Widget kwargs (key, on_change, args) for parameter `name`, seeded if new from the URL's value
        (or from `value` when from_url is False: a URL value the page had to drop or convert). A change also
        drops the parameters in `resets` from the URL (they meant something only with the old value)."""
        key = self.key(name)
        if key not in st.session_state:
            st.session_state[key] = self.params[name] if from_url else value
        return {"key": key, "on_change": self._write, "args": (name, key, resets)}

    def _write(self, name: str, key: str, resets: tuple[str, ...] = ()) -> None:
        wanted = to_query({name: st.session_state[key]}, self.spec)
        if name in wanted:
            st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]
        if name != "page" and "page" in st.query_params:
            del st.query_params["page"]  # a new filter starts on its first page
        for other in resets:
            if other in st.query_params:
                del st.query_params[other]


def pick(
    label: str,
    options: Sequence[Any],
    current: Any,
    everything: str,
    label_of: Callable[[Any], str] = str,
    name: str = "",
    state: UrlState | None = None,
) -> Any:
    """A selectbox with an 'everything' entry first (returned as None); a URL value that is not an option is
    dropped with a notice. Options are stable codes (ids, codes) shown through label_of, so a language switch
    keeps the choice. 'Everything' is the option "" rather than None: a keyed selectbox holding None shows
    Streamlit's empty placeholder ("Choose an option", in English) instead of the word for everything."""
    choices = [ALL, *options]
    if current is not None and current not in options:
        st.info(t("common.ignored_params", params=f"{name}: {t('common.not_allowed')}"))
        current = None

    def shown(v: Any) -> str:
        return everything if v == ALL else label_of(v)

    if state is None:
        chosen = st.selectbox(
            label, choices, index=choices.index(ALL if current is None else current), format_func=shown
        )
    else:
        chosen = st.selectbox(
            label, choices, format_func=shown, **state.seed(name, ALL if current is None else current, from_url=False)
        )
    return None if chosen == ALL else chosen


ALL = ""  # the 'everything' entry of a pick (to_query leaves "" out of the URL)


def date_box(
    container: Any,
    label: str,
    current: dt.date | None,
    first: dt.date | None,
    last: dt.date | None,
    name: str,
    state: UrlState | None = None,
) -> dt.date | None:
    """A date picker limited to the data's days; a URL date outside them is dropped with a notice."""
    if current is not None and first and last and not first <= current <= last:
        outside = t("common.outside_range", first=fmt.day(first, lang()), last=fmt.day(last, lang()))
        st.info(t("common.ignored_params", params=f"{name}: {outside}"))
        current = None
    if state is None:
        return container.date_input(label, value=current, format=date_format(), min_value=first, max_value=last)
    held = st.session_state.get(state.key(name))
    if held is not None and first and last and not first <= held <= last:
        st.session_state[state.key(name)] = None  # another account or campaign narrowed the days
    return container.date_input(
        label, format=date_format(), min_value=first, max_value=last, **state.seed(name, current, from_url=False)
    )


def pager(page_no: int, has_more: bool, key: str) -> None:
    """Previous / next buttons: the one pager of every list. They move the URL's `page`; the rerun reads it back."""

    def go(target: int) -> None:
        st.query_params["page"] = str(target)

    left, middle, right = st.columns([1, 2, 1], vertical_alignment="center")
    left.button(t("common.previous"), key=f"{key}_prev", disabled=page_no <= 1, on_click=go, args=(page_no - 1,))
    middle.caption(t("common.page_n", page=num(page_no)))
    right.button(t("common.next"), key=f"{key}_next", disabled=not has_more, on_click=go, args=(page_no + 1,))


def _in_language(params: dict[str, Any]) -> dict[str, str]:
    """URL params as strings, carrying the current language along when it is not the default."""
    wanted = {k: str(v) for k, v in params.items() if v is not None}
    if lang() != DEFAULT_LANGUAGE:
        wanted["lang"] = lang()
    return wanted


def page_url(path: str, **params: Any) -> str:
    """A relative link to the page at url_path `path` with `params` (and the current language)."""
    return f"{path}?{urlencode(_in_language(params))}"


def statements_url(**params: Any) -> str:
    """A relative link to the Statements page filtered by `params` (account number, campaign id)."""
    return f"{STATEMENTS_PATH}?{urlencode(_in_language(params))}"


def statements_link(label: str, **params: Any) -> None:
    """A link to the Statements page showing the lines of an account or campaign."""
    st.page_link(page_file(STATEMENTS_PATH), label=label, icon="📜", query_params=_in_language(params))
