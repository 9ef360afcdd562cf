"""Numbers, money and dates for people, per language, through Babel (no Streamlit here).

Amounts are stored in minor units (see explorer.db.schema); `money` converts with the currency's
ISO 4217 precision so VND prints without decimals ('1.000.000 ₫') and CNY as '¥200.00'.
"""

from __future__ import annotations

import datetime as dt
import re

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_currency_symbol,
)

from explorer.i18n import LOCALES


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["vi"])


def currency_digits(currency: str = "VND") -> int:
    """Decimals a currency is written with (ISO 4217: VND 0, USD and CNY 2)."""
    return get_currency_precision(currency)


def major_units(amount: int | float, currency: str = "VND") -> float:
    return amount / 10 ** get_currency_precision(currency)


def money(amount: int | float | None, currency: str = "VND", lang: str = "vi") -> str:
    if amount is None:
        return "—"
    return format_currency(major_units(amount, currency), currency, locale=_locale(lang))


def currency_symbol(currency: str = "VND", lang: str = "vi") -> str:
    """The sign `money` writes for a currency in a language ('¥' in Chinese, 'CN¥' in English): the name a
    label gives an amount's unit ('Budget (CN¥)'), so it matches the amounts beside it."""
    return get_currency_symbol(currency, locale=_locale(lang))


def _whole_digits(text: str) -> int:
    """Length of the first run of digits: the whole part of a compact figure ('₫8.99亿' → 1, '₫899M' → 3)."""
    first = re.search(r"\d+", text)
    return len(first.group()) if first else 0


def compact_money(amount: int | float | None, currency: str = "VND", lang: str = "vi") -> str:
    """Short form for headline numbers: '211 tỷ ₫', '₫211B', '₫2110亿' (the locale's currency symbol, not
    the three-letter code: headline boxes are narrow, and 'VND' cost the last digits of '112,9 tỷ VND').
    At least three significant digits, so no figure is more than 0.5 % off: '₫8.99亿', '1,3 tỷ ₫' (1,297 tỷ).

    Vietnamese gets CLDR's long form: its short 'T' (tỷ) is easily misread as thousand or trillion.
    """
    if amount is None:
        return "—"
    style = "long" if lang == "vi" else "short"
    value = major_units(amount, currency)
    short = format_compact_decimal(value, format_type=style, locale=_locale(lang), fraction_digits=1)
    if _whole_digits(short) == 1:
        # One whole digit: a second decimal keeps three significant digits. With one, 899,000,000 ₫ read
        # '₫9亿' in Chinese (beside '899 triệu' and '₫899M') and 10,497 ₫ '₫1万', 5 % off. (Unless the second
        # decimal drops it a unit: 999,960,000 ₫ stays '1 tỷ', not '999,96 triệu'.)
        finer = format_compact_decimal(value, format_type=style, locale=_locale(lang), fraction_digits=2)
        short = finer if _whole_digits(finer) == 1 else short
    symbol = currency_symbol(currency, lang)
    # The symbol goes where the locale's full amounts put it ('₫51M' beside '₫33,985,000' in English), so one
    # screen never writes it on both sides.
    if Locale.parse(_locale(lang)).currency_formats["standard"].pattern.startswith("¤"):
        return f"{symbol}{short}"
    return f"{short} {symbol}"


def number(value: int | float | None, lang: str = "vi") -> str:
    return "—" if value is None else format_decimal(value, locale=_locale(lang))


def percent(ratio: float | None, lang: str = "vi", digits: int = 1) -> str:
    if ratio is None:
        return "—"
    return format_percent(ratio, format="#,##0." + "0" * digits + "%" if digits else "#,##0%", locale=_locale(lang))


# One date format per language, everywhere: tables, text, date pickers, chart axes and tooltips.
# (CLDR pattern for Babel, the date picker's and the grid's pattern, d3's pattern for Vega-Lite.)
# Vietnamese reads day first (03/12/2026, as the banks print it); English gets ISO, which no reader
# misreads (03/12 is March to some and December to others); Chinese reads year first (2026/12/03).
DATE_PATTERNS = {
    "vi": ("dd/MM/yyyy", "DD/MM/YYYY", "%d/%m/%Y"),
    "en": ("yyyy-MM-dd", "YYYY-MM-DD", "%Y-%m-%d"),
    "zh": ("yyyy/MM/dd", "YYYY/MM/DD", "%Y/%m/%d"),
}
MONTH_PATTERNS = {"vi": "%m/%Y", "en": "%Y-%m", "zh": "%Y/%m"}  # d3: a month on a chart axis


def _dates(lang: str) -> tuple[str, str, str]:
    return DATE_PATTERNS.get(lang, DATE_PATTERNS["vi"])


def date_widget_format(lang: str = "vi") -> str:
    """The pattern for st.date_input and st.column_config.DateColumn/DatetimeColumn (day.js tokens)."""
    return _dates(lang)[1]


def datetime_widget_format(lang: str = "vi") -> str:
    return _dates(lang)[1] + " HH:mm"


def d3_date(lang: str = "vi") -> str:
    """Vega-Lite's timeFormat for a day (axis labels and tooltips)."""
    return _dates(lang)[2]


def d3_month(lang: str = "vi") -> str:
    return MONTH_PATTERNS.get(lang, MONTH_PATTERNS["vi"])


def day(value: dt.date | None, lang: str = "vi") -> str:
    return "—" if value is None else format_date(value, format=_dates(lang)[0], locale=_locale(lang))


def moment(value: dt.datetime | None, lang: str = "vi") -> str:
    return "—" if value is None else format_datetime(value, format=_dates(lang)[0] + " HH:mm", locale=_locale(lang))


def grid_money_format(lang: str = "vi", digits: int = 0) -> str:
    """A printf format for a money column of Streamlit's grid that groups digits as the *page's* language does
    ('localized' follows the browser's locale: an English page in a Vietnamese browser showed 53.000.000).
    The grid's sprintf takes the grouping character after a quote ("%'.,d"); its decimal mark is always '.',
    so a Vietnamese amount with decimals groups with a narrow space instead of '.' (never 1.234.56)."""
    group = Locale.parse(_locale(lang)).number_symbols["latn"]["group"]
    if digits:
        group = group if group != "." else "\u202f"
        return f"%'{group},.{digits}f"
    return f"%'{group},d"


def vega_locale(lang: str = "vi", currency: str = "VND") -> dict:
    """Vega-Lite's config.locale (d3 number and time locales) from Babel's CLDR data: month and weekday
    names, decimal and group marks and the currency symbol as the page's language writes them."""
    loc = Locale.parse(_locale(lang))
    symbols = loc.number_symbols["latn"]
    symbol = get_currency_symbol(currency, locale=loc)
    suffix = loc.currency_formats["standard"].pattern.rstrip().endswith("\xa4")
    months, days = loc.months["format"], loc.days["format"]
    # CLDR numbers weekdays from Monday (0); d3 lists them from Sunday.

    def week(names):
        return [names[6], *(names[i] for i in range(6))]

    date, _, d3_day = _dates(lang)
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["", "\u00a0" + symbol] if suffix else [symbol, ""],
        },
        "time": {
            "dateTime": f"{d3_day} %H:%M:%S",
            "date": d3_day,
            "time": "%H:%M:%S",
            "periods": [loc.day_periods["format"]["abbreviated"].get(p, p.upper()) for p in ("am", "pm")],
            "days": week(days["wide"]),
            "shortDays": week(days["abbreviated"]),
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
        },
    }
