"""Numbers, money and dates for people, per language, through Babel (no Streamlit here).

Amounts are stored in minor units (see explorer.db.schema); `money` converts with the currency's
ISO 4217 precision so VND prints without decimals ('1.000.000 ₫') and CNY as '¥200.00'.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import (format_compact_decimal, format_currency, format_decimal, format_percent,
                           get_currency_precision, get_currency_symbol)

from explorer.i18n import LOCALES


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["vi"])


def major_units(amount: int | float, currency: str = "VND") -> float:
    return amount / 10 ** get_currency_precision(currency)


def money(amount: int | float | None, currency: str = "VND", lang: str = "vi") -> str:
    if amount is None:
        return "—"
    return format_currency(major_units(amount, currency), currency, locale=_locale(lang))


def compact_money(amount: int | float | None, currency: str = "VND", lang: str = "vi") -> str:
    """Short form for headline numbers: '211 tỷ ₫', '211B ₫', '2110亿 ₫' (the locale's currency symbol, not
    the three-letter code: headline boxes are narrow, and 'VND' cost the last digits of '112,9 tỷ VND').

    Vietnamese gets CLDR's long form: its short 'T' (tỷ) is easily misread as thousand or trillion.
    """
    if amount is None:
        return "—"
    style = "long" if lang == "vi" else "short"
    short = format_compact_decimal(major_units(amount, currency), format_type=style, locale=_locale(lang),
                                   fraction_digits=1)
    return f"{short} {get_currency_symbol(currency, locale=_locale(lang))}"


def number(value: int | float | None, lang: str = "vi") -> str:
    return "—" if value is None else format_decimal(value, locale=_locale(lang))


def percent(ratio: float | None, lang: str = "vi", digits: int = 1) -> str:
    if ratio is None:
        return "—"
    return format_percent(ratio, format="#,##0." + "0" * digits + "%" if digits else "#,##0%", locale=_locale(lang))


def day(value: dt.date | None, lang: str = "vi") -> str:
    return "—" if value is None else format_date(value, format="medium", locale=_locale(lang))


def moment(value: dt.datetime | None, lang: str = "vi") -> str:
    return "—" if value is None else format_datetime(value, format="short", locale=_locale(lang))
