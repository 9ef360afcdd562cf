"""Disbursement tables (each row with the debit line it explains) and the flow chart's labels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.ui import phone, province_labels
from explorer.ui.i18n import labels, t
from explorer.ui.listing import date_column, datetime_column, money_column, statements_url

DISPLAY = [
    "id",
    "disbursed_on",
    "campaign",
    "category",
    "recipient_group",
    "province",
    "amount",
    "currency",
    "line_id",
    "line_posted_at",
    "line_amount",
    "line_reference",
    "line_link",
    "report_text",
]


def labelled(rows: pd.DataFrame) -> pd.DataFrame:
    """Codes as words, and a link to the statement of the debit line's account."""
    out = rows.copy()
    out["category"] = out.category.map(labels("disbursements.cat_"))
    out["recipient_group"] = out.recipient_group.map(labels("disbursements.group_"))
    out["province"] = province_labels.labelled(out)
    out["line_link"] = [
        statements_url(account=a, campaign=c) if pd.notna(i) else None
        for a, c, i in zip(out.account_number, out.campaign_id, out.line_id, strict=False)
    ]
    return out


def table(rows: pd.DataFrame, with_campaign: bool = True, key: str = "dsb_list") -> None:
    """Disbursements with their debit lines; `with_campaign=False` on a campaign's own page."""
    if rows.empty:
        st.info(t("common.no_rows"))
        return

    def money(key: str):
        return money_column(t(f"disbursements.{key}"))

    columns = [c for c in DISPLAY if with_campaign or c != "campaign"]
    config = {
        "id": "#",
        "disbursed_on": date_column(t("disbursements.disbursed_on")),
        "campaign": t("disbursements.campaign"),
        "category": t("disbursements.category"),
        "recipient_group": t("disbursements.recipient_group"),
        "province": t("disbursements.province"),
        "amount": money("amount"),
        "currency": t("disbursements.currency"),
        "line_id": st.column_config.NumberColumn(t("disbursements.line_id")),
        "line_posted_at": datetime_column(t("disbursements.line_posted_at")),
        "line_amount": money("line_amount"),
        "line_reference": t("disbursements.line_reference"),
        "line_link": st.column_config.LinkColumn(t("disbursements.line_link"), display_text="📜"),
        "report_text": t("disbursements.report_text"),
    }
    shown = labelled(rows)
    wide, narrow = phone.by_screen(key)
    wide.dataframe(shown[columns], hide_index=True, column_config=config)
    # The phone's table: how much, to whom, where and when first, in widths that fit 390 px (ui.phone).
    amount = money("amount")
    amount["width"] = 112
    narrow.dataframe(
        shown[
            [
                "amount",
                "recipient_group",
                "province",
                "disbursed_on",
                "line_link",
                *(["campaign"] if with_campaign else []),
            ]
        ],
        hide_index=True,
        column_config={
            **config,
            "amount": amount,
            "recipient_group": st.column_config.TextColumn(t("disbursements.recipient_group"), width=120),
            "province": st.column_config.TextColumn(t("disbursements.province"), width=110),
        },
    )
    st.caption(t("disbursements.line_explained"))


def node_label(node: str) -> str:
    """Words for a flow node 'stage:key' (gift classes, accounts, categories, provinces, catch-alls)."""
    stage, key = node.split(":", 1)
    if stage == "donors":
        return t(f"disbursements.gifts_{key}")
    if key == "other":
        return t(f"disbursements.other_{stage}")
    if stage == "account":
        return t("disbursements.account_node", number=key)
    if stage == "category":
        return t("disbursements.held") if key == "held" else t(f"disbursements.cat_{key}")
    return key
