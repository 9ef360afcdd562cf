"""What the Statements and Verify pages show: query frames turned into labelled, formatted tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.fmt import major_units
from explorer.ui import phone
from explorer.ui.i18n import day, moment, money, num, t
from explorer.ui.listing import money_column

CENTS = 2  # decimals of the foreign currencies the accounts hold (USD, CNY)


def amounts(frame: pd.DataFrame, column: str) -> pd.Series:
    """A money column in major units, still numbers (so a header click sorts by value, not by text)."""
    return pd.Series(
        [
            None if pd.isna(a) else major_units(int(a), c)
            for a, c in zip(frame[column], frame["currency"], strict=False)
        ],
        index=frame.index,
        dtype="Float64",
    )


def column_config(table: pd.DataFrame, *keys: str) -> dict:
    """column_config for the money columns of lines_table / candidates_table (their translated headers).
    Whole amounts show no decimals; cents only when an amount on screen has them (a USD gift of $12.50)."""
    config = {}
    for key in keys:
        values = table[t(key)].dropna()
        config[t(key)] = money_column(t(key), 0 if (values % 1 == 0).all() else CENTS)
    return config


def when(posted_at, has_time: bool = True) -> str:
    """A line's time as people read it; a bank that gave only the date shows only the date."""
    return moment(posted_at.to_pydatetime()) if has_time else day(posted_at.date())


def lines_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Statement lines (explorer.queries.statements) with translated headers and formatted money."""
    arrow = {"in": "↘ " + t("statements.direction_in"), "out": "↗ " + t("statements.direction_out")}
    return pd.DataFrame(
        {
            t("statements.col_id"): frame["id"].astype("int64"),
            t("statements.col_time"): [when(p, h) for p, h in zip(frame["posted_at"], frame["has_time"], strict=False)],
            t("statements.col_account"): frame["account"],
            t("statements.col_direction"): frame["direction"].map(arrow),
            t("statements.col_amount"): amounts(frame, "amount"),
            t("statements.col_currency"): frame["currency"],
            t("statements.col_balance"): amounts(frame, "balance"),
            t("statements.col_counterparty"): frame["counterparty"].fillna(""),
            t("statements.col_description"): frame["description"],
            t("statements.col_reference"): frame["reference"].fillna(""),
            t("statements.col_campaign"): frame["campaign"].fillna(""),
        }
    )


def phone_lines(container, frame: pd.DataFrame, key: str) -> None:
    """The phone's copy of a page of lines (ui.phone): amount with its time below, sender, memo (wrapped)."""
    has_time = frame["has_time"] if "has_time" in frame else [True] * len(frame)  # Verify's rows carry a time
    rows = [
        phone.cell(
            ("−" if r["direction"] == "out" else "+") + money(int(r["amount"]), r["currency"]),
            f"num {'out' if r['direction'] == 'out' else 'in'}",
            note=when(r["posted_at"], timed),
        )
        + phone.cell(r["counterparty"] if isinstance(r["counterparty"], str) else "—")
        + phone.cell(r["description"])
        for r, timed in zip(frame.to_dict("records"), has_time, strict=False)
    ]
    headers = [
        (t("statements.col_amount"), "34%"),
        (t("statements.col_counterparty"), "28%"),
        (t("statements.col_description"), "38%"),
    ]
    phone.html_table(container, headers, rows, key)


def totals_caption(totals: pd.DataFrame) -> None:
    """Count, money in and out, smallest and largest of every matching line, one sentence per currency."""
    if totals.empty:
        return
    st.caption(t("public.totals_heading"))
    for row in totals.to_dict("records"):
        st.caption(
            t(
                "public.totals",
                lines=num(row["lines"]),
                sum_in=money(row["sum_in"], row["currency"]),
                lines_in=num(row["lines_in"]),
                sum_out=money(row["sum_out"], row["currency"]),
                lines_out=num(row["lines_out"]),
                smallest=money(row["smallest"], row["currency"]),
                largest=money(row["largest"], row["currency"]),
            )
        )


def why(row) -> str:
    """The plain-words reasons a candidate matched, e.g. 'exact amount · 1 day(s) from the date'."""
    reasons = []
    if row.match_name:
        reasons.append(t("verify.why_name"))
    if row.exact_amount:
        reasons.append(t("verify.why_amount"))
    if not pd.isna(row.days_off):
        reasons.append(t("verify.why_same_day") if row.days_off == 0 else t("verify.why_days", n=int(row.days_off)))
    return " · ".join(reasons)


def candidates_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Verify-my-donation candidates, best first, each with its score and why it matched."""
    return pd.DataFrame(
        {
            t("verify.col_score"): frame["score"].astype(float),
            t("verify.col_why"): [why(row) for row in frame.itertuples()],
            t("verify.col_time"): [when(p) for p in frame["posted_at"]],
            t("verify.col_amount"): amounts(frame, "amount"),
            t("verify.col_currency"): frame["currency"],
            t("verify.col_counterparty"): frame["counterparty"].fillna(""),
            t("verify.col_description"): frame["description"],
            t("verify.col_account"): frame["account"],
            t("verify.col_campaign"): frame["campaign"].fillna(""),
            t("verify.col_id"): frame["id"].astype("int64"),
        }
    )
