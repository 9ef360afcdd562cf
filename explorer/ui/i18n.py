"""The current language (URL `lang`, kept in the session) and shortcuts bound to it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from explorer import fmt
from explorer.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang") or DEFAULT_LANGUAGE
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    return translate(lang(), key, **values)


def labels(prefix: str) -> Callable[[object], str]:
    """A widget's format_func for codes: the words of key `prefix + code` in the language the widget is drawn in
    (fixed then, so a label is never looked up outside the page's run, where the language is unknown)."""
    language = lang()
    return lambda code: translate(language, f"{prefix}{code}")


def money(amount, currency: str = "VND") -> str:
    return fmt.money(amount, currency, lang())


def compact_money(amount, currency: str = "VND") -> str:
    return fmt.compact_money(amount, currency, lang())


def currency_symbol(currency: str = "VND") -> str:
    return fmt.currency_symbol(currency, lang())


def num(value) -> str:
    return fmt.number(value, lang())


def pct(ratio, digits: int = 1) -> str:
    return fmt.percent(ratio, lang(), digits)


def day(value) -> str:
    return fmt.day(value, lang())


def moment(value) -> str:
    return fmt.moment(value, lang())
