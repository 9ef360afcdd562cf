"""Funding from a campaign: its balance as the budget, a purpose check and a preview of the payouts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.export import EXPORT_ROW_CAP
from explorer.queries import vouchers as vq
from explorer.ui.data import query
from explorer.ui.i18n import money, num, t
from explorer.ui.vouchers.errors import show_error
from explorer.ui.vouchers.tables import column_title, labelled_downloads
from explorer.vouchers import funding
from explorer.vouchers.report import Report
from explorer.vouchers.scheme import Scheme, SchemeError


def fund(scheme: Scheme, report: Report, source: str) -> None:
    campaigns = query(vq.funding_campaigns, currency=scheme.currency)
    if campaigns.empty:
        st.info(t("vouchers.fund_none", currency=scheme.currency))
        return
    provinces = query(vq.provinces)
    province_names = dict(zip(provinces["code"], provinces["name_vi"], strict=False))
    # Titles repeat across years: the label carries the account, the start year and what is left to spend.
    titles = {
        row["id"]: t(
            "vouchers.fund_option",
            account=row["account_number"],
            title=row["title"],
            year=str(pd.Timestamp(row["start_on"]).year),
            available=money(row["available"], scheme.currency),
        )
        for row in campaigns.to_dict("records")
    }
    chosen = st.selectbox(
        t("vouchers.fund_pick"),
        list(titles),
        index=None,
        format_func=titles.__getitem__,
        key="vf_campaign",
        placeholder=t("vouchers.fund_placeholder"),
    )
    if chosen is None:
        return
    balance = query(vq.campaign_balance, campaign_id=int(chosen))
    picked = campaigns.set_index("id").loc[chosen]
    problems = funding.purpose_problems(
        scheme, picked["category"], None if pd.isna(picked["province_code"]) else int(picked["province_code"])
    )
    groups = problems.get("groups")  # funding.purpose_problems types its values as object: a list of groups here
    if isinstance(groups, list):
        st.warning(
            t(
                "vouchers.fund_purpose_groups",
                category=t(f"vouchers.fund_category_{picked['category']}"),
                groups=", ".join(t(f"vouchers.group_{g}") for g in groups),
            ),
            icon="⚠️",
        )
    if "province" in problems:
        st.warning(
            t(
                "vouchers.fund_purpose_province",
                province=province_names.get(problems["province"], "?"),
                provinces=", ".join(province_names.get(p, str(p)) for p in scheme.eligibility.provinces),
            ),
            icon="⚠️",
        )
    cols = st.columns(3)
    for col, name in zip(cols, ("received", "disbursed", "available"), strict=False):
        col.metric(t(f"vouchers.fund_{name}"), money(balance[name], scheme.currency))
    registrations = int(report.value("registrations"))
    try:
        funding.check_budget(scheme, int(report.value("issued")), registrations, balance["available"])
    except SchemeError as exc:
        show_error(exc, scheme.currency, field=t("vouchers.fund_available"))
        return
    names = (
        query(vq.merchants, categories=tuple(scheme.merchants.categories)).set_index("merchant_id")["name"]
        if source == "db"
        else None
    )  # synthetic shops have no names
    preview = funding.statement_preview(scheme, report.settlements, registrations, balance["available"], names)
    totals = funding.preview_totals(preview, balance["available"])
    st.caption(t("vouchers.fund_one_run", runs=report.runs))
    st.caption(
        t(
            "vouchers.fund_preview_note",
            lines=num(totals["lines"]),
            paid=money(totals["paid_out"], scheme.currency),
            closing=money(totals["closing_balance"], scheme.currency),
        )
    )
    st.dataframe(preview.head(500).rename(columns=column_title), hide_index=True, width="stretch")
    labelled_downloads(preview.head(EXPORT_ROW_CAP), "vouchers_funding_preview", t("vouchers.preview_short"))
