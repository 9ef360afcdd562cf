"""Budget first: how many people a budget serves, groups in priority order, caps per group and province."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.ui.i18n import currency_symbol, labels, money, num, pct, t
from explorer.ui.vouchers.scheme_file import version_of
from explorer.ui.vouchers.tables import column_title, labelled_downloads, province_label
from explorer.vouchers import codec
from explorer.vouchers.budget import eligible_counts, person_cost, plan
from explorer.vouchers.disclosure import MIN_GROUP
from explorer.vouchers.population import Population
from explorer.vouchers.scheme import Scheme


def budget_first(scheme: Scheme, population: Population, province_names: dict[int, str], seed: int) -> None:
    """Given a budget, who the scheme can serve: groups in the chosen priority order, with caps per group and
    per province. Pure arithmetic on the eligible counts (no simulation), exact to the person and the unit."""
    cur = scheme.currency
    counts = eligible_counts(scheme, population.beneficiaries, seed)
    per = person_cost(scheme)
    if int(counts["eligible"].sum()) < MIN_GROUP:
        st.info(t("vouchers.too_few"))  # under 10 people: not even their number
        return
    eligible = counts.groupby("group")["eligible"].sum()
    need = scheme.costs.setup + sum(per[g] * eligible.get(g, 0) for g in per)
    step = 1.0 if get_currency_precision(cur) else 1000
    groups = [tg.group for tg in scheme.targets]
    by_province = counts.groupby("province_code")["eligible"].sum()
    listed = [int(c) for c in by_province.index[by_province >= MIN_GROUP]]  # smaller provinces are not listed
    version = version_of(scheme)
    st.caption(
        t(
            "vouchers.bf_explain",
            setup=money(scheme.costs.setup, cur),
            costs=" · ".join(f"{t(f'vouchers.group_{g}')}: {money(c, cur)}" for g, c in per.items()),
            need=money(need, cur),
        )
    )
    with st.form(f"bf_form_{version}"):
        budget_major = st.number_input(
            t("vouchers.bf_budget", currency=currency_symbol(cur)),
            value=codec.major(scheme.budget or need // 2, cur),
            min_value=0.0 if step == 1.0 else 0,
            step=step,
            key=f"bf_budget_{version}",
        )
        priority = st.multiselect(
            t("vouchers.bf_priority"),
            groups,
            groups,
            format_func=labels("vouchers.group_"),
            key=f"bf_priority_{version}",
            help=t("vouchers.bf_priority_help"),
        )
        cols = st.columns(min(3, len(groups)))
        group_caps = {}
        for i, group in enumerate(groups):
            cap = cols[i % len(cols)].number_input(
                t("vouchers.bf_group_cap", group=t(f"vouchers.group_{group}")),
                min_value=0,
                value=0,
                step=10,
                key=f"bf_gcap_{group}_{version}",
            )
            if cap:
                group_caps[group] = int(cap)
        c1, c2 = st.columns([2, 1])
        capped = c1.multiselect(
            t("vouchers.bf_province_pick"),
            listed,
            [],
            format_func=lambda code: province_names.get(code, str(code)),
            placeholder=t("vouchers.bf_province_placeholder"),
            key=f"bf_prov_{version}",
        )
        province_cap = c2.number_input(
            t("vouchers.bf_province_cap"), min_value=0, value=0, step=10, key=f"bf_pcap_{version}"
        )
        st.form_submit_button(t("vouchers.bf_apply"), type="primary")
    budget = codec.minor(budget_major, cur)
    province_caps = {code: int(province_cap) for code in (capped or listed)} if province_cap else {}
    started = dt.datetime.now()
    result = plan(
        budget,
        counts,
        per,
        setup=scheme.costs.setup,
        priority=priority,
        group_caps=group_caps,
        province_caps=province_caps,
    )
    seconds = (dt.datetime.now() - started).total_seconds()
    row = st.container(horizontal=True, wrap=True, gap="small")
    row.metric(
        t("vouchers.bf_served"),
        t("vouchers.bf_served_value", served=num(result.people), eligible=num(result.eligible)),
        width="content",
        border=True,
    )
    row.metric(
        t("vouchers.bf_share"),
        pct(result.people / result.eligible if result.eligible else 0.0),
        width="content",
        border=True,
    )
    row.metric(t("vouchers.bf_spent"), money(result.spent, cur), width="content", border=True)
    row.metric(t("vouchers.bf_left"), money(result.left, cur), width="content", border=True)
    if budget < scheme.costs.setup:
        st.warning(t("vouchers.bf_below_setup", setup=money(scheme.costs.setup, cur)), icon="⚠️")
    st.caption(t("vouchers.bf_timing", ms=num(round(seconds * 1000, 1))))
    scale = 10 ** get_currency_precision(cur)
    groups_table = result.shown_by_group()  # small groups folded into "other" (never derivable from the total)
    shown = pd.DataFrame(
        {
            column_title("group"): [t(f"vouchers.group_{g}") for g in groups_table["group"]],
            t("vouchers.bf_col_eligible"): [num(v) for v in groups_table["eligible"]],
            t("vouchers.bf_col_served"): [num(v) for v in groups_table["served"]],
            t("vouchers.bf_col_share"): [
                pct(s / e) for s, e in zip(groups_table["served"], groups_table["eligible"], strict=False)
            ],
            t("vouchers.bf_col_per_person"): [money(per[g], cur) if g in per else "—" for g in groups_table["group"]],
            column_title("cost"): [money(v, cur) for v in groups_table["cost"]],
            t("vouchers.bf_col_stop"): [
                t(f"vouchers.bf_stop_{result.stop.get(g) or 'none'}") if g in per else "—"
                for g in groups_table["group"]
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    provinces_table = result.shown_by_province()  # small provinces folded into "other", as above
    hidden = int((~result.by_province()["province_code"].isin(provinces_table["province_code"])).sum())
    export = provinces_table.assign(
        province=[province_label(c, province_names) for c in provinces_table["province_code"]],
        cost=provinces_table["cost"] / scale,
        currency=cur,
    )
    st.subheader(t("vouchers.bf_by_province"))
    st.dataframe(
        pd.DataFrame(
            {
                column_title("province"): export["province"],
                t("vouchers.bf_col_eligible"): [num(v) for v in export["eligible"]],
                t("vouchers.bf_col_served"): [num(v) for v in export["served"]],
                t("vouchers.bf_col_share"): [
                    pct(s / e) for s, e in zip(export["served"], export["eligible"], strict=False)
                ],
                column_title("cost"): [money(round(v * scale), cur) for v in export["cost"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if hidden:
        st.caption(t("vouchers.bf_hidden", count=num(hidden)))
    labelled_downloads(
        export[["province_code", "province", "eligible", "served", "cost", "currency"]],
        "vouchers_budget_plan",
        t("vouchers.bf_short"),
    )
