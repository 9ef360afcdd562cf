"""The designer's sections, one function each, drawn inside the form; each writes its fields into the form
state and returns what the designer still has to combine (the start date, the expiry control, the
per-group table, the budget)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from explorer.ui.i18n import currency_symbol, labels, t
from explorer.ui.vouchers.form_fields import FormState
from explorer.ui.vouchers.form_parts import expiry_text, group_behaviour_columns, group_behaviour_frame, rates_text
from explorer.vouchers.scheme import CURRENCIES

EXPIRY_MODES = ("none", "fixed_date", "days_after_claim")
BEHAVIOUR_FIELDS = (
    "claim_probability",
    "never_spend_share",
    "claim_delay_days",
    "first_spend_days",
    "days_between_spends",
    "shop_distance_decay_km",
    "merchant_popularity_spread",
)


def heading(name: str) -> None:
    st.markdown(f"**{t(f'vouchers.sec_{name}')}**")


def targets(f: FormState) -> None:
    """1. Who receives what: amount, per household member, the most members paid for (the household cap)."""
    st.markdown(f"**{t('vouchers.sec_targets')}** — {t('vouchers.amount_help', currency=currency_symbol(f.cur))}")
    current, chosen, cols = {tg.group: tg for tg in f.scheme.targets}, [], st.columns(3)
    for i, group in enumerate(BENEFICIARY_GROUPS):
        old = current.get(group)
        with cols[i % 3]:
            amount = st.number_input(
                t(f"vouchers.group_{group}"),
                value=f.major(old.amount if old else 0),
                step=f.step,
                key=f.key(f"amount_{group}"),
            )
            per_member = st.checkbox(t("vouchers.per_member"), bool(old and old.per_member), key=f.key(f"pm_{group}"))
            max_members = st.number_input(
                t("vouchers.f_max_members"),
                1,
                50,
                old.max_members if old else 10,
                key=f.key(f"mm_{group}"),
                help=t("vouchers.f_max_members_help"),
            )
        if amount:
            chosen.append({"group": group, "amount": amount, "per_member": per_member, "max_members": int(max_members)})
    f.data["targets"] = chosen


def basics(f: FormState) -> dt.date:
    """2. The scheme itself: name, currency, start and horizon. Returns the start date."""
    heading("scheme")
    cols = st.columns(4)
    f.data["name"] = cols[0].text_input(t("vouchers.f_name"), f.scheme.name, key=f.key("name"))
    f.data["currency"] = cols[1].selectbox(
        t("vouchers.f_currency"),
        CURRENCIES,
        CURRENCIES.index(f.cur),
        key=f.key("cur"),
        help=t("vouchers.currency_help", rates=rates_text()),
    )
    start = cols[2].date_input(t("vouchers.f_start"), f.scheme.start_date, key=f.key("start"))
    f.data["start_date"] = start.isoformat()
    f.field(cols[3], "", "horizon_days")
    st.caption(t("vouchers.currency_note", currency=currency_symbol(f.cur), rates=rates_text()))
    return start


def eligibility(f: FormState, province_names: dict[int, str]) -> None:
    """3. Who is eligible: provinces, household sizes, the referral rule, duplicates."""
    heading("eligibility")
    rules = f.scheme.eligibility
    f.data["eligibility"]["provinces"] = st.multiselect(
        t("vouchers.f_provinces"),
        list(province_names),
        list(rules.provinces),
        format_func=lambda code: province_names.get(code, str(code)),
        key=f.key("prov"),
        placeholder=t("vouchers.bf_province_placeholder"),
    )
    cols = st.columns(3)
    f.field(cols[0], "eligibility", "household_min")
    f.field(cols[1], "eligibility", "household_max")
    f.data["exclude_duplicates"] = cols[2].checkbox(
        t("vouchers.f_exclude_duplicates"), f.scheme.exclude_duplicates, key=f.key("dup")
    )
    cols = st.columns([1, 2])
    f.data["eligibility"]["referral_required"] = cols[0].checkbox(
        t("vouchers.f_referral_required"), rules.referral_required, key=f.key("ref")
    )
    f.data["eligibility"]["referral_rate"] = cols[1].slider(
        t("vouchers.f_referral_rate"),
        0.0,
        1.0,
        float(rules.referral_rate),
        0.01,
        key=f.key("refr"),
        help=t("vouchers.f_referral_rate_help"),
    )


def tranches_and_expiry(f: FormState) -> tuple[str, int]:
    """4. Tranches and one expiry control: when vouchers expire and how many days that is.
    Returns (expiry mode, days): the date of a fixed expiry depends on the start chosen above."""
    heading("tranches")
    cols = st.columns([3, 5, 8, 4])  # the schedule's options are long words
    f.field(cols[0], "tranches", "count")
    f.field(cols[1], "tranches", "denomination")
    f.choice(cols[2], "tranches", "schedule", ("after_previous", "interval"))
    f.field(cols[3], "tranches", "interval_days")
    ex, start = f.scheme.expiry, f.scheme.start_date
    cols = st.columns(3)
    mode = cols[0].selectbox(
        t("vouchers.f_mode"),
        EXPIRY_MODES,
        EXPIRY_MODES.index(ex.mode),
        format_func=labels("vouchers.mode_"),
        key=f.key("mode"),
    )
    days_now = (ex.date - start).days if ex.mode == "fixed_date" and ex.date else ex.days
    days = cols[1].number_input(
        t("vouchers.f_expiry_days"), 1, 3650, int(days_now), key=f.key("exdays"), help=t("vouchers.f_expiry_days_help")
    )
    f.choice(cols[2], "expiry", "unspent", ("return_to_fund", "lapse"))
    st.caption(expiry_text(f.scheme))
    return mode, int(days)


def merchants(f: FormState) -> None:
    """5. Where vouchers can be spent: categories, the per-merchant cap, per-category limits per person."""
    heading("merchants")
    rules = f.scheme.merchants
    f.data["merchants"]["categories"] = st.multiselect(
        t("vouchers.f_categories"),
        list(MERCHANT_CATEGORIES),
        list(rules.categories),
        format_func=labels("vouchers.cat_"),
        key=f.key("cats"),
    )
    f.field(st.columns(3)[0], "merchants", "cap_per_merchant")
    # Forus-style product vouchers: the most one person may spend at a category's shops (0: no limit).
    st.caption(t("vouchers.limits_help", currency=currency_symbol(f.cur)))
    limit_cols, limits = st.columns(3), {}
    for i, category in enumerate(MERCHANT_CATEGORIES):
        limits[category] = limit_cols[i % 3].number_input(
            t("vouchers.limit_label", category=t(f"vouchers.cat_{category}")),
            value=f.major(rules.category_limits.get(category, 0)),
            step=f.step,
            key=f.key(f"lim_{category}"),
        )
    f.data["merchants"]["category_limits"] = limits


def behaviour(f: FormState) -> pd.DataFrame:
    """6. How people behave, in general and per group. Returns the per-group table as edited."""
    heading("behaviour")
    f.fields(tuple(("behaviour", n) for n in BEHAVIOUR_FIELDS))
    st.caption(t("vouchers.by_group_help"))
    return st.data_editor(
        group_behaviour_frame(f.scheme),
        key=f.key("bygroup"),
        hide_index=True,
        disabled=["group"],
        width="stretch",
        column_config=group_behaviour_columns(),
    )


def verification(f: FormState) -> None:
    """7. Verification at the claim."""
    heading("verification")
    f.fields(tuple(("verification", n) for n in ("face_success", "assisted_share", "assisted_success")))


def costs(f: FormState) -> float:
    """8. Travel, costs and the budget. Returns the budget typed (major units, 0: none)."""
    heading("costs")
    f.fields(
        (
            ("access", "max_travel_km"),
            ("access", "travel_cost_per_km"),
            ("costs", "setup"),
            ("costs", "onboarding_per_beneficiary"),
            ("costs", "fee_per_transaction"),
            ("costs", "settlement_cost"),
        )
    )
    cols = st.columns(3)
    f.choice(cols[0], "costs", "settlement", ("daily", "weekly"))
    return cols[1].number_input(
        t("vouchers.f_budget"), value=f.major(f.scheme.budget or 0), step=f.step, key=f.key("bud")
    )
