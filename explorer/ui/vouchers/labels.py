"""Words and numbers of the voucher page: choice labels, metric names and values in the page's language."""

from __future__ import annotations

import math
from collections.abc import Callable

from explorer import fmt
from explorer.i18n import catalog, translate
from explorer.ui.i18n import compact_money, lang, num, pct, t
from explorer.vouchers.presets import DOCUMENTED, PRESETS, documented_issue
from explorer.vouchers.report import (
    HEADLINE,
    Report,
)

FRONT = (
    "coverage",
    "reached_share",
    "claim_rate",
    "redemption_rate",
    "unspent_at_expiry",
    "days_to_first_spend_mean",
    "beyond_travel_share",
    "top10_share",
    "cost_per_beneficiary",
    "cost_per_unit_delivered",
)


def metric_labels():
    """A format_func naming metrics in the language of this run (see `explorer.ui.i18n.labels`)."""
    language = lang()

    def name(metric: str) -> str:
        key = f"vouchers.mx_{metric}"
        return translate(language, key if key in catalog() else f"vouchers.m_{metric}")

    return name


def preset_figures(name: str, language: str) -> dict[str, str]:
    """A preset's amounts and documented counts, written by explorer.fmt in `language`, for its label and its
    description: the amounts are the preset's own, written as every other amount on the page ('¥200.00'); the
    catalog once wrote them by hand ('200 元', '200 CNY') beside '¥5,275,000.00'."""
    scheme = PRESETS[name]
    cur = scheme.currency
    figures = {
        "total": fmt.money(documented_issue(name), cur, language),
        "tranches": fmt.number(scheme.tranches.count, language),
        "denomination": fmt.money(scheme.tranches.denomination, cur, language),
    }
    for target in scheme.targets:
        figures[target.group] = fmt.money(target.amount, cur, language)
    for group, count in DOCUMENTED[name].items():
        figures[f"{group}_n"] = fmt.number(count, language)
    return figures


def preset_labels() -> Callable[[str], str]:
    """The preset picker's format_func, in the language of this run (see `explorer.ui.i18n.labels`)."""
    language = lang()
    return lambda name: translate(language, f"vouchers.preset_{name}", **preset_figures(name, language))


def preset_about(name: str) -> str:
    """What a preset was designed for: who, how much each, the total."""
    return t(f"vouchers.preset_{name}_about", **preset_figures(name, lang()))


def label(metric: str) -> str:
    """A metric's name on screen: the unambiguous `mx_` wording where one exists (two rows both called
    "Value redeemed" could not be told apart), else the original `m_` one."""
    key = f"vouchers.mx_{metric}"
    return t(key) if key in catalog() else t(f"vouchers.m_{metric}")


def fmt_metric(report: Report, metric: str, column: str = "mean") -> str:
    """A metric as the page shows it (tests compare the page with the engine through this)."""
    value = float(report.summary[column].loc[metric])
    kind = HEADLINE.get(metric, "num")
    if math.isnan(value):
        return "—"
    if kind in ("pct", "money"):
        return pct(value) if kind == "pct" else compact_money(round(value), report.currency)
    return num(round(value, 1 if kind == "days" else 3 if kind == "ratio" else 0))


def counts_text(counts: dict[str, int]) -> str:
    return " + ".join(f"{num(n)} {t(f'vouchers.group_{g}').lower()}" for g, n in counts.items())


def fmt_value(metric: str, value: float, currency: str, signed: bool = False) -> str:
    kind = HEADLINE.get(metric, "num")
    if math.isnan(value):
        return "—"
    sign = "+" if signed and value > 0 else ""
    if kind == "pct":
        return sign + pct(value)
    if kind == "money":
        return sign + compact_money(round(value), currency)
    return sign + num(round(value, 1 if kind == "days" else 3 if kind == "ratio" else 0))
