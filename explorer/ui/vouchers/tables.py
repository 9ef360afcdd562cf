"""Tables as people read them (separators, whole people, money with its currency) and their downloads."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_currency_precision

from explorer.export import to_csv_bytes, to_parquet_bytes
from explorer.ui.charts import Layered
from explorer.ui.i18n import money, num, pct, t
from explorer.vouchers.disclosure import OTHER_PROVINCE
from explorer.vouchers.report import (
    COUNT_COLUMNS,
    MONEY_COLUMNS,
)


def column_title(name: str) -> str:
    return t(f"vouchers.col_{name}")


RATE_COLUMNS = ("claim_rate", "coverage", "reached_share", "redemption_rate")


def people_table(frame: pd.DataFrame, currency: str):
    """A breakdown for the screen: numbers stay numbers (columns sort right) but read in the page's language —
    thousands separators, whole people, the language's decimal mark, money with its currency."""
    shown = frame.drop(
        columns=[
            c
            for c in ("currency", "province_code")
            if c in frame.columns and ("province" in frame.columns or c == "currency")
        ]
    )
    scale = 10 ** get_currency_precision(currency)
    formats = {}
    for column in shown.columns:
        if column in MONEY_COLUMNS:
            formats[column] = lambda v: "—" if pd.isna(v) else money(round(v * scale), currency)
        elif column in COUNT_COLUMNS:
            formats[column] = lambda v: "—" if pd.isna(v) else num(int(round(v)))
        elif column in RATE_COLUMNS:
            formats[column] = lambda v: "—" if pd.isna(v) else pct(v)
        elif column == "cost_per_unit_delivered":
            formats[column] = lambda v: "—" if pd.isna(v) else num(round(v, 3))
        elif column == "days_to_first_spend":
            formats[column] = lambda v: "—" if pd.isna(v) else num(round(v, 1))
    return shown.rename(columns=column_title).style.format({column_title(c): f for c, f in formats.items()})


def labelled_downloads(frame: pd.DataFrame, name: str, what: str) -> None:
    """CSV and Parquet of one table, each button saying what it holds."""
    left, right = st.columns(2)
    left.download_button(
        t("vouchers.dl_csv", what=what), to_csv_bytes(frame), f"{name}.csv", "text/csv", key=f"dl_csv_{name}"
    )
    right.download_button(
        t("vouchers.dl_parquet", what=what),
        to_parquet_bytes(frame),
        f"{name}.parquet",
        "application/octet-stream",
        key=f"dl_pq_{name}",
    )


def province_label(code: int, province_names: dict[int, str]) -> str:
    """A province's name; the folded row of small provinces says what it holds."""
    return t("vouchers.province_other") if int(code) == OTHER_PROVINCE else province_names.get(int(code), str(code))


def escape_markdown(text: str) -> str:
    """A user's scenario name as plain text in markdown (no links, emphasis or images)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


def hbar_chart(
    frame: pd.DataFrame, y: str, x: str, text: str, title: str, currency_code: str, band: tuple[str, str] | None = None
) -> Layered:
    """Horizontal bars with their amount written beside them (room for it on a phone), every label shown."""
    top = max(float(frame[band[1] if band else x].max()) if len(frame) else 1.0, 1.0)
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{y}:N", sort=None, title=None, axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X(f"{x}:Q", title=currency_code, axis=alt.Axis(format="~s"), scale=alt.Scale(domain=[0, top * 2.2])),
    )
    layers = base.mark_bar() + base.mark_text(align="left", dx=3).encode(
        x=alt.X(f"{band[1] if band else x}:Q"), text=f"{text}:N"
    )
    if band:
        layers = (
            base.mark_bar()
            + base.mark_rule(color="black").encode(x=f"{band[0]}:Q", x2=f"{band[1]}:Q")
            + base.mark_text(align="left", dx=3).encode(x=alt.X(f"{band[1]}:Q"), text=f"{text}:N")
        )
    return layers.properties(title=title, height=34 * len(frame) + 90)
