"""The account and campaign pickers that scope Statements and Stats: the same choices, words and notices."""

from __future__ import annotations

import streamlit as st

from explorer.queries import statements
from explorer.ui.data import query
from explorer.ui.i18n import t
from explorer.ui.layout import literal
from explorer.ui.listing import UrlState, pick


def account_picker(current: str | None, state: UrlState) -> str | None:
    """Every account ('number — holder'), 'all accounts' first; an unknown number from the URL is named and dropped."""
    accounts = query(statements.account_choices)
    holders = dict(zip(accounts["number"], accounts["holder_name"], strict=False))
    if current and current not in holders:
        st.info(t("statements.account_unknown", number=literal(current)))
        current = None
    return pick(
        t("statements.account"),
        list(holders),
        current,
        t("statements.account_all"),
        lambda n: f"{n} — {holders[n]}",
        "account",
        state,
    )


def campaign_picker(current: int | None, state: UrlState) -> int | None:
    """Every campaign ('#id title'), 'all campaigns' first; an unknown id from the URL is dropped with a notice."""
    campaigns = query(statements.campaign_choices)
    titles = dict(zip(campaigns["id"].astype(int), campaigns["title"], strict=False))
    return pick(
        t("statements.campaign"),
        list(titles),
        current,
        t("statements.campaign_all"),
        lambda c: f"#{c} {titles[c]}",
        "campaign",
        state,
    )
