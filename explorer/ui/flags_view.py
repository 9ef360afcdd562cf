"""Transparency flags in plain words, each naming the rule it comes from (Accounts and Campaigns pages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from explorer import rules
from explorer.queries import flags
from explorer.ui.i18n import day, money, num, pct, t

ICONS = {
    "met": "✅",
    "not_due": "⏳",
    "late_report": "⚠️",
    "missing_report": "🚩",
    "over_disbursed": "🚩",
    "unexplained_payouts": "❔",
}


def status_label(status: str) -> str:
    return f"{ICONS.get(status, '')} {t(f'flags.status_{status}')}".strip()


def rule_text() -> str:
    """The reporting rule itself, with its numbers taken from explorer.rules."""
    return t("flags.rule_report", share=pct(rules.THRESHOLD_SHARE, 0), grace=rules.REPORT_GRACE_DAYS)


def explain(row: Mapping[Hashable, Any], currency: str = "VND") -> str:
    """Why a campaign has its status, with its own dates and amounts."""
    status = row["status"]
    key = status
    if status == "not_due" and row.get("threshold_on"):
        key = "not_due_reached"
    elif status == "met" and not row.get("threshold_on"):
        key = "met_early"
    return t(
        f"flags.explain_{key}",
        share=pct(rules.THRESHOLD_SHARE, 0),
        threshold_on=day(row.get("threshold_on")),
        due_on=day(row.get("due_on")),
        first_report_on=day(row.get("first_report_on")),
        received=money(row.get("received"), currency),
        disbursed=money(row.get("disbursed"), currency),
        days=flags.days_late(row.get("first_report_on"), row.get("due_on")),
    )


def explain_payouts(row: Mapping[Hashable, Any], currency: str = "VND") -> str:
    return t("flags.explain_unexplained_payouts", lines=num(row["lines"]), amount=money(row["amount"], currency))


def as_of_caption(as_of: dt.date | None) -> None:
    st.caption(t("flags.as_of", as_of=day(as_of)))


def show_account_flags(frame: pd.DataFrame, currency: str, as_of: dt.date | None) -> None:
    """One warning per flag: what happened, then the rule it breaks."""
    if frame.empty:
        st.success(t("flags.none"))
    for row in frame.to_dict("records"):
        if row["flag"] == "unexplained_payouts":
            st.warning(
                f"{status_label(row['flag'])} — {explain_payouts(row, currency)}\n\n"
                f"{t('flags.rule_label')}: {t('flags.rule_payouts')}"
            )
            continue
        row["status"] = row["flag"]
        st.warning(
            f"{status_label(row['flag'])} — **{row['title']}** (#{row['campaign_id']}): "
            f"{explain(row, currency)}\n\n{t('flags.rule_label')}: {rule_text()}"
        )
    as_of_caption(as_of)


def show_campaign_status(row: Mapping[Hashable, Any], as_of: dt.date | None) -> None:
    """The campaign's rule status as a coloured box with its explanation and the rule."""
    status = row["rule_status"]
    body = (
        f"**{status_label(status)}** — {explain({**row, 'status': status}, row.get('currency', 'VND'))}\n\n"
        f"{t('flags.rule_label')}: {rule_text()}"
    )
    box = st.warning if status in flags.BREACHES else (st.success if status == "met" else st.info)
    box(body)
    as_of_caption(as_of)
