"""Pieces of the designer form: the expiry in words, the per-group behaviour table and its columns."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import fmt
from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from explorer.ui.i18n import day, labels, money, num, t
from explorer.vouchers import codec, currency
from explorer.vouchers.scheme import CURRENCIES, Scheme


def expiry_text(scheme: Scheme) -> str:
    """The scheme's expiry in words, with its day and date (the one expiry control's meaning)."""
    ex = scheme.expiry
    if ex.mode == "fixed_date" and ex.date:
        return t("vouchers.expiry_now_fixed", date=day(ex.date), days=num((ex.date - scheme.start_date).days))
    if ex.mode == "days_after_claim":
        return t("vouchers.expiry_now_days", days=num(ex.days))
    return t("vouchers.expiry_now_none")


def group_behaviour_frame(scheme: Scheme) -> pd.DataFrame:
    """One row per targeted group: its pace and its preference weight for each merchant category (1: neutral)."""
    rows = []
    for target in scheme.targets:
        rules = scheme.behaviour.by_group.get(target.group)
        row = {"group": target.group, "pace": float(rules.pace) if rules else 1.0}
        for category in MERCHANT_CATEGORIES:
            row[category] = float(rules.categories.get(category, 1.0)) if rules else 1.0
        rows.append(row)
    return pd.DataFrame(rows, columns=["group", "pace", *MERCHANT_CATEGORIES])


def group_behaviour_columns() -> dict:
    config = {
        "group": st.column_config.SelectboxColumn(
            t("vouchers.col_group"),
            options=list(BENEFICIARY_GROUPS),
            format_func=labels("vouchers.group_"),
            disabled=True,
        ),
        "pace": st.column_config.NumberColumn(
            t("vouchers.f_pace"), min_value=0.1, max_value=10.0, step=0.1, help=t("vouchers.f_pace_help")
        ),
    }
    for category in MERCHANT_CATEGORIES:
        config[category] = st.column_config.NumberColumn(
            t(f"vouchers.cat_{category}"), min_value=0.0, max_value=1000.0, step=0.1
        )
    return config


def by_group_from(table: pd.DataFrame, scheme: Scheme) -> dict:
    """The per-group behaviour the table describes, as scheme data: only what differs from neutral (pace 1,
    weight 1) is kept; groups not targeted keep what the scheme had for them."""
    targeted = set(table["group"]) if len(table) else set()
    out = {g: codec.to_dict(rules) for g, rules in scheme.behaviour.by_group.items() if g not in targeted}
    for row in table.to_dict("records"):
        pace = 1.0 if pd.isna(row.get("pace")) else float(row["pace"])
        weights = {c: float(row[c]) for c in MERCHANT_CATEGORIES if not pd.isna(row.get(c)) and float(row[c]) != 1.0}
        if pace != 1.0 or weights:
            out[row["group"]] = {"pace": pace, "categories": weights}
    return out


def rates_text() -> str:
    """The planning rates, one unit of each currency against the dong, written as every amount is ('CN¥1.00 =
    ₫3,500'): '1 CNY' beside 'CN¥200.00' read as a third way of writing the yuan."""
    return " · ".join(
        f"{money(10 ** fmt.currency_digits(c), c)} = {money(currency.VND_PER_UNIT[c], 'VND')}"
        for c in CURRENCIES
        if c != "VND"
    )
