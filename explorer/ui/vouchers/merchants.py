"""Merchant view: receipts by shop and category, concentration, top shops and cap hits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.queries import vouchers as vq
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, money, num, pct, t
from explorer.ui.vouchers.labels import fmt_value
from explorer.ui.vouchers.tables import column_title, hbar_chart, labelled_downloads
from explorer.vouchers.report import Report
from explorer.vouchers.scheme import Scheme

TOP_MERCHANTS = 10


def merchant_names(source: str, scheme: Scheme) -> dict[int, str]:
    """Shop names from the database (shops are businesses); synthetic and uploaded shops have none."""
    if source != "db":
        return {}
    shops = query(vq.merchants, categories=tuple(scheme.merchants.categories))
    return dict(zip(shops["merchant_id"], shops["name"], strict=False))


def merchant_frame(
    shops: pd.DataFrame, currency: str, province_names: dict[int, str], names: dict[int, str]
) -> pd.DataFrame:
    """The per-merchant table (a report's by_merchant) as people read it: a label, the category and province in
    words, money in major units with the currency, whole transactions."""
    scale = 10 ** get_currency_precision(currency)
    out = pd.DataFrame(
        {
            "merchant_id": shops["merchant_id"],
            "merchant": [names.get(int(m)) or t("vouchers.shop_label", id=int(m)) for m in shops["merchant_id"]],
            "category": [t(f"vouchers.cat_{c}") for c in shops["category"]],
            "province": [province_names.get(int(c), str(c)) for c in shops["province_code"]],
            "receipts": (shops["receipts"] / scale).round(2),
            "receipts_p05": (shops["receipts_p05"] / scale).round(2),
            "receipts_p95": (shops["receipts_p95"] / scale).round(2),
            "share": shops["share"].round(4),
            "transactions": shops["transactions"].round().astype("int64"),
            "refused": (shops["refused"] / scale).round(2),
            "cap_hit_runs": shops["cap_hit_runs"].round(4),
        }
    )
    out["currency"] = currency
    return out


def merchant_view(report: Report, scheme: Scheme, province_names: dict[int, str], source: str) -> None:
    """Where the money goes: receipts by category and by shop, how concentrated they are, and the cap."""
    if report.suppressed or report.by_merchant is None or report.by_category is None:
        st.info(t("vouchers.too_few"))
        return
    cur = report.currency
    shops = report.by_merchant
    row = st.container(horizontal=True, wrap=True, gap="small")
    used = int((shops["receipts"] > 0).sum())
    row.metric(
        t("vouchers.mv_shops"),
        t("vouchers.mv_shops_value", used=num(used), total=num(len(shops))),
        width="content",
        border=True,
    )
    row.metric(
        t("vouchers.m_top10_merchants_share"),
        fmt_value("top10_share", report.value("top10_merchants_share"), cur),
        help=t(
            "vouchers.band_range",
            low=pct(report.summary.loc["top10_merchants_share", "p05"]),
            high=pct(report.summary.loc["top10_merchants_share", "p95"]),
            runs=report.runs,
        ),
        width="content",
        border=True,
    )
    row.metric(
        t("vouchers.m_hhi"), num(round(report.value("hhi"))), help=t("vouchers.hhi_help"), width="content", border=True
    )
    row.metric(t("vouchers.m_top10_share"), pct(report.value("top10_share")), width="content", border=True)
    if scheme.merchants.cap_per_merchant:
        row.metric(t("vouchers.mv_cap_shops"), num(round(report.value("cap_merchants"))), width="content", border=True)
        row.metric(
            t("vouchers.mv_cap_refused"),
            compact_money(round(report.value("cap_refused")), cur),
            width="content",
            border=True,
        )
        st.caption(t("vouchers.mv_cap_note", cap=money(scheme.merchants.cap_per_merchant, cur)))
    if scheme.merchants.category_limits:
        st.caption(
            t(
                "vouchers.mv_limits",
                limits=" · ".join(
                    f"{t(f'vouchers.cat_{c}')}: {money(v, cur)}" for c, v in scheme.merchants.category_limits.items()
                ),
                refused=money(round(report.value("category_limit_refused")), cur),
            )
        )
    level = "high" if report.value("hhi") > 2500 else "moderate" if report.value("hhi") >= 1500 else "low"
    st.caption(t("vouchers.mv_hhi_reading", hhi=num(round(report.value("hhi"))), level=t(f"vouchers.hhi_{level}")))
    scale = 10 ** get_currency_precision(cur)
    cats = report.by_category.assign(
        label=lambda f: [t(f"vouchers.cat_{c}") for c in f["category"]],
        amount=lambda f: f["receipts"] / scale,
        text=lambda f: [f"{money(round(v), cur)} · {pct(s)}" for v, s in zip(f["receipts"], f["share"], strict=False)],
    )
    left, right = st.columns(2)
    left.altair_chart(hbar_chart(cats, "label", "amount", "text", t("vouchers.chart_categories"), cur), width="stretch")
    names = merchant_names(source, scheme)
    table = merchant_frame(shops, cur, province_names, names)
    top = table.head(TOP_MERCHANTS).assign(
        text=lambda f: [
            f"{money(round(v * scale), cur)} · {pct(s)}" for v, s in zip(f["receipts"], f["share"], strict=False)
        ]
    )
    right.altair_chart(
        hbar_chart(
            top,
            "merchant",
            "receipts",
            "text",
            t("vouchers.chart_top_merchants", n=TOP_MERCHANTS),
            cur,
            band=("receipts_p05", "receipts_p95"),
        ),
        width="stretch",
    )
    right.caption(t("vouchers.top_merchants_note", runs=report.runs))
    st.subheader(t("vouchers.mv_table"))
    shown = table.drop(columns=["currency"])
    formats: dict[str, Callable[[Any], str]] = {
        c: (lambda v: money(round(v * scale), cur)) for c in ("receipts", "receipts_p05", "receipts_p95", "refused")
    }
    formats.update(share=pct, cap_hit_runs=pct, transactions=num, merchant_id=lambda v: str(v))
    st.dataframe(
        shown.head(500).rename(columns=column_title).style.format({column_title(c): f for c, f in formats.items()}),
        hide_index=True,
        width="stretch",
    )
    labelled_downloads(table, "vouchers_merchants", t("vouchers.merchants_short"))
